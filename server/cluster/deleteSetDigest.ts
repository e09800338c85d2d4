/** A canonical digest of a document's delete set (deletions do not move the state vector). */
import { createHash } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/**
 * SHA-1 of the delete set as maximal runs per client, in client order: equal
 * for two replicas holding the same deletions however their structs are split.
 */
export function deleteSetDigest(doc: Y.Doc): Uint8Array {
  const deleteSet = Y.createDeleteSetFromStructStore(doc.store);
  const encoder = encoding.createEncoder();
  for (const client of [...deleteSet.clients.keys()].sort((a, b) => a - b)) {
    const ranges = deleteSet.clients.get(client)!;
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length);
    for (const range of ranges) {
      encoding.writeVarUint(encoder, range.clock);
      encoding.writeVarUint(encoder, range.len);
    }
  }
  return createHash('sha1').update(encoding.toUint8Array(encoder)).digest();
}
