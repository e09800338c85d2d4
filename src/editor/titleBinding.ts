/**
 * Binds a plain text field to a Y.Text: local typing becomes the smallest
 * delete + insert, and remote changes move the caret as the text around it moved.
 */
import type * as Y from 'yjs';

/** The edit that turns `before` into `after`: one range replaced (common prefix and suffix kept). */
export function diffText(before: string, after: string): { index: number; remove: number; insert: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  return { index: start, remove: endBefore - start, insert: after.slice(start, endAfter) };
}

export function applyTextChange(text: Y.Text, before: string, after: string, origin: unknown): void {
  const { index, remove, insert } = diffText(before, after);
  if (remove === 0 && insert === '') return;
  text.doc!.transact(() => {
    if (remove > 0) text.delete(index, remove);
    if (insert) text.insert(index, insert);
  }, origin);
}

type Delta = Array<{ retain?: number; insert?: unknown; delete?: number }>;

/** Where `index` (in the old text) is after `delta`; text inserted exactly at the caret lands after it. */
export function transformIndex(delta: Delta, index: number): number {
  let old = 0; // position in the old text
  let result = index;
  for (const op of delta) {
    if (old >= index) break;
    if (op.retain) {
      old += op.retain;
    } else if (op.insert !== undefined) {
      result += typeof op.insert === 'string' ? op.insert.length : 1;
    } else if (op.delete) {
      result -= Math.min(old + op.delete, index) - old;
      old += op.delete;
    }
  }
  return result;
}
