/**
 * What a person calls a version: a run of consecutive edits by one author,
 * ended by a pause or by someone else's edit. Never one per keystroke.
 *
 * The relay stores every update with the time it arrived and its author (the
 * sending tab's Yjs client id, see updateAuthor.ts). Grouping is streaming: it
 * depends only on the edits before, so the versions folded into storage at a
 * compaction and those computed on the fly from the log after it agree, and a
 * version still open at a compaction carries on in the next one.
 */

/** Edits further apart than this start a new version ("a pause of a few seconds"). */
export const VERSION_PAUSE_MS = 5_000;
/** A version never spans more than this, however steadily someone types (the slider keeps a useful grain). */
export const VERSION_MAX_SPAN_MS = 10 * 60_000;
/**
 * Nor holds more edits than this (four minutes or so of steady typing; a
 * paste or a bot gets there sooner). Each compaction merges the new edits of
 * the version it continues into that version's stored update, so an
 * unbounded version made every compaction of a steady writer slower than the
 * one before (bench/compaction.ts).
 */
export const VERSION_MAX_EDITS = 2_000;

export interface TimedEdit {
  update: Uint8Array;
  /** When the relay received it (ms since the epoch). */
  at: number;
  /** Yjs client id of the tab that sent it; null when unknown (it then continues the current version). */
  author: number | null;
  /** Changed nothing a reader sees (stored carets): joins the current version, never starts one or names an author. */
  quiet?: boolean;
}

/** A version being built: the edits it holds and what the slider shows of it. */
export interface VersionDraft {
  startedAt: number;
  endedAt: number;
  /** Client ids of the tabs whose edits it holds, in order of first edit. */
  authors: number[];
  /** How many edits (updates) it holds, quiet ones (stored carets) not counted. */
  edits: number;
  updates: Uint8Array[];
}

export interface GroupingOptions {
  pauseMs?: number;
  maxSpanMs?: number;
  maxEdits?: number;
  /**
   * Who a client id is, for deciding whether two edits have the same author:
   * tabs of one person (a reload gives a new client id) share the key of their
   * name and colour. Default: the client id itself.
   */
  authorKey?: (client: number) => string;
}

/** Appends `edits` to `versions` (whose last element may be continued), returning the versions that changed or were added. */
export function groupEdits(versions: VersionDraft[], edits: readonly TimedEdit[], options: GroupingOptions = {}): VersionDraft[] {
  const pauseMs = options.pauseMs ?? VERSION_PAUSE_MS;
  const maxSpanMs = options.maxSpanMs ?? VERSION_MAX_SPAN_MS;
  const maxEdits = options.maxEdits ?? VERSION_MAX_EDITS;
  const keyOf = options.authorKey ?? ((client: number) => `#${client}`);
  const touched = new Set<VersionDraft>();
  let current = versions.length > 0 ? versions[versions.length - 1] : null;
  let currentKey = current && current.authors.length > 0 ? keyOf(current.authors[current.authors.length - 1]) : null;
  for (const edit of edits) {
    if (edit.quiet && current !== null) {
      current.updates.push(edit.update);
      touched.add(current);
      continue;
    }
    const key = edit.author === null || edit.quiet ? null : keyOf(edit.author);
    const startsNew =
      current === null ||
      edit.at - current.endedAt >= pauseMs ||
      edit.at - current.startedAt >= maxSpanMs ||
      current.edits >= maxEdits ||
      (key !== null && currentKey !== null && key !== currentKey);
    if (startsNew) {
      current = { startedAt: edit.at, endedAt: edit.at, authors: [], edits: 0, updates: [] };
      versions.push(current);
      currentKey = null; // every author of a version has one key: the first known one
    }
    current = current!;
    current.endedAt = Math.max(current.endedAt, edit.at);
    if (!edit.quiet) current.edits++;
    current.updates.push(edit.update);
    if (edit.author !== null && !edit.quiet && !current.authors.includes(edit.author)) current.authors.push(edit.author);
    if (key !== null) currentKey = key;
    touched.add(current);
  }
  return [...touched];
}
