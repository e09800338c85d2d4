/**
 * The storage thread's body (see storageThread.ts): plans compactions and
 * runs WAL checkpoints, one job at a time.
 */
import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import { buffersOf, planCompaction, type FoldInputs } from '../history/fold';

export type StorageJob = { kind: 'plan'; inputs: FoldInputs } | { kind: 'checkpoint'; file: string };

/** SQLite's answer to `PRAGMA wal_checkpoint`: frames in the WAL, and how many are now in the database file. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

export type StorageReply = { id: number; result: unknown } | { id: number; error: string };

/** This thread's own connection per database file, for checkpoints. */
const connections = new Map<string, Database.Database>();

function checkpoint(file: string): CheckpointResult {
  let db = connections.get(file);
  if (!db) {
    db = new Database(file);
    db.pragma('synchronous = FULL'); // a checkpoint fsyncs the WAL before copying it and the database after
    connections.set(file, db);
  }
  return (db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0];
}

parentPort!.on('message', ({ id, job }: { id: number; job: StorageJob }) => {
  try {
    if (job.kind === 'plan') {
      const compaction = planCompaction(job.inputs);
      parentPort!.postMessage({ id, result: compaction }, buffersOf(compaction));
    } else {
      parentPort!.postMessage({ id, result: checkpoint(job.file) });
    }
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
