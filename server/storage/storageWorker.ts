/**
 * The storage thread's body (see storageThread.ts): plans compactions (the
 * history fold and the new snapshot), one at a time, each room's from the
 * Y.Doc kept from its last one when it can (keptDocs.ts).
 */
import { parentPort } from 'node:worker_threads';
import { buffersOf, planCompaction, type FoldInputs } from '../history/fold';
import { KeptDocs } from './keptDocs';

export type StorageJob = { kind: 'plan'; room: string; inputs: FoldInputs; snapshot: Uint8Array | null };

const kept = new KeptDocs();

export type StorageReply = { id: number; result: unknown } | { id: number; error: string };

parentPort!.on('message', ({ id, job }: { id: number; job: StorageJob }) => {
  try {
    const doc = kept.take(job.room, job.snapshot);
    const compaction = planCompaction(job.inputs, job.snapshot, doc);
    // A copy: the snapshot's own buffer moves to the relay's thread.
    kept.keep(job.room, doc, compaction.snapshot.slice());
    parentPort!.postMessage({ id, result: compaction }, buffersOf(compaction));
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
