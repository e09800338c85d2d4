/**
 * The storage thread's body (see storageThread.ts): plans compactions (the
 * history fold and the new snapshot), one at a time.
 */
import { parentPort } from 'node:worker_threads';
import { buffersOf, planCompaction, type FoldInputs } from '../history/fold';

export type StorageJob = { kind: 'plan'; inputs: FoldInputs; snapshot: Uint8Array | null };

export type StorageReply = { id: number; result: unknown } | { id: number; error: string };

parentPort!.on('message', ({ id, job }: { id: number; job: StorageJob }) => {
  try {
    const compaction = planCompaction(job.inputs, job.snapshot);
    parentPort!.postMessage({ id, result: compaction }, buffersOf(compaction));
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
