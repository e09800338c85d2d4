/**
 * The storage thread's body (see storageThread.ts): plans history folds for
 * compactions, one at a time.
 */
import { parentPort } from 'node:worker_threads';
import { buffersOf, planFold, type FoldInputs } from '../history/fold';

export type StorageJob = { kind: 'plan'; inputs: FoldInputs };

export type StorageReply = { id: number; result: unknown } | { id: number; error: string };

parentPort!.on('message', ({ id, job }: { id: number; job: StorageJob }) => {
  try {
    const plan = planFold(job.inputs);
    parentPort!.postMessage({ id, result: plan }, buffersOf(plan));
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
