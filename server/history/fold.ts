/**
 * Folding a room's log into its history, as a pure computation: given what is
 * stored (the history row, the last version, the authors) and the log about to
 * be compacted away, what versions and base to write. No database here, so it
 * can run on another thread (server/storage/storageThread.ts): merging hundreds of
 * updates into versions is the expensive part of a compaction, and the relay's
 * event loop should not wait for it. historyStore.ts reads the inputs and
 * writes the result.
 */
import * as Y from 'yjs';
import { SEED_CLIENT_ID } from '../../src/protocol/document';
import { seedUpdate } from '../../src/protocol/seed';
import type { LoggedUpdate } from '../storage/storage';
import { groupEdits, type TimedEdit, type VersionDraft } from './grouping';
import { collectedStructs } from './quietUpdates';

export interface HistoryAuthor {
  name: string;
  color: string;
}

export interface StoredVersion {
  /** Version number, 1-based, never reused. */
  n: number;
  startedAt: number;
  endedAt: number;
  /** Yjs client ids of the tabs whose edits it holds. */
  authors: number[];
  edits: number;
  /** The version's edits merged into one Yjs update. */
  update: Uint8Array;
}

/** A room's row of history_rooms, as the fold needs it. */
export interface HistoryRow {
  base: Uint8Array | null;
  baseAt: number | null;
  firstVersion: number;
  nextVersion: number;
}

/** Everything a fold reads (plain data: it crosses to the storage thread by structured clone). */
export interface FoldInputs {
  /** null: history starts with this fold. */
  row: HistoryRow | null;
  /** The snapshot the log was appended to (history of a document stored before history was kept starts from it). */
  snapshot: Uint8Array | null;
  /** The newest stored version: the fold may continue it. */
  last: StoredVersion | null;
  log: readonly LoggedUpdate[];
  authors: ReadonlyMap<number, HistoryAuthor>;
  /** The time given to log entries written before the log kept times. */
  now: number;
}

/** What folding a log onto the stored history gives, before anything is written. */
export interface FoldPlan {
  base: Uint8Array | null;
  /** When the newest edit that went into the base was made (the seed: when the document was created). */
  baseAt: number | null;
  /** Versions that changed (the last stored one, continued) or are new, each merged into one update. */
  versions: Array<{ version: StoredVersion; isNew: boolean }>;
  nextVersion: number;
  /** Client ids that the tab sending their structs vouched for (see `vouch`). */
  learned: Map<number, HistoryAuthor>;
}

/** A compaction's work: the history fold, and the snapshot that replaces the log. */
export interface Compaction {
  plan: FoldPlan;
  snapshot: Uint8Array;
}

/**
 * Plans a compaction: the fold, and the new snapshot, the old one with the
 * log applied, encoded from a garbage-collecting Y.Doc (deleted text dropped,
 * as the room's own encoding would; merging the updates instead keeps it).
 * `doc`: such a Y.Doc already holding `snapshotBefore` (the storage thread
 * keeps a room's between compactions: server/storage/keptDocs.ts); the log is
 * applied to it, and it is left to the caller.
 */
export function planCompaction(inputs: FoldInputs, snapshotBefore: Uint8Array | null, doc: Y.Doc | null = null): Compaction {
  const own = doc === null;
  const target = doc ?? new Y.Doc({ gc: true });
  if (own && snapshotBefore) Y.applyUpdate(target, snapshotBefore);
  // One transaction for the whole log: its cleanup (merging structs, collecting deletions) runs once, not per entry.
  Y.transact(target, () => {
    for (const entry of inputs.log) Y.applyUpdate(target, entry.update);
  });
  const snapshot = Y.encodeStateAsUpdate(target);
  if (own) target.destroy();
  return { plan: planFold(inputs), snapshot };
}

/** The buffers of a compaction's inputs or result, to move them between threads instead of copying them. */
export function buffersOf(value: FoldInputs | Compaction, snapshot: Uint8Array | null = null): ArrayBuffer[] {
  const arrays: Array<Uint8Array | null> =
    'plan' in value
      ? [value.snapshot, value.plan.base, ...value.plan.versions.map(({ version }) => version.update)]
      : [snapshot, value.snapshot, value.row?.base ?? null, value.last?.update ?? null, ...value.log.map((entry) => entry.update)];
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) {
    // Only whole, unshared buffers move; a view into a bigger one (or one used twice) is copied.
    if (array && array.byteOffset === 0 && array.byteLength === array.buffer.byteLength && array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  }
  return [...buffers];
}

/** Updates merged per call of Y.mergeUpdates in `mergeAll`. */
const MERGE_CHUNK = 16;

