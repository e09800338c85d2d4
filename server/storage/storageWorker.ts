/**
 * The storage thread's body (see storageThread.ts): compactions, one at a
 * time. `compact` reads the log, plans and writes with this thread's own
 * connection to the database; `plan` only plans, from inputs read by the
 * relay. Each room's Y.Doc is kept from one compaction to the next when it can
 * be (keptDocs.ts).
 */
import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import { buffersOf, planCompaction, type FoldInputs } from '../history/fold';
import { HistoryStore } from '../history/historyStore';
import { compactionIO, toLogged, type CompactionIO, type LogRow } from './compactionIO';
import { KeptDocs } from './keptDocs';

export type StorageJob =
  | { kind: 'plan'; room: string; inputs: FoldInputs; snapshot: Uint8Array | null }
  | { kind: 'compact'; file: string; retentionDays: number | null; room: string; upTo: number };

export type StorageReply = { id: number; result: unknown } | { id: number; error: string };

const kept = new KeptDocs();

/** This thread's connection to a database file (opened at its first compaction). */
const databases = new Map<string, CompactionIO>();

function databaseOf(file: string, retentionDays: number | null): CompactionIO {
  let io = databases.get(file);
  if (io) return io;
  const db = new Database(file); // WAL, set by the relay's connection, is a property of the file
  const selectSnapshot = db.prepare<[string], { state: Buffer }>('SELECT state FROM snapshots WHERE room = ?');
  const selectLog = db.prepare<[string], LogRow>('SELECT data, at, author, quiet FROM updates WHERE room = ? ORDER BY seq');
  const loadSnapshot = (room: string) => {
    const row = selectSnapshot.get(room);
    return row ? new Uint8Array(row.state) : null;
  };
  // The relay's own HistoryStore sweeps expired versions; this one only folds.
  const history = new HistoryStore(db, { retentionDays, sweep: false }, { loadSnapshot, loadLog: (room) => selectLog.all(room).map(toLogged) });
  io = compactionIO(db, history, loadSnapshot);
  databases.set(file, io);
  return io;
}

function compact(job: Extract<StorageJob, { kind: 'compact' }>): number {
  const io = databaseOf(job.file, job.retentionDays);
  const read = io.read(job.room, job.upTo);
  if (!read) return 0;
  const doc = kept.take(job.room, read.snapshot);
  const compaction = planCompaction(read.inputs, read.snapshot, doc);
  const folded = io.write(job.room, read, compaction);
  if (folded > 0) kept.keep(job.room, doc, compaction.snapshot);
  else doc.destroy(); // not stored: the next compaction starts from what is
  return folded;
}

parentPort!.on('message', ({ id, job }: { id: number; job: StorageJob }) => {
  try {
    if (job.kind === 'compact') {
      parentPort!.postMessage({ id, result: compact(job) });
      return;
    }
    const doc = kept.take(job.room, job.snapshot);
    const compaction = planCompaction(job.inputs, job.snapshot, doc);
    // A copy: the snapshot's own buffer moves to the relay's thread.
    kept.keep(job.room, doc, compaction.snapshot.slice());
    parentPort!.postMessage({ id, result: compaction }, buffersOf(compaction));
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
