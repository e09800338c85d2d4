/**
 * The default storage: one SQLite file (better-sqlite3, WAL) under DATA_DIR.
 *
 * `synchronous = FULL` makes every commit durable against power loss as well as
 * `kill -9` (WAL with NORMAL survives a process crash but not an OS crash); the
 * relay batches all updates of an event-loop tick into one commit, so the cost
 * is one fsync per tick, not per keystroke.
 */
import Database from 'better-sqlite3';
import { closeSync, fsync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { HistoryStore, type HistoryOptions } from '../history/historyStore';
import { planCompaction, type Compaction, type FoldInputs } from '../history/fold';
import { StorageThread } from './storageThread';
import type { AppendEntry, LoggedUpdate, Storage, StoredRoom } from './storage';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS snapshots (
    room       TEXT PRIMARY KEY,
    state      BLOB NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS updates (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    room   TEXT NOT NULL,
    data   BLOB NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS updates_by_room ON updates (room, seq);
`;

/** Columns added to `updates` for history: when each entry arrived and who sent it (null in older rows). */
const HISTORY_COLUMNS = { at: 'INTEGER', author: 'INTEGER', quiet: 'INTEGER' } as const;

export interface SqliteStorage extends Storage {
  /** Every room's past (server/history/historyStore.ts), in the same file. */
  readonly history: HistoryStore;
}

export function openSqliteStorage(file: string, { history: historyOptions = { retentionDays: null } }: { history?: HistoryOptions } = {}): SqliteStorage {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  const columns = new Set(db.prepare<[], { name: string }>('SELECT name FROM pragma_table_info(\'updates\')').all().map((c) => c.name));
  for (const [column, type] of Object.entries(HISTORY_COLUMNS)) {
    if (!columns.has(column)) db.exec(`ALTER TABLE updates ADD COLUMN ${column} ${type}`);
  }

  const selectSnapshot = db.prepare<[string], { state: Buffer }>('SELECT state FROM snapshots WHERE room = ?');
  const selectUpdates = db.prepare<[string], { data: Buffer }>('SELECT data FROM updates WHERE room = ? ORDER BY seq');
  const selectLog = db.prepare<[string], { data: Buffer; at: number | null; author: number | null; quiet: number | null }>(
    'SELECT data, at, author, quiet FROM updates WHERE room = ? ORDER BY seq',
  );
  const countUpdates = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM updates WHERE room = ?');
  const insertUpdate = db.prepare<[string, Uint8Array, number, number | null, number | null]>(
    'INSERT INTO updates (room, data, at, author, quiet) VALUES (?, ?, ?, ?, ?)',
  );
  const upsertSnapshot = db.prepare<[string, Uint8Array, number]>(
    `INSERT INTO snapshots (room, state, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (room) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
  const deleteUpdates = db.prepare<[string]>('DELETE FROM updates WHERE room = ?');
  const lastSeq = db.prepare<[string], { seq: number | null }>('SELECT max(seq) AS seq FROM updates WHERE room = ?');
  const selectLogUpTo = db.prepare<[string, number], { data: Buffer; at: number | null; author: number | null; quiet: number | null }>(
    'SELECT data, at, author, quiet FROM updates WHERE room = ? AND seq <= ? ORDER BY seq',
  );
  const countUpTo = db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM updates WHERE room = ? AND seq <= ?');
  const deleteUpTo = db.prepare<[string, number]>('DELETE FROM updates WHERE room = ? AND seq <= ?');
  // appendUnsynced: that one transaction commits without SQLite's fsync; `sync` fsyncs the WAL
  // on libuv's thread pool instead. So does a compaction planned on the storage thread (see
  // writeCompaction: nothing waits on it). Every other transaction (and checkpoint) stays FULL.
  const syncNormal = db.prepare('PRAGMA synchronous = NORMAL');
  const syncFull = db.prepare('PRAGMA synchronous = FULL');
  let walFd: number | null = null;
  let closed = false;

  const toLogged = (row: { data: Buffer; at: number | null; author: number | null; quiet: number | null }): LoggedUpdate => ({
    update: new Uint8Array(row.data),
    at: row.at,
    author: row.author,
    quiet: row.quiet === 1,
  });
  const loadLog = (room: string): LoggedUpdate[] => selectLog.all(room).map(toLogged);
  const loadSnapshot = (room: string): Uint8Array | null => {
    const row = selectSnapshot.get(room);
    return row ? new Uint8Array(row.state) : null;
  };
  const history = new HistoryStore(db, historyOptions, { loadLog, loadSnapshot });

  const appendAll = db.transaction((entries: readonly AppendEntry[]) => {
    const now = Date.now();
    for (const { room, update, at, author, quiet } of entries) insertUpdate.run(room, update, at ?? now, author ?? null, quiet ? 1 : null);
  });
  const compactRoom = db.transaction((room: string, state: Uint8Array) => {
    // The log about to be dropped becomes history first, in this same transaction.
    history.fold(room, loadSnapshot(room), loadLog(room));
    upsertSnapshot.run(room, state, Date.now());
    deleteUpdates.run(room);
  });
  const thread = new StorageThread();

  /** A compaction to write once planned: the log up to `upTo` is replaced by a snapshot of `snapshot` and that log. */
  interface Job {
    upTo: number;
    inputs: FoldInputs;
    snapshot: Uint8Array | null;
  }

  /** What compacting a room's log reads: the entries up to `upTo` (default: all), null if none. */
  const readCompaction = (room: string, upTo = lastSeq.get(room)?.seq ?? null): Job | null => {
    if (upTo === null) return null;
    const log = selectLogUpTo.all(room, upTo).map(toLogged);
    if (log.length === 0) return null;
    const snapshot = loadSnapshot(room);
    return { upTo, inputs: history.foldInputs(room, snapshot, log), snapshot };
  };

  /**
   * Writes a compaction whose fold was planned elsewhere, unless what it read
   * changed meanwhile (then nothing: 0). Returns how many log entries it replaced.
   */
  const writeCompaction = (room: string, { upTo, inputs }: Job, { plan, snapshot }: Compaction): number => {
    // Without an fsync on the event loop: atomic either way, and the next sync makes it durable.
    // Until then a power loss can only undo the whole compaction, leaving the log it replaced.
    syncNormal.run();
    try {
      return db.transaction(() => {
        // (Only counts are read from `inputs` here: its buffers may have moved to the storage thread.)
        if (countUpTo.get(room, upTo)!.n !== inputs.log.length || !history.stillCurrent(room, inputs)) return 0;
        history.writeFold(room, plan);
        upsertSnapshot.run(room, snapshot, Date.now());
        deleteUpTo.run(room, upTo);
        return inputs.log.length;
      })();
    } finally {
      syncFull.run();
    }
  };

  return {
    history,
    load(room: string): StoredRoom {
      const snapshot = selectSnapshot.get(room);
      return {
        snapshot: snapshot ? new Uint8Array(snapshot.state) : null,
        updates: selectUpdates.all(room).map((row) => new Uint8Array(row.data)),
      };
    },
    append(entries) {
      if (entries.length > 0) appendAll(entries);
    },
    appendUnsynced(entries) {
      if (entries.length === 0) return;
      syncNormal.run();
      try {
        appendAll(entries);
      } finally {
        syncFull.run();
      }
    },
    sync(done) {
      // An in-memory database has nothing to sync; a closed one was synced by closing (SQLite checkpoints and fsyncs).
      if (file === ':memory:' || closed) {
        queueMicrotask(() => done(null));
        return;
      }
      try {
        // The WAL of a database in WAL mode stays (same inode) while it is open: one descriptor for every fsync.
        walFd ??= openSync(`${file}-wal`, 'r');
      } catch (error) {
        queueMicrotask(() => done(error as Error));
        return;
      }
      fsync(walFd, (error) => done(closed ? null : error));
    },
    compact(room, state) {
      compactRoom(room, state);
    },
    compactInBackground(room, done) {
      // Read the log now, plan on the storage thread, write when it answers. Entries logged meanwhile stay.
      const job = readCompaction(room);
      if (!job) {
        queueMicrotask(() => done(null, 0));
        return;
      }
      thread.plan(room, job.inputs, job.snapshot).then(
        (compaction) => {
          if (closed) return done(new Error('storage closed'), 0);
          try {
            done(null, writeCompaction(room, job, compaction));
          } catch (error) {
            done(error as Error, 0);
          }
        },
        (error: Error) => {
          if (closed) return done(error, 0);
          // No storage thread (it failed to start or died; the inputs went with it): read them again, plan here.
          try {
            const again = readCompaction(room, job.upTo);
            done(null, again ? writeCompaction(room, again, planCompaction(again.inputs, again.snapshot)) : 0);
          } catch (inPlace) {
            done(inPlace as Error, 0);
          }
        },
      );
    },
    loadLog,
    logLength(room) {
      return countUpdates.get(room)?.n ?? 0;
    },
    close() {
      thread.close();
      history.close();
      db.close();
      closed = true;
      if (walFd !== null) closeSync(walFd);
      walFd = null;
    },
  };
}