/**
 * Y.mergeUpdates of many updates, in chunks: its cost grows much faster than
 * the number of updates merged at once (each struct it writes re-sorts every
 * input's reader). Measured on single-character updates: 2,000 in 90 ms,
 * 10,000 in 1,355 ms at once; in chunks of 256, then the chunks' results, 13
 * and 42 ms; 500 of them in chunks of 16, 2–3 µs per update instead of 4–6
 * in chunks of 256 (`npx tsx bench/mergeChunks.ts`). A log folded after a
 * burst of typing is thousands.
 */
export function mergeAll(updates: readonly Uint8Array[]): Uint8Array {
  if (updates.length === 1) return updates[0];
  if (updates.length <= MERGE_CHUNK) return Y.mergeUpdates(updates as Uint8Array[]);
  const merged: Uint8Array[] = [];
  for (let i = 0; i < updates.length; i += MERGE_CHUNK) merged.push(Y.mergeUpdates(updates.slice(i, i + MERGE_CHUNK)));
  return mergeAll(merged);
}

/**
 * The merge of a version that continues: its stored update (first, and the
 * biggest: every edit of the version so far) with the new edits. The new
 * edits are merged first, so the stored update is read once, not once per
 * level of `mergeAll`'s chunks.
 */
function mergeContinued([stored, ...edits]: readonly Uint8Array[]): Uint8Array {
  if (edits.length === 0) return stored;
  return Y.mergeUpdates([stored, mergeAll(edits)]);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The author key of grouping.ts: tabs of one person (same name and colour) are one author. */
function authorKeyOf(authors: ReadonlyMap<number, HistoryAuthor>): (client: number) => string {
  return (client) => {
    const author = authors.get(client);
    return author ? `${author.name}\u0000${author.color}` : `#${client}`;
  };
}

/** The history after appending the log to what is stored: pure, writes nothing. */
export function planFold({ row, snapshot, last, log, authors: known, now }: FoldInputs): FoldPlan {
  const authors = new Map(known);
  const baseParts: Uint8Array[] = [];
  if (row === null) {
    // History starts now. A document stored before history was kept starts from its snapshot.
    if (snapshot) baseParts.push(snapshot);
  } else if (row.base) {
    baseParts.push(row.base);
  }
  const seed = seedUpdate();
  let baseAt = row?.baseAt ?? null;
  const edits: TimedEdit[] = [];
  for (const entry of log) {
    // Before the first version: the relay's seed (an empty paragraph) and entries
    // written before the log kept times are the starting point, not a version.
    const beforeAnyVersion = last === null && edits.length === 0 && (row === null || row.nextVersion === 1);
    // A stored caret is kept only as the clocks it took (quietUpdates.ts).
    const update = entry.quiet ? collectedStructs(entry.update) : entry.update;
    if (beforeAnyVersion && (entry.at === null || entry.quiet || sameBytes(entry.update, seed))) {
      baseParts.push(update);
      if (entry.at !== null) baseAt = Math.max(baseAt ?? 0, entry.at);
      continue;
    }
    edits.push({ update, at: entry.at ?? now, author: entry.author, quiet: entry.quiet });
  }
  const learned = vouch(edits, authors);
  const drafts: VersionDraft[] = last
    ? [{ startedAt: last.startedAt, endedAt: last.endedAt, authors: [...last.authors], edits: last.edits, updates: [last.update] }]
    : [];
  const continued = drafts[0] ?? null;
  const touched = groupEdits(drafts, edits, { authorKey: authorKeyOf(authors) });
  let nextVersion = row?.nextVersion ?? 1;
  const versions = touched.map((draft) => {
    const isNew = draft !== continued;
    const version: StoredVersion = {
      n: isNew ? nextVersion++ : last!.n,
      startedAt: draft.startedAt,
      endedAt: draft.endedAt,
      authors: draft.authors,
      edits: draft.edits,
      update: isNew ? mergeAll(draft.updates) : mergeContinued(draft.updates),
    };
    return { version, isNew };
  });
  return {
    base: baseParts.length === 0 ? null : mergeAll(baseParts),
    baseAt,
    versions,
    nextVersion,
    learned,
  };
}

/**
 * A tab that sends structs under a client id nobody announced in presence
 * vouches for them: they are its user's. That is the case of edits made offline
 * in an earlier session of the same browser (a reload gives the tab a new
 * client id; the old one never reached the relay). Adds them to `authors` and
 * returns them.
 */
function vouch(edits: readonly TimedEdit[], authors: Map<number, HistoryAuthor>): Map<number, HistoryAuthor> {
  const learned = new Map<number, HistoryAuthor>();
  for (const edit of edits) {
    if (edit.author === null || edit.quiet) continue;
    const sender = authors.get(edit.author);
    if (!sender) continue;
    const { to } = Y.parseUpdateMeta(edit.update);
    for (const client of to.keys()) {
      if (client !== SEED_CLIENT_ID && !authors.has(client)) {
        authors.set(client, sender);
        learned.set(client, sender);
      }
    }
  }
  return learned;
}
