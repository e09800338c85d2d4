/**
 * Makes @slate-yjs/core's path lookups cost the same in a big document as in a
 * small one.
 *
 * To find the Yjs node of a Slate path (every local op, every caret stored or
 * sent, every remote event) @slate-yjs/core 1.0 calls `toDelta()` on the
 * shared root, which builds one entry per block: linear in the document, and
 * done several times per keystroke (about 3 ms a call at 10,000 paragraphs
 * here). The root's delta only changes when blocks are inserted or removed,
 * which typing inside a block never does, so this keeps the last one and
 * hands it out until the root's own content changes.
 *
 * When it is invalid: from the first change to the root's content inside a
 * transaction (Yjs records it in `transaction.changed` at once) until the
 * transaction's observers ran (our observer drops the copy; Yjs calls shallow
 * observers before the deep ones @slate-yjs/core uses to translate remote
 * changes, so those never see a stale copy). Only a delta made of blocks
 * (embedded types) is kept: string entries are the ones @slate-yjs/core's
 * normalisation mutates, and a body never holds text at its top level.
 */
import * as Y from 'yjs';

type Delta = ReturnType<Y.XmlText['toDelta']>;

/** Per cached root: its blocks, when its delta is the kept copy (blocks only), else null. */
const blockLists = new WeakMap<Y.XmlText, () => ReadonlyArray<{ insert: unknown }> | null>();

/** Installs the cache on `root` (once per root: later calls do nothing). */
export function cacheRootDelta(root: Y.XmlText): void {
  if (blockLists.has(root)) return;
  const original = root.toDelta;
  let cached: Delta | null = null;

  // `changed` maps each type a transaction touched to the keys it changed; null is its content.
  const changesContent = (transaction: Y.Transaction | null | undefined): boolean =>
    transaction?.changed.get(root as unknown as Y.AbstractType<Y.YEvent<Y.XmlText>>)?.has(null) ?? false;
  const contentChanging = () => changesContent(root.doc?._transaction);

  const observer = (event: Y.YTextEvent) => {
    if (changesContent(event.transaction)) cached = null;
  };
  root.observe(observer);

  blockLists.set(root, () => {
    const delta = root.toDelta();
    return delta === cached ? delta : null;
  });

  root.toDelta = function toDelta(this: Y.XmlText, ...args: Parameters<Y.XmlText['toDelta']>): Delta {
    if (args.length > 0 && args.some((arg) => arg !== undefined)) return original.apply(this, args); // snapshots: not cached
    if (cached && !contentChanging()) return cached;
    const delta = original.call(this);
    cached = !contentChanging() && delta.every((op: { insert?: unknown }) => typeof op.insert !== "string") ? Object.freeze(delta) : null;
    return delta;
  };
}

/**
 * The root's blocks in order, one delta entry (`insert`: the block's Y.XmlText)
 * per Slate child at the same index, without a copy; null when the root is not
 * cached or its content is not blocks only (callers then take the library's
 * way). Do not modify it.
 */
export function rootBlocks(root: Y.XmlText): ReadonlyArray<{ insert: unknown }> | null {
  return blockLists.get(root)?.() ?? null;
}
