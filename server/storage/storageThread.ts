/**
 * One worker thread for the storage's background work, so that neither holds
 * the relay's event loop:
 *
 * - **compaction planning** (server/history/fold.ts: the log folded into
 *   history versions, and the new snapshot). Measured: 20-35 ms per compaction
 *   of 500 keystrokes, every 500 keystrokes per room, most of the relay's p99
 *   under load (bench/durability.ts). Reading the inputs and writing the
 *   result stay on the main thread, in its SQLite connection.
 * - **WAL checkpoints** (copying the write-ahead log back into the database
 *   file, with its fsyncs), on a connection of the thread's own. SQLite runs
 *   them inside whichever commit fills the log past 1,000 pages: 1 commit in
 *   100 took 4-5 ms instead of 0.1 (sqlite.ts turns that off).
 *
 * Started on first use and unref'd while idle (an idle relay exits as
 * before). If the thread cannot start or dies, its calls reject and the
 * caller does the work itself.
 */
import { Worker } from 'node:worker_threads';
import { buffersOf, type Compaction, type FoldInputs } from '../history/fold';
import type { CheckpointResult, StorageJob, StorageReply } from './storageWorker';

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

/**
 * The worker's entry is TypeScript, like the relay: the thread registers tsx's
 * loader first (a worker does not inherit the `--import tsx` hooks on Node 20).
 */
const WORKER_BOOT = `(async () => {
  const { register } = await import('tsx/esm/api');
  register();
  await import(${JSON.stringify(new URL('./storageWorker.ts', import.meta.url).href)});
})();`;

export class StorageThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  /**
   * Plans a compaction on the thread. The buffers in `inputs` move there (they
   * are empty here afterwards).
   */
  plan(inputs: FoldInputs): Promise<Compaction> {
    return this.run({ kind: 'plan', inputs }, buffersOf(inputs));
  }

  /** A passive checkpoint of the WAL database `file` (it waits for no reader or writer). */
  checkpoint(file: string): Promise<CheckpointResult> {
    return this.run({ kind: 'checkpoint', file }, []);
  }

  close(): void {
    this.closed = true;
    this.fail(new Error('storage thread closed'));
    void this.worker?.terminate();
    this.worker = null;
  }

  private run<T>(job: StorageJob, transfer: ArrayBuffer[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error('storage thread closed'));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      worker.ref(); // keep the process alive while work is owed
      worker.postMessage({ id, job }, transfer);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_BOOT, { eval: true });
    worker.unref();
    worker.on('message', (reply: StorageReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) pending.reject(new Error(reply.error));
      else pending.resolve(reply.result as never);
    });
    const lost = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      this.fail(error);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`storage thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of pending) reject(error);
  }
}
