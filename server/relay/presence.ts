/**
 * A room's presence: the y-protocols Awareness of the people in it, on this
 * relay and (through the cluster) on others. What a socket publishes is
 * checked (state size, client ids per socket), stamped if it comes from a
 * viewer, applied once and forwarded to everyone, the sender included; a socket
 * that leaves, or a relay that dies, takes its clients' states with it.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { readAwarenessEntries, writeAwarenessEntries, type AwarenessEntry } from '../../src/protocol/awarenessEntries';
import { encodeAwareness } from '../../src/protocol/codec';
import { CloseCode, Role } from '../../src/protocol/constants';
import { ClusterOrigin, type RoomBus } from '../cluster/clusterLink';
import type { RelayLimits } from '../config';
import type { Logger } from '../log';
import { broadcast, type Connection } from './connection';
import { LimitExceeded, ProtocolError } from './protocolError';

/** Called once per room when its Awareness is created (rooms.ts records authors for history); one function for every room. */
export type PresenceCreated = (room: string, awareness: awarenessProtocol.Awareness) => void;

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

const clusterOrigins = new Map<string, ClusterOrigin>();
function clusterOrigin(relayId: string): ClusterOrigin {
  let origin = clusterOrigins.get(relayId);
  if (!origin) clusterOrigins.set(relayId, (origin = new ClusterOrigin(relayId)));
  return origin;
}

/** An awareness update listing no clients: what `everything()` is while nobody has published presence. */
const NO_STATES = encodeAwareness(Uint8Array.of(0));

/**
 * The Awareness is created when the room first needs one (a socket publishes
 * presence, another relay sends some, or someone reads `awareness`): most
 * loaded rooms, and every room of a reader-only relay, never do, and an
 * Awareness costs a timer, three Maps and its listeners per room.
 */
export class Presence {
  private created: awarenessProtocol.Awareness | null = null;
  /** Awareness client ids that came from each other relay, to drop them when it dies (null until one does). */
  private clusterClients: Map<string, Set<number>> | null = null;
  /** The Awareness's update listener, made with it. */
  private listener: ((change: AwarenessChange, origin: unknown) => void) | null = null;
  /** While receive() applies a socket's frame: the clients it changed (y-protocols' update event says). */
  private changedByFrame: Set<number> | null = null;

  constructor(
    private readonly doc: Y.Doc,
    private readonly room: string,
    private readonly connections: ReadonlySet<Connection>,
    /** The room: its bus publishes a frame to the other relays (the room's bus can change after this is made). */
    private readonly owner: { readonly bus: Pick<RoomBus, 'publishAwareness'> },
    private readonly limits: Pick<RelayLimits, 'maxAwarenessBytes' | 'maxAwarenessClientsPerSocket'>,
    private readonly log: Logger,
    /** Shared by every room, so a room holds no closure of its own for it. */
    private readonly onCreate: PresenceCreated | null = null,
  ) {}

  /** The room's Awareness, created on first use. */
  get awareness(): awarenessProtocol.Awareness {
    if (this.created) return this.created;
    const awareness = new awarenessProtocol.Awareness(this.doc);
    awareness.setLocalState(null);
    // A listener made here, not a class-field arrow: tsx names those with
    // Object.defineProperty, which gives each one a 256-byte property
    // dictionary, and a room that never hears presence would pay for it.
    this.listener = (change: AwarenessChange, origin: unknown) => this.onUpdate(change, origin);
    awareness.on('update', this.listener);
    this.created = awareness;
    this.onCreate?.(this.room, awareness);
    return awareness;
  }

  /** True once an Awareness exists (tests: a room nobody published presence in has none). */
  get hasAwareness(): boolean {
    return this.created !== null;
  }

