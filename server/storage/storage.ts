/**
 * Where rooms' documents are kept between runs. One interface, one contract
 * suite (storage.contract.ts) that every adapter must pass.
 *
 * A room is stored as a snapshot (a merged Yjs update) plus a log of the
 * updates appended since. Loading applies the snapshot, then the log in order.
 * An adapter that keeps history (server/history/) moves the log into it when
 * compacting, in the same transaction, so the past survives compaction.
 * Every method but `sync` is synchronous: the default adapter is embedded
 * SQLite, whose commits take microseconds without their fsync. The relay's
 * write batcher commits with `appendUnsynced` and sends `saved` only after
 * `sync` (the fsync, on libuv's thread pool) called back: the ack still means
 * the bytes are on disk, and the event loop does not wait for the disk.
 */
import type { HistoryStore } from '../history/historyStore';

export interface StoredRoom {
  /** The last compacted state, or null if the room was never compacted. */
  snapshot: Uint8Array | null;
  /** Updates appended after the snapshot, oldest first. */
  updates: Uint8Array[];
}

export interface AppendEntry {
  room: string;
  update: Uint8Array;
  /** When the relay received it (ms since the epoch), kept for history; default: when appended. */
  at?: number;
  /** Yjs client id of the tab that sent it (server/history/updateAuthor.ts), kept for history; default null. */
  author?: number | null;
  /** It changed nothing a reader sees (only stored carets): history never makes it a version of its own. */
  quiet?: boolean;
}

/** A log entry as stored, with what history needs (entries written before history was kept have `at` null). */
export interface LoggedUpdate {
  update: Uint8Array;
  at: number | null;
  author: number | null;
  quiet: boolean;
}

export interface Storage {
  /** The rooms' past, for adapters that keep it (server/history/): compaction folds the log into it. */
  readonly history?: HistoryStore;
  /** Everything stored for a room (an unknown room gives an empty result). */
  load(room: string): StoredRoom;
  /** Appends every entry in ONE transaction: after it returns, all are durable; if it throws, none are. */
  append(entries: readonly AppendEntry[]): void;
  /**
   * Optional, with `sync`: appends every entry in ONE transaction that, when
   * it returns, is committed and survives the process being killed (it is in
   * the OS), but is durable against power loss only once a later `sync` has
   * called back without error. Lets the relay take the fsync off its event
   * loop (server/relay/writeBatcher.ts); `append` stays durable on return.
   */
  appendUnsynced?(entries: readonly AppendEntry[]): void;
  /** Makes every transaction committed so far durable (fsync, off the event loop); `done` runs after. */
  sync?(done: (error: Error | null) => void): void;
  /**
   * Replaces a room's snapshot with `state` and drops the log it covers, in one
   * transaction. `state` must contain every update appended so far.
   */
  compact(room: string, state: Uint8Array): void;
  /**
   * Optional: `compact` done off the event loop: the log as it is now is
   * folded into history and replaced by the snapshot with that log applied.
   * `done(null, n)`: it replaced the first `n` entries (0 if the log or
   * history changed meanwhile: nothing was written, compact later). Entries
   * appended after the call stay. Nothing is lost if it fails.
   */
  compactInBackground?(room: string, done: (error: Error | null, folded: number) => void): void;
  /** A room's log since the last compaction, with each entry's time and author (for history). */
  loadLog(room: string): LoggedUpdate[];
  /** How many updates are in a room's log (since the last compaction). */
  logLength(room: string): number;
  /** Flushes and releases the store; further calls throw. */
  close(): void;
}

/**
 * Thrown by `appendUnsynced` when another connection holds the database's
 * write lock (the storage thread writing a compaction): nothing was written,
 * and the caller retries shortly instead of waiting (SQLite's own wait
 * sleeps 1, 2, 5, 10 … ms, the relay's event loop with it).
 */
export class StorageBusy extends Error {
  constructor() {
    super('the database is being written by another connection');
    this.name = 'StorageBusy';
  }
}
