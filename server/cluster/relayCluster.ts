/**
 * A relay's membership in a cluster: what it publishes, what it applies, and
 * the catch-up that heals what pub/sub loses. Transport-agnostic (Redis in
 * production, an in-memory hub in unit tests).
 *
 * Rules (docs/PROTOCOL.md, "Between relays"):
 * - X1 Only what a client sent to this relay is published; what came from
 *   another relay is applied, stored and forwarded to local sockets, never
 *   published again (no echo loops).
 * - X2 Every message carries the publisher's relay id; a relay ignores its own.
 * - X3 When a room is loaded, when the link comes back, and every
 *   CLUSTER_ANTI_ENTROPY_MS, the relay sends its state vector; relays that
 *   have more send exactly what is missing, and get back what they lack.
 * - X4 An update from another relay that builds on structs this room lacks is
 *   not applied; the relay catches up instead (the catch-up includes it).
 * - X5 Awareness of another relay's clients is dropped when that relay's
 *   heartbeats stop (3 intervals) or it restarts; otherwise y-protocols'
 *   30 s timeout applies, and clients' renewals cross relays like any change.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { awarenessOfFrame, encodeAwareness, updateOfFrame } from '../../src/protocol/codec';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { ClusterLink, ClusterRoom, ClusterStatus, RoomBus, RoomDirectory } from './clusterLink';
import {
  Channels,
  ClusterMessageError,
  decodeClusterMessage,
  encodeClusterMessage,
  type ClusterMessage,
  type SyncReasonName,
} from './messages';
import type { Transport } from './transport';

export interface RelayClusterOptions {
  relayId: string;
  /** Interval of the periodic catch-up of every loaded room. */
  antiEntropyIntervalMs: number;
  /** Interval of this relay's heartbeat; a peer silent for 3 of its intervals is dead. */
  heartbeatIntervalMs: number;
  /** Prefix of every channel name. */
  channelPrefix?: string;
}

const MISSED_HEARTBEATS_BEFORE_DEAD = 3;
/** At most one catch-up per room for missing dependencies in this time (the first one brings everything). */
const MISSING_DEPS_CATCH_UP_EVERY_MS = 1_000;
const EMPTY = new Uint8Array(0);

/** A canonical digest of a document's delete set (deletions do not move the state vector). */
export function deleteSetDigest(doc: Y.Doc): Uint8Array {
  const deleteSet = Y.createDeleteSetFromStructStore(doc.store);
  const encoder = encoding.createEncoder();
  for (const client of [...deleteSet.clients.keys()].sort((a, b) => a - b)) {
    const ranges = deleteSet.clients.get(client)!;
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length);
    for (const range of ranges) {
      encoding.writeVarUint(encoder, range.clock);
      encoding.writeVarUint(encoder, range.len);
    }
  }
  return createHash('sha1').update(encoding.toUint8Array(encoder)).digest();
}

