/**
 * A compaction's reads and its write, as SQL. The reads: the log since the
 * room's compaction mark up to a sequence number, with what the history fold
 * needs beside it. The write: one transaction that adds the fold's versions,
 * replaces the snapshot and moves the room's compaction mark
 * (`snapshots.log_upto`) to the last entry it folded; loads read the log after
 * the mark only. The storage thread (storageWorker.ts) does both on its own
 * connection and deletes the folded entries afterwards, TRIM_CHUNK per
 * transaction, once the relay has stopped committing for a moment
 * (`LogTrimmer`); without the thread (':memory:') the relay's connection does
 * it all, the deletion inside the write.
 *
 * Why the mark: the thread's write transaction used to delete the folded log
 * itself, holding SQLite's write lock for a few ms per 500 entries (tens of ms
 * past 5,000), and every room's commits waited for it (StorageBusy): that wait
 * was most of the durable-ack tail under load (bench/durability.ts). Now the
 * lock is held for a few rows at a time.
 */
import type Database from 'better-sqlite3';
import type { Compaction, FoldInputs } from '../history/fold';
import type { HistoryStore } from '../history/historyStore';
import type { LoggedUpdate } from './storage';

/** What a compaction read: the log after `after` (the room's mark then) up to `upTo`, with the fold's inputs. */
export interface CompactionJob {
  upTo: number;
  /** The room's compaction mark when the log was read (null: none yet). */
  after: number | null;
  inputs: FoldInputs;
  snapshot: Uint8Array | null;
}

/** What the write checks against the database before writing: a job without its buffers. */
export interface CompactionCheck {
  upTo: number;
  after: number | null;
  /** How many log entries it folds. */
  entries: number;
  row: FoldInputs['row'];
  last: FoldInputs['last'];
}

export interface LogRow {
  data: Buffer;
  at: number | null;
  author: number | null;
  quiet: number | null;
}

export function toLogged(row: LogRow): LoggedUpdate {
  return { update: new Uint8Array(row.data), at: row.at, author: row.author, quiet: row.quiet === 1 };
}

/** The room's compaction mark: log entries at or before it are in the snapshot (and history), waiting to be deleted. */
export const MARK_OF = `coalesce((SELECT log_upto FROM snapshots WHERE snapshots.room = updates.room), 0)`;

/** A room's snapshot and its log after the mark, as every connection that compacts reads them (the relay's, the storage thread's). */
export function roomReads(db: Database.Database): {
  loadSnapshot: (room: string) => Uint8Array | null;
  loadLog: (room: string) => LoggedUpdate[];
} {
  const selectSnapshot = db.prepare<[string], { state: Buffer }>('SELECT state FROM snapshots WHERE room = ?');
  const selectLog = db.prepare<[string], LogRow>(`SELECT data, at, author, quiet FROM updates WHERE room = ? AND seq > ${MARK_OF} ORDER BY seq`);
  return {
    loadSnapshot: (room) => {
      const row = selectSnapshot.get(room);
      return row ? new Uint8Array(row.state) : null;
    },
    loadLog: (room) => selectLog.all(room).map(toLogged),
  };
}

export function checkOf(job: CompactionJob): CompactionCheck {
  const { row, last, log } = job.inputs;
  // stillCurrent compares neither the base nor the last version's update: leave their bytes behind.
  return { upTo: job.upTo, after: job.after, entries: log.length, row: row && { ...row, base: null }, last: last && { ...last, update: new Uint8Array() } };
}

/** The reads, on any connection. */
export function compactionReader(
  db: Database.Database,
  history: HistoryStore,
  loadSnapshot: (room: string) => Uint8Array | null,
): (room: string, upTo: number) => CompactionJob | null {
  const selectMark = db.prepare<[string], { log_upto: number | null }>('SELECT log_upto FROM snapshots WHERE room = ?');
  const selectLog = db.prepare<[string, number, number], LogRow>(
    'SELECT data, at, author, quiet FROM updates WHERE room = ? AND seq > ? AND seq <= ? ORDER BY seq',
  );
  // One read transaction: the mark, the log and the history as of one moment.
  return db.transaction((room: string, upTo: number): CompactionJob | null => {
    const after = selectMark.get(room)?.log_upto ?? null;
    const log = selectLog.all(room, after ?? 0, upTo).map(toLogged);
    if (log.length === 0) return null;
    const snapshot = loadSnapshot(room);
    return { upTo, after, inputs: history.foldInputs(room, snapshot, log), snapshot };
  });
}

/**
 * The write: returns how many log entries it folded (0: something it read
 * changed meanwhile, nothing written). `deleteFolded`: delete them in the same
 * transaction (else a LogTrimmer does, later).
 */
