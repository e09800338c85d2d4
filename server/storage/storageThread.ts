/**
 * One worker thread for the storage's background work: compactions (the log
 * folded into history versions, server/history/fold.ts, and applied to the
 * old snapshot for the new one), so they do not hold the relay's event loop.
 * Measured: a compaction of 500 keystrokes held the loop 20-35 ms when it ran
 * there; with only the planning here, reading the log and writing the result
 * still took the loop ~6 ms per compaction, a fifth of its time under the
 * durability benchmark's load (20 rooms, ~17,000 updates/s). So for a database
 * file the thread does all of it with a SQLite connection of its own
 * (compactionIO.ts; WAL lets it read beside the relay's writes, and it holds
 * the write lock a few rows at a time). Without a file (':memory:'), it only
 * plans, from inputs the relay's connection reads. It runs at a lower CPU
 * priority than the relay (storageWorker.ts).
 *
 * (WAL checkpoints were tried here too, on a connection of the thread's own:
 * with writes never pausing, its passive checkpoints rarely caught up, the
 * WAL grew to tens of megabytes instead of restarting at 4 MiB, and a clean
 * stop left it behind for the next start to recover: 2 s to open a room
 * instead of 0.1. SQLite's own checkpoints, inside a commit, stay.)
 *
 * Started on first use and unref'd while idle (an idle relay exits as
 * before). If the thread cannot start or dies, its calls reject and the
 * caller does the work itself.
 */
import { Worker } from 'node:worker_threads';
import { buffersOf, type Compaction, type FoldInputs } from '../history/fold';
import type { StorageJob, StorageReply } from './storageWorker';

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

/** The database the thread compacts in with its own connection, and the history's retention there. */
export interface CompactingDatabase {
  file: string;
  retentionDays: number | null;
}

export class StorageThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly database: CompactingDatabase | null = null) {}

  /** True if `compact` can be used: the thread has a database of its own. */
  get compacts(): boolean {
    return this.database !== null;
  }

  /**
   * Compacts a room's log up to `upTo` on the thread, reads and writes
   * included; resolves with how many log entries it replaced (0: the log or
   * the history changed under it, or there was nothing to compact).
   */
  compact(room: string, upTo: number): Promise<number> {
    if (!this.database) return Promise.reject(new Error('the storage thread has no database'));
    return this.run({ kind: 'compact', ...this.database, room, upTo }, []);
  }

  /**
   * Plans a compaction on the thread: `inputs`' log folded into history, and
   * applied to `snapshot` for the new one. Their buffers move there (they are
   * empty here afterwards).
   */
  plan(room: string, inputs: FoldInputs, snapshot: Uint8Array | null): Promise<Compaction> {
    return this.run({ kind: 'plan', room, inputs, snapshot }, buffersOf(inputs, snapshot));
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