  /** Every known state, as one frame (for a socket that asks, or joins: then null if there are none). */
  everything(): Uint8Array {
    if (!this.created) return NO_STATES;
    return encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.created, [...this.created.getStates().keys()]));
  }

  get isEmpty(): boolean {
    return !this.created || this.created.getStates().size === 0;
  }

  /** A socket's awareness frame, whose update is `update`. Throws LimitExceeded or ProtocolError. */
  receive(from: Connection, frame: Uint8Array, update: Uint8Array): void {
    let entries: AwarenessEntry[];
    try {
      entries = readAwarenessEntries(update);
    } catch (error) {
      throw new ProtocolError('bad_awareness', `awareness update does not decode: ${(error as Error).message}`);
    }
    let stamped = false;
    for (const entry of entries) {
      if (entry.stateBytes > this.limits.maxAwarenessBytes) {
        throw new LimitExceeded(
          'awareness_bytes',
          CloseCode.tooBig,
          `awareness state of ${entry.stateBytes} bytes (max ${this.limits.maxAwarenessBytes})`,
        );
      }
      if (!from.awarenessClients.has(entry.clientId) && from.awarenessClients.size >= this.limits.maxAwarenessClientsPerSocket) {
        throw new LimitExceeded(
          'awareness_clients',
          CloseCode.malformed,
          `more than ${this.limits.maxAwarenessClientsPerSocket} awareness clients on one socket`,
        );
      }
      // A viewer is shown as viewing whatever its client claims.
      if (from.role === Role.viewer && stampViewer(entry)) stamped = true;
    }
    if (stamped) {
      update = writeAwarenessEntries(entries);
      frame = encodeAwareness(update);
    }
    const changed = new Set<number>();
    this.changedByFrame = changed;
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, from);
    } catch (error) {
      throw new ProtocolError('bad_awareness', `awareness update does not apply: ${(error as Error).message}`);
    } finally {
      this.changedByFrame = null;
    }
    // Only what is new to the room goes on. Stock y-websocket clients send back
    // every state they receive (their awareness handler ignores the origin): with
    // N of them in a room, forwarding those echoes sent each caret move to
    // everyone N + 1 times (bench/classroom.ts, 30 writers: 5,940 frames into
    // the relay in 2 s, each forwarded to all 32 sockets; the tabs' browser died).
    if (changed.size === 0) return;
    if (changed.size < entries.length) frame = encodeAwareness(writeAwarenessEntries(entries.filter((entry) => changed.has(entry.clientId))));
    // Everyone gets it, the sender included: for a client alone in a room this
    // echo is the traffic that keeps y-websocket's 30 s silence timeout away.
    broadcast(this.connections, frame);
    this.owner.bus.publishAwareness(frame);
  }

  /** A socket left: its clients' states go (and the others, here and on other relays, are told). */
  leave(connection: Connection): void {
    if (connection.awarenessClients.size === 0) return;
    // Origin 'leave' (not a connection): onUpdate tells the others.
    awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessClients], 'leave');
  }

  /** Another relay's clients' presence: applied with that relay as origin and forwarded to every socket here. */
  applyFromCluster(update: Uint8Array, frame: Uint8Array | null, relayId: string): void {
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, clusterOrigin(relayId));
    } catch (error) {
      this.log.error({ room: this.room, peer: relayId, err: error }, 'awareness from another relay does not apply; dropped');
      return;
    }
    const forward = frame ?? encodeAwareness(update);
    broadcast(this.connections, forward);
  }

  /** The states of this relay's own sockets, encoded, or null if there are none. */
  local(): Uint8Array | null {
    const clients: number[] = [];
    for (const connection of this.connections) clients.push(...connection.awarenessClients);
    return clients.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients) : null;
  }

  /** Removes the states that came from `relayId` (it died or restarted). */
  forgetRelay(relayId: string): void {
    if (!this.created || !this.clusterClients) return; // nothing from any relay
    const clients = this.clusterClients.get(relayId);
    this.clusterClients.delete(relayId);
    const present = clients ? [...clients].filter((id) => this.awareness.getStates().has(id)) : [];
    // Origin 'timeout': told to the sockets here, not published (the other relays decide for themselves).
    if (present.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, present, 'timeout');
  }

  destroy(): void {
    if (!this.created) return;
    if (this.listener) this.created.off('update', this.listener);
    this.created.destroy();
  }

  private onUpdate({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    if (origin && typeof origin === 'object' && 'awarenessClients' in origin) {
      const owner = origin as Connection;
      for (const id of added) owner.addAwarenessClient(id);
      for (const id of updated) owner.addAwarenessClient(id);
      for (const id of removed) owner.removeAwarenessClient(id);
      for (const id of [...added, ...updated, ...removed]) this.changedByFrame?.add(id);
      return; // receive() forwards (and publishes) what changed
    }
    if (origin instanceof ClusterOrigin) {
      this.clusterClients ??= new Map();
      let owned = this.clusterClients.get(origin.relayId);
      if (!owned) this.clusterClients.set(origin.relayId, (owned = new Set()));
      for (const id of [...added, ...updated]) owned.add(id);
      for (const id of removed) owned.delete(id);
      return; // forwarded by applyFromCluster
    }
    // Removals the relay made itself (a socket left, a state timed out).
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    if (this.clusterClients) for (const owned of this.clusterClients.values()) for (const id of removed) owned.delete(id);
    // A socket that left: the other relays remove it too. Timeouts are not
    // published: each relay times out what it stopped hearing about.
    const publish = origin === 'leave';
    if (this.connections.size === 0 && !publish) return;
    const frame = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    broadcast(this.connections, frame);
    if (publish) this.owner.bus.publishAwareness(frame);
  }
}

/** Sets `user.role = "viewer"` in the entry's state if it has a user that says otherwise; true if changed. */
function stampViewer(entry: AwarenessEntry): boolean {
  let state: unknown;
  try {
    state = JSON.parse(entry.state);
  } catch {
    throw new ProtocolError('bad_awareness', 'awareness state is not JSON');
  }
  const user = (state as { user?: unknown } | null)?.user;
  if (!user || typeof user !== 'object' || (user as { role?: unknown }).role === Role.viewer) return false;
  (user as { role: string }).role = Role.viewer;
  entry.state = JSON.stringify(state);
  return true;
}
