/**
 * Application-level resolution (§5, Strategy 4): the application decides.
 * The chapter's rule joins both titles with " / " in writer order; the
 * git-style view shows what a person would resolve by hand.
 */
import type { Version } from './siblings';

export const MERGE_SEPARATOR = ' / ';

/** "Q1 Report / Annual Report": siblings joined in a fixed writer order, so every replica agrees. */
export function mergeTitles(sibs: readonly Version<string>[], writerOrder: readonly string[]): string {
  const rank = (by: string) => (writerOrder.includes(by) ? writerOrder.indexOf(by) : writerOrder.length);
  return [...sibs]
    .sort((a, b) => rank(a.by) - rank(b.by) || (a.by < b.by ? -1 : 1))
    .map((s) => s.value)
    .join(MERGE_SEPARATOR);
}

/** The git merge-conflict rendering of two versions of one field. */
export function conflictMarkers(field: string, ours: { label: string; value: string }, theirs: { label: string; value: string }): string {
  return [`<<<<<<< ${ours.label}`, `${field}: ${ours.value}`, '=======', `${field}: ${theirs.value}`, `>>>>>>> ${theirs.label}`].join('\n');
}
