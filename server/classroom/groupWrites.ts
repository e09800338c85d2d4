/**
 * What a group wrote while it was apart: read from its leader's Y.Doc and the
 * room's state vector at the split. Characters whose clock is at or past the
 * split clock of their writer were inserted during the partition (Yjs clocks
 * only grow); characters below it existed before, and those the group's
 * document no longer shows were deleted by the group.
 */
import * as Y from 'yjs';
import { CONTENT_ROOT, TITLE_ROOT } from '../../src/protocol/document';

const MAX_RUNS = 60;
const MAX_RUN_CHARS = 240;

export interface Writes {
  /** Runs of inserted text still present, in document order (title first), each within one block. */
  inserted: string[];
  insertedChars: number;
  /** Visible characters that existed at the split (to count deletions: before minus after). */
  oldVisibleChars: number;
}

type AnyType = Y.AbstractType<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Visits every visible text character of `type` (nested blocks included), in order. */
function walk(type: AnyType, split: Map<number, number>, out: { runs: string[]; run: string; inserted: number; old: number }): void {
  const endRun = () => {
    if (out.run !== '') out.runs.push(out.run);
    out.run = '';
  };
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    const content = item.content;
    if (content instanceof Y.ContentType) {
      endRun();
      walk(content.type as AnyType, split, out);
      endRun();
    } else if (content instanceof Y.ContentString) {
      // One item can straddle the split: Yjs merges a writer's consecutive items.
      const boundary = Math.max(0, Math.min(content.str.length, (split.get(item.id.client) ?? 0) - item.id.clock));
      if (boundary > 0) {
        endRun();
        out.old += boundary;
      }
      const fresh = content.str.slice(boundary);
      out.inserted += fresh.length;
      out.run += fresh;
    }
  }
}

export function writesSince(doc: Y.Doc, split: Map<number, number>): Writes {
  const out = { runs: [] as string[], run: '', inserted: 0, old: 0 };
  for (const root of [TITLE_ROOT, CONTENT_ROOT]) {
    const type = doc.share.get(root);
    if (!type) continue;
    walk(type, split, out);
    if (out.run !== '') out.runs.push(out.run);
    out.run = '';
  }
  const inserted = out.runs
    .map((run) => run.replace(/\uFEFF/g, '').trim())
    .filter((run) => run !== '')
    .slice(0, MAX_RUNS)
    .map((run) => (run.length > MAX_RUN_CHARS ? `${run.slice(0, MAX_RUN_CHARS - 1)}…` : run));
  return { inserted, insertedChars: out.inserted, oldVisibleChars: out.old };
}
