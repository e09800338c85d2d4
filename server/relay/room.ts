/**
 * A room: one document, its Y.Doc and Awareness, and the sockets editing it.
 *
 * The path of an edit: a sync frame arrives → decoded and applied to the room's
 * Y.Doc once → queued for storage → the same bytes go to every other socket →
 * after the storage commit, each socket that sent updates gets a `saved` ack.
 *
 * Before Yjs sees an update, updateScan.ts walks it within a budget. An update
 * that builds on structs the room does not have yet is not handed to Yjs
 * (where it would sit "pending" and cost work on every later update): it waits
 * on its socket until they arrive, bounded in count and time. Honest clients
 * do send such updates: y-websocket sends a local edit as soon as the socket
 * opens, which can be before its sync step 2 carrying the offline edits that
 * edit builds on. A viewer's updates are dropped, never applied.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeSaved } from '../../src/protocol/codec';
import { CloseCode, MessageType, Role, SyncStep } from '../../src/protocol/constants';
import { isSeeded, seedUpdate } from '../../src/protocol/seed';
import { ClusterOrigin, NULL_ROOM_BUS, type ClusterRoom, type RoomBus } from '../cluster/clusterLink';
import type { RelayLimits } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { StoredRoom } from '../storage/storage';
import type { Connection, HeldUpdate } from './connection';
import { LimitExceeded, ProtocolError, closeOffender } from './protocolError';
import { missingDependencies, scanUpdate, type ClockLookup } from './updateScan';

export type RoomLimits = Pick<
  RelayLimits,
  'maxAwarenessBytes' | 'maxAwarenessClientsPerSocket' | 'maxUpdateStructs' | 'maxPendingUpdates' | 'pendingUpdateTimeoutMs'
>;

/** Where a room sends its updates to be stored; calls `room.afterCommit()` once they are durable. */
export interface UpdateSink {
  enqueue(room: Room, update: Uint8Array | null): void;
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

/** An encoded Yjs update that carries nothing (no structs, no deletions). */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}

/** The origin of updates applied from other relays (a Y.Doc transaction origin). */
export const CLUSTER_UPDATE = Symbol('cluster');

const clusterOrigins = new Map<string, ClusterOrigin>();
function clusterOrigin(relayId: string): ClusterOrigin {
  let origin = clusterOrigins.get(relayId);
  if (!origin) clusterOrigins.set(relayId, (origin = new ClusterOrigin(relayId)));
  return origin;
}

