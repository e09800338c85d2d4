/**
 * Where rooms' documents are kept between runs. One interface, one contract
 * suite (storage.contract.ts) that every adapter must pass.
 *
 * A room is stored as a snapshot (a merged Yjs update) plus a log of the
 * updates appended since. Loading applies the snapshot, then the log in order.
 * Every method is synchronous: the default adapter is embedded SQLite, whose
 * commits take microseconds, and a synchronous commit is what lets the relay
 * send `saved` knowing the bytes are on disk.
 */

export interface StoredRoom {
  /** The last compacted state, or null if the room was never compacted. */
  snapshot: Uint8Array | null;
  /** Updates appended after the snapshot, oldest first. */
  updates: Uint8Array[];
}

export interface AppendEntry {
  room: string;
  update: Uint8Array;
}

export interface Storage {
  /** Everything stored for a room (an unknown room gives an empty result). */
  load(room: string): StoredRoom;
  /** Appends every entry in ONE transaction: after it returns, all are durable; if it throws, none are. */
  append(entries: readonly AppendEntry[]): void;
  /**
   * Replaces a room's snapshot with `state` and drops the log it covers, in one
   * transaction. `state` must contain every update appended so far.
   */
  compact(room: string, state: Uint8Array): void;
  /** How many updates are in a room's log (since the last compaction). */
  logLength(room: string): number;
  /** Flushes and releases the store; further calls throw. */
  close(): void;
}
