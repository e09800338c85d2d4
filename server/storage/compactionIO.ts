/**
 * A compaction's reads and writes, on one SQLite connection: the log up to a
 * sequence number (with what the history fold needs beside it), and then, in
 * one transaction, the fold's versions, the new snapshot and the log entries
 * it replaces deleted. Used on the storage thread's own connection
 * (storageWorker.ts), so that none of it runs on the relay's event loop, and
 * on the relay's connection when there is no such thread.
 */
import type Database from 'better-sqlite3';
import type { Compaction, FoldInputs } from '../history/fold';
import type { HistoryStore } from '../history/historyStore';
import type { LoggedUpdate } from './storage';

/** A compaction read and planned, to write: the log up to `upTo` is replaced by the snapshot of `snapshot` and that log. */
export interface CompactionJob {
  upTo: number;
  inputs: FoldInputs;
  snapshot: Uint8Array | null;
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

export interface CompactionIO {
  /** The log up to `upTo` and the fold's inputs; null if that log is empty. */
  read(room: string, upTo: number): CompactionJob | null;
  /**
   * Writes a compaction planned from `job`, unless what it read changed
   * meanwhile (then nothing: 0). Returns how many log entries it replaced.
   */
  write(room: string, job: CompactionJob, compaction: Compaction): number;
}

export function compactionIO(db: Database.Database, history: HistoryStore, loadSnapshot: (room: string) => Uint8Array | null): CompactionIO {
  const selectLogUpTo = db.prepare<[string, number], LogRow>('SELECT data, at, author, quiet FROM updates WHERE room = ? AND seq <= ? ORDER BY seq');
  const countUpTo = db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM updates WHERE room = ? AND seq <= ?');
  const deleteUpTo = db.prepare<[string, number]>('DELETE FROM updates WHERE room = ? AND seq <= ?');
  const upsertSnapshot = db.prepare<[string, Uint8Array, number]>(
    `INSERT INTO snapshots (room, state, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (room) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
  // (Run anew each time: SQLite applies PRAGMA synchronous when it compiles it, see sqlite.ts.)
  const setSynchronous = (level: 'NORMAL' | 'FULL') => db.pragma(`synchronous = ${level}`);
  // IMMEDIATE: the write lock from the start. A deferred transaction that read
  // first could not write once the relay had committed meanwhile (SQLITE_BUSY).
  const writeJob = db.transaction((room: string, { upTo, inputs }: CompactionJob, { plan, snapshot }: Compaction): number => {
    // (Only counts are read from `inputs` here: its buffers may have moved to the storage thread.)
    if (countUpTo.get(room, upTo)!.n !== inputs.log.length || !history.stillCurrent(room, inputs)) return 0;
    history.writeFold(room, plan);
    upsertSnapshot.run(room, snapshot, Date.now());
    deleteUpTo.run(room, upTo);
    return inputs.log.length;
  });
  return {
    read(room, upTo) {
      const log = selectLogUpTo.all(room, upTo).map(toLogged);
      if (log.length === 0) return null;
      const snapshot = loadSnapshot(room);
      return { upTo, inputs: history.foldInputs(room, snapshot, log), snapshot };
    },
    write(room, job, compaction) {
      // Without an fsync here: atomic either way, and the relay's next sync of the WAL makes it durable.
      // Until then a power loss can only undo the whole compaction, leaving the log it replaced.
      setSynchronous('NORMAL');
      try {
        return writeJob.immediate(room, job, compaction);
      } finally {
        setSynchronous('FULL');
      }
    },
  };
}
