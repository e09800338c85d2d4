/**
 * The fold thread's body: plans the relay's compactions (history fold and
 * snapshot, server/history/fold.ts), one message at a time. See foldThread.ts.
 */
import { parentPort } from 'node:worker_threads';
import { buffersOf, planCompaction, type FoldInputs } from '../history/fold';

parentPort!.on('message', ({ id, inputs }: { id: number; inputs: FoldInputs }) => {
  try {
    const compaction = planCompaction(inputs);
    parentPort!.postMessage({ id, compaction }, buffersOf(compaction));
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
