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
import type { LoggedUpdate } from '../storage/storage';
import { planFold, type FoldInputs, type FoldPlan, type HistoryAuthor, type HistoryRow, type StoredVersion } from './fold';

export type { HistoryAuthor, StoredVersion } from './fold';

export interface HistoryOptions {
  /** Versions that ended more than this many days ago are merged into the base; null keeps everything. */
  retentionDays: number | null;
  /** The clock (tests). */
  now?: () => number;
  /** Sweep expired versions hourly (default true when retentionDays is set; the storage thread's store does not). */
  sweep?: boolean;
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
    if (options.retentionDays !== null && options.sweep !== false) {
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
    const inputs = this.foldInputs(room, snapshotBefore, log);
    this.writeFold(room, planFold(inputs));
  }

  /**
   * What folding `log` into the room's history reads, as plain data: the
   * planning (fold.ts) may then run elsewhere, and `writeFold` its result, if
   * `stillCurrent` says nothing it read has changed meanwhile.
   */
  foldInputs(room: string, snapshotBefore: Uint8Array | null, log: readonly LoggedUpdate[]): FoldInputs {
    const last = this.statements.lastVersion.get(room);
    const row = this.row(room);
    // The snapshot matters only to a room whose history starts with this fold (see planFold).
    return { row, snapshot: row === null ? snapshotBefore : null, last: last ? toVersion(last) : null, log, authors: this.authorsOf(room), now: this.now() };
  }

  /** True if the room's history is as it was when `inputs` were read (nothing folded, pruned or continued since). */
  stillCurrent(room: string, inputs: Pick<FoldInputs, 'row' | 'last'>): boolean {
    const row = this.row(room);
    const before = inputs.row;
    if ((row === null) !== (before === null)) return false;
    if (row && before && (row.firstVersion !== before.firstVersion || row.nextVersion !== before.nextVersion || row.baseAt !== before.baseAt)) {
      return false;
    }
    const last = this.statements.lastVersion.get(room);
    const was = inputs.last;
    if (!last || !was) return !last && !was;
    return last.n === was.n && last.edits === was.edits && last.ended_at === was.endedAt && last.started_at === was.startedAt;
  }

  /** Writes a fold's result (inside the compaction's transaction). */
  writeFold(room: string, plan: FoldPlan): void {
    const firstVersion = this.row(room)?.firstVersion ?? 1;
    const seenAt = this.now();
    for (const [client, author] of plan.learned) this.statements.insertAuthorIfNew.run(room, client, author.name, author.color, seenAt);
    for (const { version, isNew } of plan.versions) {
      const { n, startedAt, endedAt, edits, update } = version;
      const authorsJson = JSON.stringify(version.authors);
      if (isNew) this.statements.insertVersion.run(room, n, startedAt, endedAt, authorsJson, edits, update);
      else this.statements.updateVersion.run(startedAt, endedAt, authorsJson, edits, update, room, n);
    }
    this.statements.upsertRoom.run(room, plan.base, plan.baseAt, firstVersion, plan.nextVersion, this.oldestEnd(room));
    this.prune(room);
  }

  /** Everything kept for a room, the log not yet folded included; null when nothing is stored for it. */
  read(room: string): RoomHistory | null {
    this.prune(room);
    const row = this.row(room);
    const stored = this.statements.versions.all(room).map(toVersion);
    const log = this.sources.loadLog(room);
    const snapshot = row === null ? this.sources.loadSnapshot(room) : null;
    if (row === null && snapshot === null && log.length === 0) return null;
    const authors = this.authorsOf(room);
    const plan = planFold({ row, snapshot, last: stored.length > 0 ? stored[stored.length - 1] : null, log, authors, now: this.now() });
    for (const [client, author] of plan.learned) if (!authors.has(client)) authors.set(client, author);
    const versions = stored;
    for (const { version, isNew } of plan.versions) {
      if (isNew) versions.push(version);
      else versions[versions.length - 1] = version;
    }
    let base = plan.base;
    let baseAt = plan.baseAt;
    let firstVersion = row?.firstVersion ?? 1;
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

  private row(room: string): HistoryRow | null {
    const row = this.statements.room.get(room);
    if (!row) return null;
    return { base: row.base ? new Uint8Array(row.base) : null, baseAt: row.base_at, firstVersion: row.first_version, nextVersion: row.next_version };
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
}
