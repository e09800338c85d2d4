/**
 * Batches the updates of one event-loop tick into one storage transaction,
 * then tells each room its updates are durable (so it can send `saved` acks).
 *
 * Batching per tick, not on a timer: what the UI calls saved must already be
 * on disk, and one commit per tick keeps fsyncs bounded under load.
 */
import type { EditMeta } from '../history/updateAuthor';
import type { AppendEntry, Storage } from '../storage/storage';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Room, UpdateSink } from './room';

const RETRY_AFTER_FAILURE_MS = 1_000;

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
    /** Called per room after its queued updates are durable. */
    private readonly onCommitted: (room: Room, appended: number) => void,
  ) {}

  enqueue(room: Room, update: Uint8Array | null, edit?: EditMeta): void {
    if (update) this.entries.push({ room: room.name, update, at: Date.now(), author: edit?.author ?? null, quiet: edit?.quiet ?? false });
    this.rooms.set(room, (this.rooms.get(room) ?? 0) + (update ? 1 : 0));
    this.scheduled ??= setImmediate(() => this.flush());
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
    try {
      this.storage.append(entries);
    } catch (error) {
      // Keep everything queued: nothing was acked, and the retry commits it all.
      this.metrics.storageErrors.inc();
      this.log.error({ err: error, updates: entries.length }, 'storage commit failed; will retry');
      this.scheduled = setTimeout(() => this.flush(), RETRY_AFTER_FAILURE_MS);
      this.retrying = true;
      return false;
    }
    this.entries = [];
    this.rooms = new Map();
    this.metrics.storageCommits.inc();
    this.metrics.updatesPersisted.inc(entries.length);
    for (const [room, appended] of rooms) this.onCommitted(room, appended);
    return true;
  }

}
