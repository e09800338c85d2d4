/**
 * Deleting thousands of blocks in one Yjs transaction (select all and type, in
 * a long document), in Node: the tab that deletes, and a replica (another tab,
 * the relay) applying the update. Yjs 13.6's cleanup of the deleted range
 * (tryMergeDeleteSet) spliced the struct array once per merge, quadratic in the
 * blocks deleted; patches/yjs+13.6.33.patch makes it one pass per range.
 *
 *   npx tsx bench/blockDeletion.ts
 *
 * Not part of `npm run bench` (a tool; run it after `npx patch-package --reverse`
 * for the unpatched figures, and `npx patch-package` after that).
 */
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import * as Y from 'yjs';
import { sentence } from './lib/sentences';

type Paragraph = { type: 'paragraph'; children: Array<{ text: string }> };

for (const blocks of [10_000, 30_000]) {
  const writer = new Y.Doc();
  const root = writer.get('content', Y.XmlText);
  for (let start = 0; start < blocks; start += 500) {
    const nodes: Paragraph[] = [];
    for (let i = start; i < start + 500; i++) nodes.push({ type: 'paragraph', children: [{ text: sentence(i, 90) }] });
    writer.transact(() => root.applyDelta([{ retain: root.length }, ...slateNodesToInsertDelta(nodes)], { sanitize: false }));
  }
  const replica = new Y.Doc();
  Y.applyUpdateV2(replica, Y.encodeStateAsUpdateV2(writer));
  let update: Uint8Array | null = null;
  writer.on('update', (u: Uint8Array) => (update = u));
  let startedAt = performance.now();
  writer.transact(() => root.delete(1, blocks - 1));
  const local = performance.now() - startedAt;
  startedAt = performance.now();
  Y.applyUpdate(replica, update!);
  const remote = performance.now() - startedAt;
  console.log(`${blocks} blocks deleted in one transaction: in the writer ${local.toFixed(0)} ms, applied by a replica ${remote.toFixed(0)} ms`);
}
