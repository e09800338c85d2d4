/**
 * Stored carets cost history nothing worth keeping. Each tab stores its caret
 * in the body's root attributes (src/editor/stableSelection.ts): two small
 * "quiet" updates per keystroke at the end of a line, two thirds of all updates
 * while someone types. History cannot simply drop them: their clocks sit
 * between the typist's characters, and Yjs integrates a client's structs only
 * in clock order, so a gap would hold back everything the typist wrote after
 * it. Instead a quiet update is kept as garbage-collected structs (GC) over the
 * same clock ranges, with no delete set: 2 bytes per range instead of a map
 * entry with an encoded position (measured: 48 → about 5 bytes per typed
 * character). Anything that builds on a collected struct (a position migrated
 * by a block split) integrates as collected too, exactly as in a Y.Doc with
 * garbage collection on; text never builds on a caret.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** Struct kinds of the v1 update encoding (Yjs: structGCRefNumber, structSkipRefNumber). */
const GC_INFO = 0;
const SKIP_INFO = 10;

/** `update` with every struct replaced by a GC struct of the same clocks and its delete set dropped. */
export function collectedStructs(update: Uint8Array): Uint8Array {
  const ranges = new Map<number, Array<[number, number]>>();
  for (const struct of Y.decodeUpdate(update).structs) {
    if (struct instanceof Y.Skip) continue;
    const { client, clock } = struct.id;
    let list = ranges.get(client);
    if (!list) ranges.set(client, (list = []));
    const last = list[list.length - 1];
    if (last && last[0] + last[1] === clock) last[1] += struct.length;
    else list.push([clock, struct.length]);
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, ranges.size);
  for (const [client, list] of ranges) {
    list.sort((a, b) => a[0] - b[0]);
    const parts: Array<[number, number]> = []; // [info, length]
    list.forEach(([clock, length], i) => {
      if (i > 0) {
        const gap = clock - (list[i - 1][0] + list[i - 1][1]);
        if (gap > 0) parts.push([SKIP_INFO, gap]);
      }
      parts.push([GC_INFO, length]);
    });
    encoding.writeVarUint(encoder, parts.length);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, list[0][0]);
    for (const [info, length] of parts) {
      encoding.writeUint8(encoder, info);
      encoding.writeVarUint(encoder, length);
    }
  }
  encoding.writeVarUint(encoder, 0); // no deletions
  return encoding.toUint8Array(encoder);
}