/** True if `a` has a struct that `b` lacks. */
function hasMore(a: Map<number, number>, b: Map<number, number>): boolean {
  for (const [client, clock] of a) if (clock > (b.get(client) ?? 0)) return true;
  return false;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

interface Peer {
  seenAt: number;
  boot: string;
  intervalMs: number;
}

class Bus implements RoomBus {
  lastMissingDepsCatchUp = 0;

  constructor(
    readonly room: ClusterRoom,
    readonly channel: string,
    private readonly cluster: RelayCluster,
  ) {}

  publishUpdate(frame: Uint8Array): void {
    this.cluster.publish(this.channel, { kind: 'update', relay: this.cluster.relayId, room: this.room.name, frame });
  }

  publishAwareness(frame: Uint8Array): void {
    this.cluster.publish(this.channel, { kind: 'awareness', relay: this.cluster.relayId, room: this.room.name, frame });
  }
}

export class RelayCluster implements ClusterLink {
  readonly relayId: string;
  private readonly prefix: string;
  private readonly boot = randomUUID();
  private readonly buses = new Map<string, Bus>();
  private readonly peers = new Map<string, Peer>();
  private directory: RoomDirectory | null = null;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    private readonly transport: Transport,
    private readonly options: RelayClusterOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.relayId = options.relayId;
    this.prefix = options.channelPrefix ?? 'concord:';
  }

  start(directory: RoomDirectory): void {
    this.directory = directory;
    this.transport.onMessage((channel, message) => {
      try {
        this.receive(channel, message);
      } catch (error) {
        // A message that trips a bug is dropped (anti-entropy heals what it carried); the relay carries on.
        this.metrics.handlerErrors.inc();
        this.log.error({ channel, err: error }, 'error while handling a cluster message; dropped');
      }
    });
    this.transport.onUp(() => this.linkUp());
    this.transport.onDown(() => {
      this.metrics.redisConnected.set(0);
      this.log.warn({ relay: this.relayId }, 'cluster link down: relays keep serving their own clients; catch-up follows when it is back');
    });
    for (const channel of [Channels.sync(this.prefix), Channels.relay(this.prefix, this.relayId), Channels.relays(this.prefix)]) {
      void this.transport.subscribe(channel);
    }
    const every = (ms: number, fn: () => void) => {
      const timer = setInterval(fn, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.heartbeatIntervalMs, () => {
      this.heartbeat();
      this.expirePeers();
    });
    every(this.options.antiEntropyIntervalMs, () => {
      for (const name of this.buses.keys()) this.requestSync(name, 'periodic');
    });
  }

  roomLoaded(room: ClusterRoom): RoomBus {
    const bus = new Bus(room, Channels.room(this.prefix, room.name), this);
    this.buses.set(room.name, bus);
    // Subscribe first, then ask: nothing published between the two is missed.
    this.transport.subscribe(bus.channel).then(
      () => {
        if (this.buses.get(room.name) === bus) this.requestSync(room.name, 'load');
      },
      (error: unknown) => this.log.warn({ err: error, room: room.name }, 'cluster subscribe failed; the next catch-up covers it'),
    );
    return bus;
  }

  roomUnloaded(name: string): void {
    const bus = this.buses.get(name);
    if (!bus) return;
    this.buses.delete(name);
    this.transport.unsubscribe(bus.channel);
  }

  status(): ClusterStatus {
    return { relayId: this.relayId, redis: this.transport.isUp ? 'connected' : 'disconnected', peers: this.peers.size };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.buses.clear();
    this.metrics.redisConnected.set(0);
    await this.transport.close();
  }

  /** @internal Publishes one message; counted, and dropped (counted too) while the link is down. */
  publish(channel: string, message: ClusterMessage): void {
    if (this.closed) return;
    const bytes = encodeClusterMessage(message);
    if (!this.transport.publish(channel, bytes)) {
      this.metrics.redisPublishDropped.inc();
      return;
    }
    this.metrics.redisMessages.inc({ direction: 'out', kind: message.kind });
    this.metrics.redisBytes.inc({ direction: 'out' }, bytes.length);
  }

  /** X3: sends this room's state vector; relays with more answer on our own channel. */
  requestSync(name: string, reason: SyncReasonName): void {
    const bus = this.buses.get(name);
    if (!bus) return;
    const channel = reason === 'periodic' ? bus.channel : Channels.sync(this.prefix);
    this.metrics.clusterCatchUps.inc({ reason });
    this.publish(channel, {
      kind: 'syncRequest',
      relay: this.relayId,
      room: name,
      reason,
      stateVector: Y.encodeStateVector(bus.room.doc),
      deleteDigest: deleteSetDigest(bus.room.doc),
    });
  }

  private linkUp(): void {
    this.metrics.redisConnected.set(1);
    this.log.info({ relay: this.relayId, rooms: this.buses.size }, 'cluster link up: catching up every loaded room');
    this.heartbeat();
    for (const [name, bus] of this.buses) {
      this.requestSync(name, 'reconnect');
      // Peers may have dropped our clients' presence while we were away.
      const awareness = bus.room.localAwareness();
      if (awareness) this.publish(bus.channel, { kind: 'awareness', relay: this.relayId, room: name, frame: encodeAwareness(awareness) });
    }
  }

  private heartbeat(): void {
    this.publish(Channels.relays(this.prefix), {
      kind: 'heartbeat',
      relay: this.relayId,
      room: '',
      boot: this.boot,
      intervalMs: this.options.heartbeatIntervalMs,
    });
  }

  private expirePeers(now = Date.now()): void {
    for (const [relayId, peer] of this.peers) {
      if (now - peer.seenAt > MISSED_HEARTBEATS_BEFORE_DEAD * peer.intervalMs) this.forgetPeer(relayId, 'heartbeats stopped');
    }
  }

  private forgetPeer(relayId: string, why: string): void {
    this.peers.delete(relayId);
    this.metrics.clusterPeers.set(this.peers.size);
    this.log.info({ peer: relayId, why }, 'peer relay gone: its clients’ presence removed');
    for (const bus of this.buses.values()) bus.room.forgetRelay(relayId);
  }

  private receive(channel: string, bytes: Uint8Array): void {
    if (this.closed) return;
    this.metrics.redisBytes.inc({ direction: 'in' }, bytes.length);
    let message: ClusterMessage | null;
    try {
      message = decodeClusterMessage(bytes, this.relayId);
    } catch (error) {
      if (!(error instanceof ClusterMessageError)) throw error;
      this.metrics.redisMessages.inc({ direction: 'in', kind: 'invalid' });
      this.log.error({ channel, err: error }, 'cluster message dropped: does not decode');
      return;
    }
    if (!message) {
      this.metrics.redisMessages.inc({ direction: 'in', kind: 'own' }); // X2
      return;
    }
    this.metrics.redisMessages.inc({ direction: 'in', kind: message.kind });
    switch (message.kind) {
      case 'update': {
        const bus = this.buses.get(message.room);
        if (!bus) return; // unloaded meanwhile: it catches up when loaded again
        const update = updateOfFrame(message.frame);
        if (!update) return this.log.error({ peer: message.relay, room: message.room }, 'cluster update frame does not decode');
        if (!bus.room.applyFromCluster(update, message.frame)) this.missingDependencies(bus, message.relay);
        return;
      }
      case 'awareness': {
        const bus = this.buses.get(message.room);
        const update = bus && awarenessOfFrame(message.frame);
        if (bus && update) bus.room.applyAwarenessFromCluster(update, message.frame, message.relay);
        return;
      }
      case 'syncRequest':
        return this.answer(message);
      case 'syncReply':
        return this.applyReply(message);
      case 'heartbeat':
        return this.heard(message);
      default:
        message satisfies never;
    }
  }

  /** X4 */
  private missingDependencies(bus: Bus, peer: string): void {
    this.metrics.clusterUpdatesDeferred.inc();
    const now = Date.now();
    if (now - bus.lastMissingDepsCatchUp < MISSING_DEPS_CATCH_UP_EVERY_MS) return;
    bus.lastMissingDepsCatchUp = now;
    this.log.info({ room: bus.room.name, peer }, 'update from another relay builds on something missing here: catching up');
    this.requestSync(bus.room.name, 'missingDeps');
  }

  /** Sync step 2: answers a peer's state vector with what it lacks (and our own state vector, to get what we lack). */
  private answer(request: Extract<ClusterMessage, { kind: 'syncRequest' }>): void {
    const replyTo = Channels.relay(this.prefix, request.relay);
    let theirs: Map<number, number>;
    try {
      theirs = Y.decodeStateVector(request.stateVector);
    } catch {
      return this.log.error({ peer: request.relay, room: request.room }, 'cluster sync request with an unreadable state vector');
    }
    const room = this.buses.get(request.room)?.room;
    if (!room) {
      if (request.reason === 'periodic') return;
      // Not loaded here: answer from storage, one way (we are not following the room).
      const stored = this.directory?.storedState(request.room);
      if (!stored || !hasMore(Y.decodeStateVector(Y.encodeStateVectorFromUpdate(stored)), theirs)) return;
      return this.reply(replyTo, request.room, Y.diffUpdate(stored, request.stateVector), EMPTY, EMPTY, EMPTY);
    }
    const mine = Y.decodeStateVector(Y.encodeStateVector(room.doc));
    const digest = deleteSetDigest(room.doc);
    const deletesDiffer = !sameBytes(digest, request.deleteDigest);
    const theyLack = hasMore(mine, theirs) || deletesDiffer;
    const weLack = hasMore(theirs, mine) || deletesDiffer;
    const awareness = request.reason === 'periodic' ? null : room.localAwareness();
    if (!theyLack && !weLack && !awareness) return;
    this.reply(
      replyTo,
      request.room,
      theyLack ? Y.encodeStateAsUpdate(room.doc, request.stateVector) : EMPTY,
      weLack ? Y.encodeStateVector(room.doc) : EMPTY,
      weLack ? digest : EMPTY,
      awareness ?? EMPTY,
    );
  }

  private reply(channel: string, room: string, update: Uint8Array, stateVector: Uint8Array, deleteDigest: Uint8Array, awareness: Uint8Array) {
    this.metrics.clusterCatchUpReplies.inc({ direction: 'sent' });
    this.publish(channel, { kind: 'syncReply', relay: this.relayId, room, update, stateVector, deleteDigest, awareness });
  }

  private applyReply(reply: Extract<ClusterMessage, { kind: 'syncReply' }>): void {
    const room = this.buses.get(reply.room)?.room;
    if (!room) return;
    this.metrics.clusterCatchUpReplies.inc({ direction: 'received' });
    if (reply.update.length > 0 && !room.applyFromCluster(reply.update, null)) {
      // A catch-up holds everything past our state vector, so this should not happen: say so.
      this.log.error({ room: reply.room, peer: reply.relay }, 'catch-up from another relay left dependencies missing');
    }
    if (reply.awareness.length > 0) room.applyAwarenessFromCluster(reply.awareness, null, reply.relay);
    if (reply.stateVector.length === 0) return;
    // The responder lacks something we have: send it, one way (an empty state vector ends the exchange).
    const theirs = Y.decodeStateVector(reply.stateVector);
    const mine = Y.decodeStateVector(Y.encodeStateVector(room.doc));
    if (!hasMore(mine, theirs) && sameBytes(deleteSetDigest(room.doc), reply.deleteDigest)) return;
    this.reply(Channels.relay(this.prefix, reply.relay), reply.room, Y.encodeStateAsUpdate(room.doc, reply.stateVector), EMPTY, EMPTY, EMPTY);
  }

  private heard(heartbeat: Extract<ClusterMessage, { kind: 'heartbeat' }>): void {
    if (heartbeat.relay === this.relayId) {
      if (heartbeat.boot !== this.boot) {
        this.log.error({ relay: this.relayId }, 'another relay publishes with this RELAY_ID: each relay needs its own (they ignore each other)');
      }
      return;
    }
    const known = this.peers.get(heartbeat.relay);
    if (known && known.boot !== heartbeat.boot) this.forgetPeer(heartbeat.relay, 'restarted'); // X5
    if (!known || known.boot !== heartbeat.boot) this.log.info({ peer: heartbeat.relay }, 'peer relay joined');
    this.peers.set(heartbeat.relay, { seenAt: Date.now(), boot: heartbeat.boot, intervalMs: heartbeat.intervalMs });
    this.metrics.clusterPeers.set(this.peers.size);
  }
}
