/**
 * The seam between the relay and the other relays of a cluster. Rooms call it
 * at a few named points; without REDIS_URL it is the null object below, so a
 * single relay behaves exactly as before and its hot path pays one no-op call.
 *
 * - a room is loaded        → `roomLoaded` (subscribe, then catch up)
 * - a client's update is applied    → `RoomBus.publishUpdate`
 * - a client's awareness arrives, or a socket leaves → `RoomBus.publishAwareness`
 * - a socket's update frames are committed → `RoomBus.committed` (how many to ack as saved)
 * - a room is unloaded      → `roomUnloaded`
 *
 * What comes back from other relays goes into the room through `ClusterRoom`:
 * applied, stored, forwarded to this relay's sockets, never published again.
 */
import type * as Y from 'yjs';

/** Who history credits an update to (server/history/updateAuthor.ts), carried to the other relays' stores. */
export interface PublishedEdit {
  author: number | null;
  quiet: boolean;
}

/** A socket that may be acked (implemented by Connection). */
export interface AckTarget {
  readonly wantsAcks: boolean;
  readonly isOpen: boolean;
  send(frame: Uint8Array): void;
}

/** What a room sends to the other relays. Both take the exact frame this relay forwarded to its own sockets. */
export interface RoomBus {
  /** A client's update was applied here: `frame` is the sync update frame (type 0, step 2). */
  publishUpdate(frame: Uint8Array, edit?: PublishedEdit): void;
  /** A client's awareness frame (type 1), or the removal of a client that left this relay. */
  publishAwareness(frame: Uint8Array): void;
  /**
   * This relay committed `target`'s update frames up to `frames`: how many may
   * be acked as `saved` now. All of them, unless REPLICATION_ACKS asks for
   * other relays' commits too (then the cluster acks the rest later through
   * `ClusterRoom.ackSaved`).
   */
  committed(target: AckTarget, frames: number): number;
}

/** What the cluster may ask of a loaded room (implemented by Room). */
export interface ClusterRoom {
  readonly name: string;
  /** The document, seed included (reading it applies and stores a seed the room held only as bytes). */
  readonly doc: Y.Doc;
  /** The state vector of what the room has applied and stored: without a seed it held only as bytes (for bookkeeping when it unloads). */
  storedStateVector(): Uint8Array;
  /**
   * Applies an update another relay published or sent in a catch-up, stores it
   * and forwards it to this relay's sockets (as `frame` if given). Returns false,
   * applying nothing, if it builds on structs this room lacks (then catch up).
   */
  applyFromCluster(update: Uint8Array, frame: Uint8Array | null): boolean;
  /** Applies another relay's awareness update (origin: that relay) and forwards it to this relay's sockets. */
  applyAwarenessFromCluster(update: Uint8Array, frame: Uint8Array | null, relayId: string): void;
  /** The awareness states of this relay's own sockets, encoded, or null if there are none. */
  localAwareness(): Uint8Array | null;
  /** Removes the awareness states that came from `relayId` (it died or restarted). */
  forgetRelay(relayId: string): void;
  /** Sends `saved` for `target`'s first `frames` update frames (enough relays hold them now). */
  ackSaved(target: AckTarget, frames: number): void;
}

/** How the cluster finds rooms: the loaded ones, and what storage holds for the others. */
export interface RoomDirectory {
  peek(name: string): ClusterRoom | undefined;
  /** Everything stored for a room that is not loaded, as one update; null if nothing is stored. */
  storedState(name: string): Uint8Array | null;
  /** Commits every update queued for storage now; false if storage failed. */
  flush(): boolean;
}

export interface ClusterStatus {
  relayId: string;
  /** `off` without REDIS_URL. */
  redis: 'off' | 'connected' | 'disconnected';
  /** Other relays heard from (heartbeats) recently. */
  peers: number;
  /** In a cluster: REPLICATION_ACKS, and documents still to compare with peers (directory catch-up). */
  replication?: { acks: number; catchUpBacklog: number };
}

export interface ClusterLink {
  /** Called once Rooms exists (the cluster answers other relays' catch-up requests from it). */
  start(directory: RoomDirectory): void;
  /** A room was loaded: returns its bus; the cluster subscribes to it and asks the others for what it lacks. */
  roomLoaded(room: ClusterRoom): RoomBus;
  /** A room was stored and unloaded: stop following it. */
  roomUnloaded(name: string): void;
  status(): ClusterStatus;
  close(): Promise<void>;
}

function noop(): void {}

/** The bus of a relay without a cluster: nothing to publish, and a commit here is all `saved` needs. */
export const NULL_ROOM_BUS: RoomBus = Object.freeze({ publishUpdate: noop, publishAwareness: noop, committed: (_target: AckTarget, frames: number) => frames });

/** A relay on its own (REDIS_URL unset). */
export function nullCluster(relayId: string): ClusterLink {
  return {
    start: noop,
    roomLoaded: () => NULL_ROOM_BUS,
    roomUnloaded: noop,
    status: () => ({ relayId, redis: 'off', peers: 0 }),
    close: async () => {},
  };
}

/** The origin of awareness changes applied from another relay (server/relay/presence.ts tracks which clients each relay owns). */
export class ClusterOrigin {
  constructor(readonly relayId: string) {}
}
