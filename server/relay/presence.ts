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
import { ClusterOrigin } from '../cluster/clusterLink';
import type { RelayLimits } from '../config';
import type { Logger } from '../log';
import type { Connection } from './connection';
import { LimitExceeded, ProtocolError } from './protocolError';

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

const clusterOrigins = new Map<string, ClusterOrigin>();
function clusterOrigin(relayId: string): ClusterOrigin {
  let origin = clusterOrigins.get(relayId);
  if (!origin) clusterOrigins.set(relayId, (origin = new ClusterOrigin(relayId)));
  return origin;
}

export class Presence {
  readonly awareness: awarenessProtocol.Awareness;
  /** Awareness client ids that came from each other relay, to drop them when it dies. */
  private readonly clusterClients = new Map<string, Set<number>>();

  constructor(
    doc: Y.Doc,
    private readonly room: string,
    private readonly connections: ReadonlySet<Connection>,
    /** Publishes a frame to the other relays (the room's bus). */
    private readonly publish: (frame: Uint8Array) => void,
    private readonly limits: Pick<RelayLimits, 'maxAwarenessBytes' | 'maxAwarenessClientsPerSocket'>,
    private readonly log: Logger,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onUpdate);
  }

  /** Every known state, as one frame (for a socket that asks, or joins: then null if there are none). */
  everything(): Uint8Array {
    return encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]));
  }

  get isEmpty(): boolean {
    return this.awareness.getStates().size === 0;
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
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, from);
    } catch (error) {
      throw new ProtocolError('bad_awareness', `awareness update does not apply: ${(error as Error).message}`);
    }
    // Everyone gets it, the sender included: for a client alone in a room this
    // echo is the traffic that keeps y-websocket's 30 s silence timeout away.
    for (const connection of this.connections) connection.send(frame);
    this.publish(frame);
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
    for (const connection of this.connections) connection.send(forward);
  }

  /** The states of this relay's own sockets, encoded, or null if there are none. */
  local(): Uint8Array | null {
    const clients: number[] = [];
    for (const connection of this.connections) clients.push(...connection.awarenessClients);
    return clients.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients) : null;
  }

  /** Removes the states that came from `relayId` (it died or restarted). */
  forgetRelay(relayId: string): void {
    const clients = this.clusterClients.get(relayId);
    this.clusterClients.delete(relayId);
    const present = clients ? [...clients].filter((id) => this.awareness.getStates().has(id)) : [];
    // Origin 'timeout': told to the sockets here, not published (the other relays decide for themselves).
    if (present.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, present, 'timeout');
  }

  destroy(): void {
    this.awareness.off('update', this.onUpdate);
    this.awareness.destroy();
  }

  private readonly onUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
    if (origin && typeof origin === 'object' && 'awarenessClients' in origin) {
      const owner = origin as Connection;
      for (const id of [...added, ...updated]) owner.awarenessClients.add(id);
      for (const id of removed) owner.awarenessClients.delete(id);
      return; // the frame itself was already forwarded (and published)
    }
    if (origin instanceof ClusterOrigin) {
      let owned = this.clusterClients.get(origin.relayId);
      if (!owned) this.clusterClients.set(origin.relayId, (owned = new Set()));
      for (const id of [...added, ...updated]) owned.add(id);
      for (const id of removed) owned.delete(id);
      return; // forwarded by applyFromCluster
    }
    // Removals the relay made itself (a socket left, a state timed out).
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    for (const owned of this.clusterClients.values()) for (const id of removed) owned.delete(id);
    // A socket that left: the other relays remove it too. Timeouts are not
    // published: each relay times out what it stopped hearing about.
    const publish = origin === 'leave';
    if (this.connections.size === 0 && !publish) return;
    const frame = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    for (const connection of this.connections) connection.send(frame);
    if (publish) this.publish(frame);
  };
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