function syncFrame(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

function awarenessFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

export class Room implements ClusterRoom {
  readonly doc = new Y.Doc({ gc: true });
  /** Where this room's clients' changes go to the other relays (server/cluster/); a no-op without Redis. Set by Rooms. */
  bus: RoomBus = NULL_ROOM_BUS;
  /** Awareness client ids that came from each other relay, to drop them when it dies. */
  private readonly clusterClients = new Map<string, Set<number>>();
  readonly awareness: awarenessProtocol.Awareness;
  readonly connections = new Set<Connection>();
  /** Entries in the stored log since the last snapshot. */
  logLength: number;
  /** When the last socket left (for idle unloading); null while anyone is here. */
  idleSince: number | null = Date.now();

  constructor(
    readonly name: string,
    stored: StoredRoom,
    private readonly sink: UpdateSink,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly limits: RoomLimits,
  ) {
    if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(this.doc, update);
    this.logLength = stored.updates.length;
    if (!isSeeded(this.doc)) {
      // New documents are seeded here, never by a client (DESIGN.md §4).
      const seed = seedUpdate();
      Y.applyUpdate(this.doc, seed);
      this.sink.enqueue(this, seed);
    }
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  join(connection: Connection): void {
    this.connections.add(connection);
    this.idleSince = null;
    // Our half of the handshake: the client answers step 1 with what we lack.
    connection.send(syncFrame(SyncStep.step1, Y.encodeStateVector(this.doc)));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      connection.send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])));
    }
  }

  leave(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    // Held updates were never stored or acked: the client resends them in its next sync step 2.
    connection.held.length = 0;
    if (connection.heldTimer) clearTimeout(connection.heldTimer);
    if (connection.awarenessClients.size > 0) {
      // Origin 'leave' (not a connection): onAwarenessUpdate tells the others.
      awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessClients], 'leave');
    }
    if (this.connections.size === 0) this.idleSince = Date.now();
  }

  /** Handles one binary frame from `from`. Throws ProtocolError if it does not decode. */
  receive(from: Connection, frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame);
    const type = readVarUint(decoder, 'unknown_type');
    switch (type) {
      case MessageType.sync:
        return this.receiveSync(from, frame, decoder);
      case MessageType.awareness:
        return this.receiveAwareness(from, frame, decoder);
      case MessageType.queryAwareness: {
        const clients = [...this.awareness.getStates().keys()];
        from.send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients)));
        return;
      }
      default:
        throw new ProtocolError('unknown_type', `unknown message type ${type}`);
    }
  }

  private receiveSync(from: Connection, frame: Uint8Array, decoder: decoding.Decoder): void {
    const step = readVarUint(decoder, 'bad_sync');
    switch (step) {
      case SyncStep.step1: {
        const stateVector = readBytes(decoder, 'bad_sync');
        let diff: Uint8Array;
        try {
          diff = Y.encodeStateAsUpdate(this.doc, stateVector);
        } catch (error) {
          throw new ProtocolError('bad_sync', `unreadable state vector: ${(error as Error).message}`);
        }
        from.send(syncFrame(SyncStep.step2, diff));
        return;
      }
      case SyncStep.step2:
      case SyncStep.update: {
        const update = readBytes(decoder, 'bad_update');
        from.updateFramesReceived++;
        if (isEmptyUpdate(update)) {
          this.sink.enqueue(this, null); // nothing to store, but the sender still gets its ack
          return;
        }
        if (from.role === Role.viewer) {
          // Never applied, stored or forwarded; never acked either (acks are a prefix).
          this.metrics.viewerUpdatesDropped.inc();
          from.unstoredFrom ??= from.updateFramesReceived;
          if (from.unstoredFrom === from.updateFramesReceived) {
            this.log.info({ room: this.name, conn: from.id }, 'update from a viewer dropped');
          }
          return;
        }
        const scan = scanUpdate(update, this.limits.maxUpdateStructs);
        const held: HeldUpdate = { frame, update, scan };
        if (missingDependencies(scan, this.clocks)) {
          this.hold(from, held);
          return;
        }
        this.apply(from, held);
        if (this.hasHeldUpdates()) this.releaseHeld();
        return;
      }
      default:
        throw new ProtocolError('bad_sync', `unknown sync step ${step}`);
    }
  }

  /** The document's clocks, read from its store per client (no state-vector encoding on the per-update path). */
  private readonly clocks: ClockLookup = { get: (client) => Y.getState(this.doc.store, client) };


  /** Applies an update once, queues it for storage and forwards the same bytes to the others. */
  private apply(from: Connection, { frame, update }: HeldUpdate): void {
    try {
      Y.applyUpdate(this.doc, update, from);
    } catch (error) {
      throw new ProtocolError('bad_update', `update does not apply: ${(error as Error).message}`);
    }
    if (this.doc.store.pendingStructs || this.doc.store.pendingDs) {
      // The scan should have held this update: say so loudly, it is a gap in updateScan.ts.
      this.log.error({ room: this.name, conn: from.id }, 'update left pending structs despite the dependency check');
    }
    this.sink.enqueue(this, update);
    // Forward the same bytes. A step 2 goes out as an update: a peer must not
    // mistake someone else's step 2 for the end of its own handshake.
    const forward = frame[1] === SyncStep.update ? frame : relabelAsUpdate(frame);
    for (const connection of this.connections) {
      if (connection !== from) connection.send(forward);
    }
    this.bus.publishUpdate(forward);
  }

  /**
   * An update from another relay (live or a catch-up): applied, stored and
   * forwarded to every socket here, never published again (no echo between
   * relays). Returns false, applying nothing, if it builds on structs this room
   * does not have: the cluster then catches up, which brings it too.
   */
  applyFromCluster(update: Uint8Array, frame: Uint8Array | null): boolean {
    if (isEmptyUpdate(update)) return true;
    let scan;
    try {
      scan = scanUpdate(update, Number.POSITIVE_INFINITY); // other relays are trusted: no decode budget
    } catch (error) {
      this.log.error({ room: this.name, err: error }, 'update from another relay does not decode; dropped');
      return true;
    }
    if (missingDependencies(scan, this.clocks)) return false;
    Y.applyUpdate(this.doc, update, CLUSTER_UPDATE);
    this.metrics.clusterUpdatesApplied.inc();
    this.sink.enqueue(this, update);
    const forward = frame && frame[1] === SyncStep.update ? frame : syncFrame(SyncStep.update, update);
    for (const connection of this.connections) connection.send(forward);
    if (this.hasHeldUpdates()) this.releaseHeld();
    return true;
  }

  /** Another relay's clients' presence: applied with that relay as origin and forwarded to every socket here. */
  applyAwarenessFromCluster(update: Uint8Array, frame: Uint8Array | null, relayId: string): void {
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, clusterOrigin(relayId));
    } catch (error) {
      this.log.error({ room: this.name, peer: relayId, err: error }, 'awareness from another relay does not apply; dropped');
      return;
    }
    const forward = frame ?? awarenessFrame(update);
    for (const connection of this.connections) connection.send(forward);
  }

  localAwareness(): Uint8Array | null {
    const clients: number[] = [];
    for (const connection of this.connections) clients.push(...connection.awarenessClients);
    return clients.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients) : null;
  }

  forgetRelay(relayId: string): void {
    const clients = this.clusterClients.get(relayId);
    this.clusterClients.delete(relayId);
    const present = clients ? [...clients].filter((id) => this.awareness.getStates().has(id)) : [];
    // Origin 'timeout': told to the sockets here, not published (the other relays decide for themselves).
    if (present.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, present, 'timeout');
  }

  private hold(from: Connection, held: HeldUpdate): void {
    if (from.held.length >= this.limits.maxPendingUpdates) {
      throw new ProtocolError(
        'missing_deps',
        `more than ${this.limits.maxPendingUpdates} updates wait for structs the relay does not have`,
      );
    }
    from.held.push(held);
    from.unstoredFrom ??= from.updateFramesReceived;
    this.metrics.updatesHeld.inc();
    from.heldTimer ??= setTimeout(() => {
      from.heldTimer = null;
      if (from.held.length === 0) return;
      closeOffender(
        from,
        new ProtocolError('missing_deps', `updates waited ${this.limits.pendingUpdateTimeoutMs} ms for structs that never came`),
        this.metrics,
        this.log,
      );
    }, this.limits.pendingUpdateTimeoutMs);
    from.heldTimer.unref();
  }

  private hasHeldUpdates(): boolean {
    for (const connection of this.connections) if (connection.held.length > 0) return true;
    return false;
  }

  /** Applies every held update whose dependencies have arrived, until none can go. */
  private releaseHeld(): void {
    let progress = true;
    while (progress) {
      progress = false;
      for (const connection of this.connections) {
        for (let i = 0; i < connection.held.length; i++) {
          const held = connection.held[i];
          if (missingDependencies(held.scan, this.clocks)) continue;
          connection.held.splice(i--, 1);
          try {
            this.apply(connection, held);
            progress = true;
          } catch (error) {
            if (!(error instanceof ProtocolError)) throw error;
            connection.held.length = 0;
            closeOffender(connection, error, this.metrics, this.log);
            break;
          }
        }
        if (connection.held.length === 0 && connection.unstoredFrom !== null && connection.role === Role.editor) {
          connection.unstoredFrom = null; // everything it sent is now queued for storage, in the next commit
          if (connection.heldTimer) clearTimeout(connection.heldTimer);
          connection.heldTimer = null;
        }
      }
    }
  }

  private receiveAwareness(from: Connection, frame: Uint8Array, decoder: decoding.Decoder): void {
    let update = readBytes(decoder, 'bad_awareness');
    const entries = readAwarenessEntries(update);
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
      frame = awarenessFrame(update);
    }
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, from);
    } catch (error) {
      throw new ProtocolError('bad_awareness', `awareness update does not apply: ${(error as Error).message}`);
    }
    // Everyone gets it, the sender included: for a client alone in a room this
    // echo is the traffic that keeps y-websocket's 30 s silence timeout away.
    for (const connection of this.connections) connection.send(frame);
    this.bus.publishAwareness(frame);
  }

  private readonly onAwarenessUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
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
      return; // forwarded by applyAwarenessFromCluster
    }
    // Removals the relay made itself (a socket left, a state timed out).
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    for (const owned of this.clusterClients.values()) for (const id of removed) owned.delete(id);
    // A socket that left: the other relays remove it too. Timeouts are not
    // published: each relay times out what it stopped hearing about.
    const publish = origin === 'leave';
    if (this.connections.size === 0 && !publish) return;
    const frame = awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    for (const connection of this.connections) connection.send(frame);
    if (publish) this.bus.publishAwareness(frame);
  };

  /** Called by storage once every update queued so far is committed: ack the senders. */
  afterCommit(appended: number): void {
    this.logLength += appended;
    let stateVector: Uint8Array | null = null;
    for (const connection of this.connections) {
      const ackable = connection.ackableFrames;
      if (!connection.wantsAcks || connection.updateFramesAcked >= ackable) continue;
      stateVector ??= Y.encodeStateVector(this.doc);
      connection.updateFramesAcked = ackable;
      connection.send(encodeSaved(connection.updateFramesAcked, stateVector));
    }
  }

  /** The whole document as one update, for compaction. */
  encodeState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  destroy(): void {
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
    this.log.debug({ room: this.name }, 'room unloaded');
  }
}

