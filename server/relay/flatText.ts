/**
 * Text held flat. When Yjs integrates consecutive insertions by one client it
 * merges them into one item (`str += next.str`), and V8 keeps each `+` as a
 * "cons string": a 32-byte node pointing at both halves, until something reads
 * the string whole. A relay never reads its documents' text, so a room built
 * from 1,000 typed characters held ~800 such nodes (25 KiB, more than the text
 * itself; bench/heapProbe.ts). Servers that re-encode every update (the
 * reference y-websocket server) flatten them as a side effect; the relay
 * forwards the bytes it received instead, so it flattens what it merged here:
 * only the items an update touched, or the whole document once after loading.
 */
import * as Y from 'yjs';
import type { ScannedUpdate } from './updateScan';

type StructStore = Y.Doc['store'];

/** Makes V8 store `text` as one flat string (ToNumber flattens its argument; the number is discarded). */
function flatten(text: string): void {
  void Number(text);
}

function flattenItem(struct: Y.Item | Y.GC | Y.Skip): void {
  if (struct instanceof Y.Item && struct.content instanceof Y.ContentString) flatten(struct.content.str);
}

/** Flattens the text of the items `scan`'s update added, and of the item each first one may have merged into. */
export function flattenAddedText(store: StructStore, scan: ScannedUpdate): void {
  for (const range of scan.clients) {
    const structs = store.clients.get(range.client);
    if (!structs || structs.length === 0) continue;
    const last = structs[structs.length - 1];
    if (last.id.clock + last.length <= Math.max(0, range.start - 1)) continue;
    for (let i = Y.findIndexSS(structs, Math.max(0, range.start - 1)); i < structs.length && structs[i].id.clock < range.end; i++) {
      flattenItem(structs[i]);
    }
  }
}

/** Flattens every text item of the document (after loading it from many stored updates). */
export function flattenAllText(store: StructStore): void {
  for (const structs of store.clients.values()) for (const struct of structs) flattenItem(struct);
}
