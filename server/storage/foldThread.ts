/**
 * One worker thread that plans compactions (server/history/fold.ts: the log
 * folded into history versions, and the new snapshot), so merging a log of
 * hundreds of updates does not hold the relay's event loop (measured: 20-35 ms per compaction of 500
 * keystrokes, every 500 keystrokes per room, which was most of the relay's
 * p99 under load; bench/durability.ts). Reading the inputs and writing the
 * result stay on the main thread, in SQLite's one connection.
 *
 * Started on first use and unref'd (an idle relay exits as before). If the
 * thread cannot start or dies, `plan` rejects and the caller folds in place.
 */
import { Worker } from 'node:worker_threads';
import { buffersOf, type Compaction, type FoldInputs } from '../history/fold';

interface Pending {
  resolve: (plan: Compaction) => void;
  reject: (error: Error) => void;
}

type Reply = { id: number; compaction: Compaction } | { id: number; error: string };

/**
 * The worker's entry is TypeScript, like the relay: the thread registers tsx's
 * loader first (a worker does not inherit the `--import tsx` hooks on Node 20).
 */
const WORKER_BOOT = `(async () => {
  const { register } = await import('tsx/esm/api');
  register();
  await import(${JSON.stringify(new URL('./foldWorker.ts', import.meta.url).href)});
})();`;

export class FoldThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  /**
   * Plans a compaction on the thread. The buffers in `inputs` move there (they
   * are empty here afterwards). Rejects if the thread fails or is closed.
   */
  plan(inputs: FoldInputs): Promise<Compaction> {
    if (this.closed) return Promise.reject(new Error('fold thread closed'));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref(); // keep the process alive while a fold is owed
      worker.postMessage({ id, inputs }, buffersOf(inputs));
    });
  }

  close(): void {
    this.closed = true;
    this.fail(new Error('fold thread closed'));
    void this.worker?.terminate();
    this.worker = null;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_BOOT, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) pending.reject(new Error(reply.error));
      else pending.resolve(reply.compaction);
    });
    const lost = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      this.fail(error);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`fold thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of pending) reject(error);
  }
}