function readVarUint(decoder: decoding.Decoder, kind: ProtocolError['kind']): number {
  try {
    return decoding.readVarUint(decoder);
  } catch {
    throw new ProtocolError(kind, 'truncated varint');
  }
}

function readBytes(decoder: decoding.Decoder, kind: ProtocolError['kind']): Uint8Array {
  try {
    const bytes = decoding.readVarUint8Array(decoder);
    // lib0 does not bound a length prefix by the frame; the frame is its own buffer, so check here.
    if (bytes.length === 0 || decoder.pos > decoder.arr.length) throw new Error('out of bounds');
    return bytes;
  } catch {
    throw new ProtocolError(kind, 'truncated or missing payload');
  }
}

/** A copy of a sync step 2 frame with its step byte set to `update` (both are single-byte varuints). */
function relabelAsUpdate(frame: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(frame);
  copy[1] = SyncStep.update;
  return copy;
}

interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: string;
  /** UTF-8 bytes of the state's JSON. */
  stateBytes: number;
}

/** Reads an awareness update (y-protocols: count, then client id, clock, JSON state each). */
function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  try {
    const count = decoding.readVarUint(decoder);
    if (count * 3 > update.length) throw new Error(`count ${count} does not fit`);
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const start = decoder.pos;
      const state = decoding.readVarString(decoder);
      entries.push({ clientId, clock, state, stateBytes: decoder.pos - start });
    }
    return entries;
  } catch (error) {
    throw new ProtocolError('bad_awareness', `awareness update does not decode: ${(error as Error).message}`);
  }
}

function writeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, state);
  }
  return encoding.toUint8Array(encoder);
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
