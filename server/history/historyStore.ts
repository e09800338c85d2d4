/**
 * The past of every document, kept beside the relay's snapshot + log
 * (server/storage/sqlite.ts) in the same SQLite file and, for what compaction
 * moves, in the same transaction.
 *
 * How it is kept. The relay's log holds each update with the time it arrived
 * and its author (the sending tab's client id). Compaction used to drop the log
 * once the snapshot covered it; now, in the same transaction, it first folds the
 * log into *versions* (grouping.ts: runs of one author's edits ended by a pause
 * or another author), each stored as ONE merged Yjs update. Merging is what
 * keeps it small: a version in which someone typed a sentence key by key is one
 * run of characters, not a row per keystroke. The document as it was at version
 * n is the base + versions 1..n; the history view builds every version at once
 * from them (src/common/history/model.ts). Versions still in the log (fewer than
 * COMPACT_AFTER_UPDATES) are grouped the same way when history is read.
 *
 * Opening a document reads only the snapshot and the log, as before: history is
 * read when someone asks for it.
 *
 * Tables (all keyed by room):
 * - history_rooms: `base` (the document before the first kept version; null for
 *   a document whose history starts empty), `first_version`, `next_version`,
 *   `oldest_at` (end of the first kept version, for the retention sweep).
 * - history_versions: one row per version: number, start and end time, author
 *   client ids (JSON), edit count, merged update.
 * - history_authors: client id → the name and colour presence showed for it.
 *
 * Retention (HISTORY_RETENTION_DAYS): versions that ended longer ago are merged
 * into the base, garbage-collected (their deleted text is dropped for good), at
 * each fold, when history is read, and by an hourly sweep.
 */
import type Database from 'better-sqlite3';
import * as Y from 'yjs';
import { SEED_CLIENT_ID } from '../../src/protocol/document';
import { seedUpdate } from '../../src/protocol/seed';
import type { LoggedUpdate } from '../storage/storage';
import { groupEdits, type TimedEdit, type VersionDraft } from './grouping';
import { collectedStructs } from './quietUpdates';

export interface HistoryOptions {
  /** Versions that ended more than this many days ago are merged into the base; null keeps everything. */
  retentionDays: number | null;
  /** The clock (tests). */
  now?: () => number;
}

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

export interface RoomHistory {
  room: string;
  /** The document before `firstVersion` (version number firstVersion - 1); null: empty. */
  base: Uint8Array | null;
  /** When the newest edit in the base was made (null: none, or made before history was kept). */
  baseAt: number | null;
  firstVersion: number;
  /** Kept versions, oldest first: numbers firstVersion, firstVersion + 1, … */
  versions: StoredVersion[];
  authors: Map<number, HistoryAuthor>;
  retentionDays: number | null;
}

/** The storage the history reads beside its own tables. */
export interface HistorySources {
  loadSnapshot(room: string): Uint8Array | null;
  loadLog(room: string): LoggedUpdate[];
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS history_rooms (
    room          TEXT PRIMARY KEY,
    base          BLOB,
    base_at       INTEGER,
    first_version INTEGER NOT NULL,
    next_version  INTEGER NOT NULL,
    oldest_at     INTEGER
  ) STRICT;
  CREATE TABLE IF NOT EXISTS history_versions (
    room       TEXT NOT NULL,
    n          INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER NOT NULL,
    authors    TEXT NOT NULL,
    edits      INTEGER NOT NULL,
    data       BLOB NOT NULL,
    PRIMARY KEY (room, n)
  ) STRICT;
  CREATE TABLE IF NOT EXISTS history_authors (
    room    TEXT NOT NULL,
    client  INTEGER NOT NULL,
    name    TEXT NOT NULL,
    color   TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (room, client)
  ) STRICT;
`;

interface RoomRow {
  base: Buffer | null;
  base_at: number | null;
  first_version: number;
  next_version: number;
}

interface VersionRow {
  n: number;
  started_at: number;
  ended_at: number;
  authors: string;
  edits: number;
  data: Buffer;
}

const DAY_MS = 86_400_000;
const SWEEP_EVERY_MS = 3_600_000;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function merge(updates: readonly Uint8Array[]): Uint8Array {
  return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates as Uint8Array[]);
}

/** The state of `updates` applied in order, with deleted content garbage-collected. */
function collected(updates: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc({ gc: true });
  for (const update of updates) Y.applyUpdate(doc, update);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

function toVersion(row: VersionRow): StoredVersion {
  return {
    n: row.n,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    authors: JSON.parse(row.authors) as number[],
    edits: row.edits,
    update: new Uint8Array(row.data),
  };
}

/** The author key of grouping.ts: tabs of one person (same name and colour) are one author. */
function authorKeyOf(authors: ReadonlyMap<number, HistoryAuthor>): (client: number) => string {
  return (client) => {
    const author = authors.get(client);
    return author ? `${author.name}\u0000${author.color}` : `#${client}`;
  };
}

