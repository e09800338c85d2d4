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
import { planCompaction } from '../history/fold';
import { checkOf, compactionReader, compactionWriter, deleteFoldedEntries, MARK_OF, roomReads } from './compactionIO';
import { StorageThread } from './storageThread';
import { StorageBusy, type AppendEntry, type Storage, type StoredRoom } from './storage';

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
/**
 * Column added to `snapshots`: the room's compaction mark, the last log entry
 * the snapshot holds (null in older rows: the whole log is after it). Entries
 * at or before it are deleted after the compaction, in small transactions
 * (compactionIO.ts); until then loads skip them, and a stop may leave some for
 * the next open to delete.
 */
const SNAPSHOT_COLUMNS = { log_upto: 'INTEGER' } as const;

/** How long other writes here wait for the write lock (better-sqlite3's default). */
const BUSY_TIMEOUT_MS = 5_000;

export interface SqliteStorage extends Storage {
  /** Every room's past (server/history/historyStore.ts), in the same file. */
  readonly history: HistoryStore;
}

export function openSqliteStorage(file: string, { history: historyOptions = { retentionDays: null } }: { history?: HistoryOptions } = {}): SqliteStorage {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  addColumns(db, 'updates', HISTORY_COLUMNS);
  addColumns(db, 'snapshots', SNAPSHOT_COLUMNS);
  deleteFoldedEntries(db);

  const selectSnapshot = db.prepare<[string], { state: Buffer }>('SELECT state FROM snapshots WHERE room = ?');
  // The log is what follows the room's compaction mark (MARK_OF).
  const selectUpdates = db.prepare<[string], { data: Buffer }>(`SELECT data FROM updates WHERE room = ? AND seq > ${MARK_OF} ORDER BY seq`);
  const countUpdates = db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM updates WHERE room = ? AND seq > ${MARK_OF}`);
  // In place, the whole log goes, and the mark moves past it: a background compaction that read before sees a new mark.
  const upsertSnapshot = db.prepare<[string, Uint8Array, number, number | null]>(
    `INSERT INTO snapshots (room, state, updated_at, log_upto) VALUES (?, ?, ?, ?)
     ON CONFLICT (room) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, log_upto = excluded.log_upto`,
  );
  const deleteUpdates = db.prepare<[string]>('DELETE FROM updates WHERE room = ?');
  const lastSeq = db.prepare<[string], { seq: number | null }>('SELECT max(seq) AS seq FROM updates WHERE room = ?');
  const markOf = db.prepare<[string], { log_upto: number | null }>('SELECT log_upto FROM snapshots WHERE room = ?');
  // appendUnsynced: its transaction commits without SQLite's fsync; `sync` fsyncs the WAL on
  // libuv's thread pool instead. So does a compaction made in the background (compactionIO.ts:
  // nothing waits on it). Every other transaction (and checkpoint) stays FULL. appendUnsynced
  // does not wait for the write lock either (StorageBusy): the storage thread may hold it.
  // For a file, it has a connection of its own set up that way once (see `appender`); an
  // in-memory database (one per connection) switches this one for each commit, with PRAGMAs run
  // anew each time: SQLite applies these two when it compiles them, so a statement prepared
  // earlier changes nothing. (Until 2026-11-28 every "unsynced" commit was FULL that way: an fsync
  // on the event loop before the one on the thread pool.)
  const setBusyWait = (ms: number) => db.pragma(`busy_timeout = ${ms}`);
  const setSynchronous = (level: 'NORMAL' | 'FULL') => db.pragma(`synchronous = ${level}`);
  let walFd: number | null = null;
  let closed = false;

  const { loadSnapshot, loadLog } = roomReads(db);
  const history = new HistoryStore(db, historyOptions, { loadLog, loadSnapshot });

  const appendAll = appendTransaction(db);
  const compactRoom = db.transaction((room: string, state: Uint8Array) => {
    // The log about to be dropped becomes history first, in this same transaction.
    history.fold(room, loadSnapshot(room), loadLog(room));
    const last = lastSeq.get(room)?.seq ?? null;
    upsertSnapshot.run(room, state, Date.now(), last ?? markOf.get(room)?.log_upto ?? null);
    deleteUpdates.run(room);
  });
  const readCompaction = compactionReader(db, history, loadSnapshot);
  const writeCompaction = compactionWriter(db, history, { deleteFolded: true });
  const appender = file === ':memory:' ? null : openAppender(file);
  // The storage thread compacts with a connection of its own (reads, plan, write: nothing on this
  // event loop); a database only this connection sees (':memory:') or a test's clock keeps the
  // reads and the write here, and the thread only plans.
  const thread = new StorageThread(file === ':memory:' || historyOptions.now ? null : { file, retentionDays: historyOptions.retentionDays });

  /** Reads here, plans (on the storage thread when it can) and writes a compaction. */
  const compactHere = (room: string, upTo: number, done: (error: Error | null, folded: number) => void): void => {
    const job = readCompaction(room, upTo);
    if (!job) {
      queueMicrotask(() => done(null, 0));
      return;
    }
    const check = checkOf(job); // (before its buffers move to the thread)
    const inPlace = (error: Error) => {
      if (closed) return done(error, 0);
      // No storage thread (it failed to start or died; the inputs went with it): read them again, plan here.
      try {
        const again = readCompaction(room, upTo);
        done(null, again ? writeCompaction(room, checkOf(again), planCompaction(again.inputs, again.snapshot)) : 0);
      } catch (inPlaceError) {
        done(inPlaceError as Error, 0);
      }
    };
    thread.plan(room, job.inputs, job.snapshot).then((compaction) => {
      if (closed) return done(new Error('storage closed'), 0);
      try {
        done(null, writeCompaction(room, check, compaction));
      } catch (error) {
        done(error as Error, 0);
      }
    }, inPlace);
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
      if (appender) return appender.append(entries);
      setSynchronous('NORMAL');
      setBusyWait(0);
      try {
        appendOrBusy(appendAll, entries);
      } finally {
        setBusyWait(BUSY_TIMEOUT_MS);
        setSynchronous('FULL');
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
      compactRoom.immediate(room, state); // IMMEDIATE: the storage thread may be writing a compaction of its own
    },
    compactInBackground(room, done) {
      // What it compacts is fixed now: entries logged meanwhile stay for the next one.
      const upTo = lastSeq.get(room)?.seq ?? null;
      if (upTo === null) {
        queueMicrotask(() => done(null, 0));
        return;
      }
      if (!thread.compacts) return compactHere(room, upTo, done);
      thread.compact(room, upTo).then(
        (folded) => done(closed ? new Error('storage closed') : null, folded),
        (error: Error) => (closed ? done(error, 0) : compactHere(room, upTo, done)),
      );
    },
    loadLog,
    logLength(room) {
      return countUpdates.get(room)?.n ?? 0;
    },
    close() {
      thread.close();
      history.close();
      appender?.close();
      db.close();
      closed = true;
      if (walFd !== null) closeSync(walFd);
      walFd = null;
    },
  };
}

/**
 * The relay's commits (appendUnsynced) on a connection of their own, set up
 * once: `synchronous = NORMAL` (the WAL is fsynced apart, by `sync`) and no
 * wait for the write lock (StorageBusy). Setting both around each commit on
 * the shared connection took four PRAGMA compilations per commit, ~3 % of the
 * relay's event loop under the durability benchmark. Its page cache is small:
 * it only appends.
 */
function openAppender(file: string) {
  const db = new Database(file, { timeout: 0 });
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -256');
  const appendAll = appendTransaction(db);
  return {
    append: (entries: readonly AppendEntry[]) => appendOrBusy(appendAll, entries),
    close: () => db.close(),
  };
}

/** Adds the columns `table` lacks (databases made by older versions). */
function addColumns(db: Database.Database, table: string, columns: Record<string, string>): void {
  const has = new Set(db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((c) => c.name));
  for (const [column, type] of Object.entries(columns)) {
    if (!has.has(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

/** One transaction appending entries to the log, on `db`. */
function appendTransaction(db: Database.Database): (entries: readonly AppendEntry[]) => void {
  const insert = db.prepare<[string, Uint8Array, number, number | null, number | null]>(
    'INSERT INTO updates (room, data, at, author, quiet) VALUES (?, ?, ?, ?, ?)',
  );
  return db.transaction((entries: readonly AppendEntry[]) => {
    const now = Date.now();
    for (const { room, update, at, author, quiet } of entries) insert.run(room, update, at ?? now, author ?? null, quiet ? 1 : null);
  });
}

/** Runs an append, turning SQLite's "the write lock is held" into StorageBusy. */
function appendOrBusy(appendAll: (entries: readonly AppendEntry[]) => void, entries: readonly AppendEntry[]): void {
  try {
    appendAll(entries);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new StorageBusy();
    throw error;
  }
}
