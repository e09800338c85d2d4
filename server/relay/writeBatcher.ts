/**
 * Batches the updates of one event-loop tick into one storage transaction,
 * then tells each room its updates are durable (so it can send `saved` acks).
 *
 * Batching per tick, not on a timer: what the UI calls saved must already be
 * on disk, and one commit per tick keeps fsyncs bounded under load.
 *
 * While an fsync runs, what arrives waits in memory and is committed in one
 * transaction when it returns: it could not be acked before the next fsync
 * anyway, and each commit writes every page it touched to the WAL again (the
 * log's index has a page per room), which the next fsync then flushes. (Under
 * bench/durability.ts, 20 rooms, there were ~1.15 commits per fsync before, so
 * little changed there.) Nothing acked is affected: acks still follow the
 * fsync that covers them; what a crash loses is unacked, and clients send it
 * again when they reconnect (sync step 2).
 */
import type { EditMeta } from '../history/updateAuthor';
import { StorageBusy, type AppendEntry, type Storage } from '../storage/storage';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { CommitPoint, Room, UpdateSink } from './room';

/** A room's part of a commit whose fsync is still running: acked (from `point`) once it is durable. */
interface AwaitingSync {
  room: Room;
  appended: number;
  point: CommitPoint | null;
}

const RETRY_AFTER_FAILURE_MS = 1_000;
/**
 * After StorageBusy (the storage thread writing a compaction or deleting what
 * it folded: a few rows, well under a millisecond): retried at the next turn of
 * the event loop RETRIES_AT_ONCE times, then every RETRY_WHEN_BUSY_MS.
 */
const RETRIES_AT_ONCE = 3;
const RETRY_WHEN_BUSY_MS = 1;
/** Busy for this long without a commit: something else holds the database (another process?); said once per stretch. */
const BUSY_TOO_LONG_MS = 5_000;

export class WriteBatcher implements UpdateSink {
  private entries: AppendEntry[] = [];
  /** Rooms with something queued (an update or only an ack), and how many updates each. */
  private rooms = new Map<Room, number>();
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | null = null;
  /** `scheduled` is the retry timer after a storage failure (a Timeout), not the next tick's Immediate. */
  private retrying = false;

  constructor(
    private readonly storage: Storage,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    /**
     * Called per room after its queued updates are durable, with what that
     * commit covers (`point`: the frames and state vector acks may name; undefined: read them now).
     */
    private readonly onCommitted: (room: Room, appended: number, point: CommitPoint | null | undefined) => void,
  ) {}

  /** Committed, fsync not done yet (the one running covers `syncing`, the next one these). */
  private awaitingSync: AwaitingSync[] = [];
  private syncing = false;
  /** When the current run of StorageBusy refusals began (null: the last commit went through). */
  private busySince: number | null = null;
  /** Retries in the current run of StorageBusy refusals. */
  private busyRetries = 0;
  private busyReported = false;

  enqueue(room: Room, update: Uint8Array | null, edit?: EditMeta): void {
    if (update) this.entries.push({ room: room.name, update, at: Date.now(), author: edit?.author ?? null, quiet: edit?.quiet ?? false });
    this.rooms.set(room, (this.rooms.get(room) ?? 0) + (update ? 1 : 0));
    if (this.syncing && this.syncsApart) return; // committed when the fsync returns
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** The storage commits without fsync and syncs apart (SQLite): acks follow `sync`. */
  private get syncsApart(): boolean {
    return this.storage.appendUnsynced !== undefined && this.storage.sync !== undefined;
  }

  /** Commits everything queued. Returns false (and retries later) if storage failed. */
  flush(): boolean {
    if (this.scheduled) {
      // Each handle with its own clear: clearImmediate on a Timeout corrupts Node's immediate queue.
      if (this.retrying) clearTimeout(this.scheduled as NodeJS.Timeout);
      else clearImmediate(this.scheduled as NodeJS.Immediate);
      this.scheduled = null;
      this.retrying = false;
    }
    if (this.rooms.size === 0) return true;
    const entries = this.entries;
    const rooms = this.rooms;
    // With a storage that can sync apart (SQLite), the commit here is without fsync (microseconds,
    // and it survives kill -9); the fsync runs on the thread pool and the acks wait for it.
    const deferred = this.syncsApart;
    try {
      if (deferred) this.storage.appendUnsynced!(entries);
      else this.storage.append(entries);
    } catch (error) {
      // Keep everything queued: nothing was acked, and the retry commits it all.
      if (error instanceof StorageBusy) {
        this.metrics.storageBusy.inc();
        const now = Date.now();
        this.busySince ??= now;
        if (!this.busyReported && now - this.busySince >= BUSY_TOO_LONG_MS) {
          this.busyReported = true;
          this.log.error({ updates: entries.length, busyMs: now - this.busySince }, 'storage write lock held by someone else for seconds; commits wait');
        }
        if (++this.busyRetries <= RETRIES_AT_ONCE) {
          this.scheduled = setImmediate(() => this.flush());
        } else {
          this.scheduled = setTimeout(() => this.flush(), RETRY_WHEN_BUSY_MS);
          this.retrying = true;
        }
        return false;
      }
      this.metrics.storageErrors.inc();
      this.log.error({ err: error, updates: entries.length }, 'storage commit failed; will retry');
      this.scheduled = setTimeout(() => this.flush(), RETRY_AFTER_FAILURE_MS);
      this.retrying = true;
      return false;
    }
    this.entries = [];
    this.rooms = new Map();
    this.busySince = null;
    this.busyRetries = 0;
    this.busyReported = false;
    this.metrics.storageCommits.inc();
    this.metrics.updatesPersisted.inc(entries.length);
    if (!deferred) {
      for (const [room, appended] of rooms) this.onCommitted(room, appended, undefined);
      return true;
    }
    // What each room's acks may say is fixed now: frames that arrive during the fsync are not in this commit.
    for (const [room, appended] of rooms) this.awaitingSync.push({ room, appended, point: room.commitPoint() });
    this.syncNext();
    return true;
  }

  /**
   * Group commit: one fsync at a time; the commits made while it runs are
   * covered by the next one, started when it returns. Acks follow the fsync.
   * A failed fsync is retried (nothing it covers is acked until one succeeds).
   */
  private syncNext(): void {
    if (this.syncing || this.awaitingSync.length === 0) return;
    const batch = this.awaitingSync;
    this.awaitingSync = [];
    this.syncing = true;
    this.storage.sync!((error) => {
      this.syncing = false;
      if (error) {
        this.metrics.storageErrors.inc();
        this.log.error({ err: error, rooms: batch.length }, 'storage fsync failed; will retry');
        this.awaitingSync = batch.concat(this.awaitingSync);
        setTimeout(() => this.syncNext(), RETRY_AFTER_FAILURE_MS).unref();
        return;
      }
      this.metrics.storageSyncs.inc();
      for (const { room, appended, point } of batch) this.onCommitted(room, appended, point);
      // What arrived meanwhile, in one commit, and the fsync that covers it (unless a retry timer owns the next commit).
      if (this.rooms.size > 0 && !this.retrying) this.flush();
      else this.syncNext();
    });
  }

}