/** What folding a log onto the stored history gives, before anything is written. */
interface Plan {
  base: Uint8Array | null;
  /** When the newest edit that went into the base was made (the seed: when the document was created). */
  baseAt: number | null;
  /** Versions that changed (the last stored one, continued) or are new, with their numbers. */
  versions: Array<{ n: number; draft: VersionDraft; isNew: boolean }>;
  nextVersion: number;
  /** Client ids that the tab sending their structs vouched for (see `vouch`). */
  learned: Map<number, HistoryAuthor>;
}

export class HistoryStore {
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout | null;
  /** Per room, what was last written for each client id (to skip the 15-second presence renewals). */
  private readonly knownAuthors = new Map<string, Map<number, string>>();
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    readonly options: HistoryOptions,
    private readonly sources: HistorySources,
  ) {
    this.now = options.now ?? Date.now;
    db.exec(SCHEMA);
    this.statements = {
      room: db.prepare<[string], RoomRow>('SELECT base, base_at, first_version, next_version FROM history_rooms WHERE room = ?'),
      upsertRoom: db.prepare<[string, Uint8Array | null, number | null, number, number, number | null]>(
        `INSERT INTO history_rooms (room, base, base_at, first_version, next_version, oldest_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (room) DO UPDATE SET base = excluded.base, base_at = excluded.base_at, first_version = excluded.first_version,
           next_version = excluded.next_version, oldest_at = excluded.oldest_at`,
      ),
      versions: db.prepare<[string], VersionRow>(
        'SELECT n, started_at, ended_at, authors, edits, data FROM history_versions WHERE room = ? ORDER BY n',
      ),
      lastVersion: db.prepare<[string], VersionRow>(
        'SELECT n, started_at, ended_at, authors, edits, data FROM history_versions WHERE room = ? ORDER BY n DESC LIMIT 1',
      ),
      expiredVersions: db.prepare<[string, number], VersionRow>(
        'SELECT n, started_at, ended_at, authors, edits, data FROM history_versions WHERE room = ? AND ended_at < ? ORDER BY n',
      ),
      oldestEnd: db.prepare<[string], { ended_at: number }>('SELECT ended_at FROM history_versions WHERE room = ? ORDER BY n LIMIT 1'),
      insertVersion: db.prepare<[string, number, number, number, string, number, Uint8Array]>(
        'INSERT INTO history_versions (room, n, started_at, ended_at, authors, edits, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      updateVersion: db.prepare<[number, number, string, number, Uint8Array, string, number]>(
        'UPDATE history_versions SET started_at = ?, ended_at = ?, authors = ?, edits = ?, data = ? WHERE room = ? AND n = ?',
      ),
      deleteVersionsUpTo: db.prepare<[string, number]>('DELETE FROM history_versions WHERE room = ? AND n <= ?'),
      authors: db.prepare<[string], { client: number; name: string; color: string }>('SELECT client, name, color FROM history_authors WHERE room = ?'),
      upsertAuthor: db.prepare<[string, number, string, string, number]>(
        `INSERT INTO history_authors (room, client, name, color, seen_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (room, client) DO UPDATE SET name = excluded.name, color = excluded.color, seen_at = excluded.seen_at`,
      ),
      insertAuthorIfNew: db.prepare<[string, number, string, string, number]>(
        'INSERT OR IGNORE INTO history_authors (room, client, name, color, seen_at) VALUES (?, ?, ?, ?, ?)',
      ),
      roomsWithExpired: db.prepare<[number], { room: string }>('SELECT room FROM history_rooms WHERE oldest_at IS NOT NULL AND oldest_at < ?'),
    };
    if (options.retentionDays !== null) {
      this.sweeper = setInterval(() => this.pruneExpired(), SWEEP_EVERY_MS);
      this.sweeper.unref();
    } else {
      this.sweeper = null;
    }
  }

  /**
   * Moves a room's log into its history. Call inside the transaction that
   * compacts the log away: `snapshotBefore` is the snapshot the log was
   * appended to, `log` the entries about to be dropped.
   */
  fold(room: string, snapshotBefore: Uint8Array | null, log: readonly LoggedUpdate[]): void {
    const row = this.statements.room.get(room) ?? null;
    const last = this.statements.lastVersion.get(room);
    const authors = this.authorsOf(room);
    const plan = this.plan(row, snapshotBefore, last ? toVersion(last) : null, log, authors);
    const seenAt = this.now();
    for (const [client, author] of plan.learned) this.statements.insertAuthorIfNew.run(room, client, author.name, author.color, seenAt);
    for (const { n, draft, isNew } of plan.versions) {
      const data = merge(draft.updates);
      const authorsJson = JSON.stringify(draft.authors);
      if (isNew) this.statements.insertVersion.run(room, n, draft.startedAt, draft.endedAt, authorsJson, draft.edits, data);
      else this.statements.updateVersion.run(draft.startedAt, draft.endedAt, authorsJson, draft.edits, data, room, n);
    }
    this.statements.upsertRoom.run(room, plan.base, plan.baseAt, row?.first_version ?? 1, plan.nextVersion, this.oldestEnd(room));
    this.prune(room);
  }

  /** Everything kept for a room, the log not yet folded included; null when nothing is stored for it. */
  read(room: string): RoomHistory | null {
    this.prune(room);
    const row = this.statements.room.get(room) ?? null;
    const stored = this.statements.versions.all(room).map(toVersion);
    const log = this.sources.loadLog(room);
    const snapshot = row === null ? this.sources.loadSnapshot(room) : null;
    if (row === null && snapshot === null && log.length === 0) return null;
    const authors = this.authorsOf(room);
    const plan = this.plan(row, snapshot, stored.length > 0 ? stored[stored.length - 1] : null, log, authors);
    for (const [client, author] of plan.learned) if (!authors.has(client)) authors.set(client, author);
    const versions = stored;
    for (const { n, draft, isNew } of plan.versions) {
      const version: StoredVersion = {
        n,
        startedAt: draft.startedAt,
        endedAt: draft.endedAt,
        authors: draft.authors,
        edits: draft.edits,
        update: merge(draft.updates),
      };
      if (isNew) versions.push(version);
      else versions[versions.length - 1] = version;
    }
    let base = plan.base;
    let baseAt = plan.baseAt;
    let firstVersion = row?.first_version ?? 1;
    // Versions still in the log (a document that has not been compacted since) expire too, in what is shown.
    const cutoff = this.cutoff();
    if (cutoff !== null && versions.length > 0 && versions[0].endedAt < cutoff) {
      const expired: StoredVersion[] = [];
      while (versions.length > 0 && versions[0].endedAt < cutoff) expired.push(versions.shift()!);
      base = collected([...(base ? [base] : []), ...expired.map((version) => version.update)]);
      baseAt = expired[expired.length - 1].endedAt;
      firstVersion = expired[expired.length - 1].n + 1;
    }
    return { room, base, baseAt, firstVersion, versions, authors, retentionDays: this.options.retentionDays };
  }

  /** Versions that ended before this are past the retention (null: everything is kept). */
  private cutoff(): number | null {
    return this.options.retentionDays === null ? null : this.now() - this.options.retentionDays * DAY_MS;
  }

  /**
   * Remembers the name and colour presence shows for a client id in a room, so
   * that its edits keep their author after it leaves, a restart and compaction.
   */
  recordAuthor(room: string, client: number, author: HistoryAuthor): void {
    const key = `${author.name}\u0000${author.color}`;
    let known = this.knownAuthors.get(room);
    if (!known) this.knownAuthors.set(room, (known = new Map()));
    if (known.get(client) === key) return;
    this.statements.upsertAuthor.run(room, client, author.name, author.color, this.now());
    known.set(client, key);
  }

  /** Forgets a room's in-memory cache (it was unloaded). */
  forgetRoom(room: string): void {
    this.knownAuthors.delete(room);
  }

  /** Applies the retention to every room with expired versions; returns how many rooms changed. */
  pruneExpired(): number {
    const cutoff = this.cutoff();
    if (cutoff === null) return 0;
    let pruned = 0;
    for (const { room } of this.statements.roomsWithExpired.all(cutoff)) {
      this.db.transaction(() => this.prune(room))();
      pruned++;
    }
    return pruned;
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  private authorsOf(room: string): Map<number, HistoryAuthor> {
    return new Map(this.statements.authors.all(room).map(({ client, name, color }) => [client, { name, color }]));
  }

  private oldestEnd(room: string): number | null {
    return this.statements.oldestEnd.get(room)?.ended_at ?? null;
  }

  /** Merges the room's versions older than the retention into its base (garbage-collected). */
  private prune(room: string): void {
    const cutoff = this.cutoff();
    if (cutoff === null) return;
    const expired = this.statements.expiredVersions.all(room, cutoff);
    if (expired.length === 0) return;
    const row = this.statements.room.get(room);
    if (!row) return;
    // Only a prefix can go: versions are numbered in time order, but an end time
    // can tie; stop at the first kept one so numbers stay contiguous.
    let lastPruned = row.first_version - 1;
    const parts: Uint8Array[] = row.base ? [new Uint8Array(row.base)] : [];
    let baseAt = row.base_at;
    for (const version of expired) {
      if (version.n !== lastPruned + 1) break;
      parts.push(new Uint8Array(version.data));
      baseAt = version.ended_at;
      lastPruned = version.n;
    }
    if (lastPruned < row.first_version) return;
    this.statements.deleteVersionsUpTo.run(room, lastPruned);
    this.statements.upsertRoom.run(room, collected(parts), baseAt, lastPruned + 1, row.next_version, this.oldestEnd(room));
  }

  /** The history after appending `log` to what is stored: pure, writes nothing. */
  private plan(
    row: RoomRow | null,
    snapshot: Uint8Array | null,
    last: StoredVersion | null,
    log: readonly LoggedUpdate[],
    authors: Map<number, HistoryAuthor>,
  ): Plan {
    const baseParts: Uint8Array[] = [];
    if (row === null) {
      // History starts now. A document stored before history was kept starts from its snapshot.
      if (snapshot) baseParts.push(snapshot);
    } else if (row.base) {
      baseParts.push(new Uint8Array(row.base));
    }
    const seed = seedUpdate();
    let baseAt = row?.base_at ?? null;
    const edits: TimedEdit[] = [];
    for (const entry of log) {
      // Before the first version: the relay's seed (an empty paragraph) and entries
      // written before the log kept times are the starting point, not a version.
      const beforeAnyVersion = last === null && edits.length === 0 && (row === null || row.next_version === 1);
      // A stored caret is kept only as the clocks it took (quietUpdates.ts).
      const update = entry.quiet ? collectedStructs(entry.update) : entry.update;
      if (beforeAnyVersion && (entry.at === null || entry.quiet || sameBytes(entry.update, seed))) {
        baseParts.push(update);
        if (entry.at !== null) baseAt = Math.max(baseAt ?? 0, entry.at);
        continue;
      }
      edits.push({ update, at: entry.at ?? this.now(), author: entry.author, quiet: entry.quiet });
    }
    const learned = vouch(edits, authors);
    const drafts: VersionDraft[] = last
      ? [{ startedAt: last.startedAt, endedAt: last.endedAt, authors: [...last.authors], edits: last.edits, updates: [last.update] }]
      : [];
    const continued = drafts[0] ?? null;
    const touched = groupEdits(drafts, edits, { authorKey: authorKeyOf(authors) });
    let nextVersion = row?.next_version ?? 1;
    const versions = touched.map((draft) => {
      if (draft === continued) return { n: last!.n, draft, isNew: false };
      return { n: nextVersion++, draft, isNew: true };
    });
    return {
      base: baseParts.length === 0 ? null : merge(baseParts),
      baseAt,
      versions,
      nextVersion,
      learned,
    };
  }
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