export function compactionWriter(
  db: Database.Database,
  history: HistoryStore,
  { deleteFolded }: { deleteFolded: boolean },
): (room: string, check: CompactionCheck, compaction: Compaction) => number {
  const selectMark = db.prepare<[string], { log_upto: number | null }>('SELECT log_upto FROM snapshots WHERE room = ?');
  const upsertSnapshot = db.prepare<[string, Uint8Array, number, number]>(
    `INSERT INTO snapshots (room, state, updated_at, log_upto) VALUES (?, ?, ?, ?)
     ON CONFLICT (room) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, log_upto = excluded.log_upto`,
  );
  const deleteUpTo = db.prepare<[string, number]>('DELETE FROM updates WHERE room = ? AND seq <= ?');
  // IMMEDIATE (below): the write lock from the start. A deferred transaction that read first could
  // not write once the relay had committed meanwhile (SQLITE_BUSY).
  const write = db.transaction((room: string, check: CompactionCheck, { plan, snapshot }: Compaction): number => {
    // Every compaction moves the mark (one in place too, see sqlite.ts): the same mark means the same log.
    if ((selectMark.get(room)?.log_upto ?? null) !== check.after || !history.stillCurrent(room, check)) return 0;
    history.writeFold(room, plan);
    upsertSnapshot.run(room, snapshot, Date.now(), check.upTo);
    if (deleteFolded) deleteUpTo.run(room, check.upTo);
    return check.entries;
  });
  // Without an fsync here: atomic either way, and the relay's next sync of the WAL makes it durable.
  // Until then a power loss can only undo the whole compaction, leaving the log it replaced.
  // (Run anew each time: SQLite applies PRAGMA synchronous when it compiles it, see sqlite.ts.)
  return (room, check, compaction) => {
    const level = db.pragma('synchronous', { simple: true }) as number;
    db.pragma('synchronous = NORMAL');
    try {
      return write.immediate(room, check, compaction);
    } finally {
      db.pragma(`synchronous = ${level}`);
    }
  };
}

/** Deletes, in one statement, every log entry at or before its room's mark (a stop can leave some: at open, before any client). */
export function deleteFoldedEntries(db: Database.Database): number {
  return db.prepare(`DELETE FROM updates WHERE seq <= ${MARK_OF}`).run().changes;
}

/** Log entries deleted per transaction. */
const TRIM_CHUNK = 256;
/** The trimmer waits until no other connection has committed for this long … */
export const TRIM_WHEN_QUIET_MS = 250;
/** … unless this many folded entries wait (a few MB of file). */
export const TRIM_BACKLOG = 100_000;

/**
 * Deletes log entries a compaction folded (at or before the room's mark), on
 * the storage thread, in transactions of TRIM_CHUNK entries, one per turn of
 * its event loop: a busy room's 5,000 folded entries are ~20 short holds of
 * the write lock, not one long one. Nothing reads them meanwhile (loads start
 * after the mark), so it waits for the database to be quiet (no commit by
 * another connection, i.e. the relay, for TRIM_WHEN_QUIET_MS): while the relay
 * is busy its commits would find the lock held, and the deletions would take
 * a core from it. Past TRIM_BACKLOG folded entries it deletes anyway.
 */
export class LogTrimmer {
  /** Rooms with folded entries to delete: up to which sequence number, and about how many. */
  private readonly due = new Map<string, { upTo: number; entries: number }>();
  private backlog = 0;
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | null = null;
  private readonly deleteChunk: (room: string, upTo: number) => number;
  private readonly dataVersion: () => number;
  private seenVersion: number;
  private busyAt: number;

  constructor(
    db: Database.Database,
    private readonly onError: (error: Error) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    const chunk = db.prepare<[string, number, number]>(
      'DELETE FROM updates WHERE seq IN (SELECT seq FROM updates WHERE room = ? AND seq <= ? ORDER BY seq LIMIT ?)',
    );
    this.deleteChunk = (room, upTo) => chunk.run(room, upTo, TRIM_CHUNK).changes;
    // Changes whenever another connection has committed since this one last asked (its own commits do not count).
    this.dataVersion = () => db.pragma('data_version', { simple: true }) as number;
    this.seenVersion = this.dataVersion();
    this.busyAt = -Infinity;
  }

  /** Folded entries waiting to be deleted (about). */
  get waiting(): number {
    return this.backlog;
  }

  /** Deletes `room`'s log entries up to `upTo` (`entries` of them), once the database is quiet. */
  trim(room: string, upTo: number, entries: number): void {
    const due = this.due.get(room);
    this.due.set(room, { upTo: Math.max(upTo, due?.upTo ?? 0), entries: (due?.entries ?? 0) + entries });
    this.backlog += entries;
    this.scheduled ??= setImmediate(() => this.next());
  }

  private next(): void {
    this.scheduled = null;
    const version = this.dataVersion();
    if (version !== this.seenVersion) {
      this.seenVersion = version;
      this.busyAt = this.now();
    }
    const quietFor = this.now() - this.busyAt;
    if (quietFor < TRIM_WHEN_QUIET_MS && this.backlog < TRIM_BACKLOG) {
      this.scheduled = setTimeout(() => this.next(), TRIM_WHEN_QUIET_MS - quietFor);
      return;
    }
    const [room, due] = this.due.entries().next().value as [string, { upTo: number; entries: number }];
    try {
      const deleted = this.deleteChunk(room, due.upTo);
      due.entries -= deleted;
      this.backlog -= deleted;
      if (deleted < TRIM_CHUNK) this.forget(room, due);
    } catch (error) {
      // The entries stay, hidden by the mark: the next start deletes them (deleteFoldedEntries).
      this.forget(room, due);
      this.onError(error as Error);
    }
    if (this.due.size > 0) this.scheduled = setImmediate(() => this.next());
  }

  private forget(room: string, due: { entries: number }): void {
    this.backlog -= Math.max(0, due.entries);
    this.due.delete(room);
  }
}
