/**
 * A relay's membership in a cluster: what it publishes, what it applies and
 * stores, and the catch-up that heals what pub/sub loses. Transport-agnostic
 * (Redis in production, an in-memory hub in unit tests).
 *
 * Every relay keeps every document (eager replication): client updates are
 * published on one channel every relay follows; a relay with the room loaded
 * applies and forwards them, the others append them to the document's stored
 * log without loading it (unloadedRooms.ts). Each relay reports what it has
 * durably stored back to the origin (replication.ts), which is how `saved` can
 * wait for REPLICATION_ACKS relays and how /metrics knows each peer's lag.
 * What a relay missed (it was down, joined late, or Redis was away) it finds
 * through the peers' documents directories (documentsDirectory.ts,
 * directoryCatchUp.ts): every document, at a bounded rate.
 *
 * Rules (docs/PROTOCOL.md, "Between relays"):
 * - X1 Only what a client sent to this relay is published; what came from
 *   another relay is applied, stored and forwarded to local sockets, never
 *   published again (no echo loops).
 * - X2 Every message carries the publisher's relay id; a relay ignores its own.
 * - X3 When a room is loaded, when the link comes back, and every
 *   CLUSTER_ANTI_ENTROPY_MS, the relay sends its state vector; relays that
 *   have more send exactly what is missing, and get back what they lack.
 * - X4 An update from another relay that builds on structs a room lacks (loaded
 *   or not) is not applied or stored; the relay catches up instead.
 * - X5 Awareness of another relay's clients is dropped when that relay's
 *   heartbeats stop (3 intervals) or it restarts; otherwise y-protocols'
 *   30 s timeout applies, and clients' renewals cross relays like any change.
 * - X6 Every relay stores every document: an update accepted by one relay is
 *   in every other relay's store without anyone opening the document there.
 * - X7 A relay that was down or joined late gets every document edited
 *   meanwhile from the peers' directories, at most CLUSTER_CATCHUP_DOCS_PER_S.
 * - X8 With REPLICATION_ACKS = n, `saved` covers a frame only once n relays
 *   have committed it; past REPLICATION_ACK_TIMEOUT_MS the tab is told on
 *   which relays it is (`stored`), never that it is saved.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { awarenessOfFrame, encodeAwareness, updateOfFrame } from '../../src/protocol/codec';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Storage } from '../storage/storage';
import type { AckTarget, ClusterLink, ClusterRoom, ClusterStatus, PublishedEdit, RoomBus, RoomDirectory } from './clusterLink';
import { deleteSetDigest } from './deleteSetDigest';
import { DirectoryCatchUp } from './directoryCatchUp';
import { DocumentsDirectory } from './documentsDirectory';
import {
  alwaysAnswered,
  Channels,
  ClusterMessageError,
  decodeClusterMessage,
  encodeClusterMessage,
  type ClusterMessage,
  type SyncReasonName,
} from './messages';
import { Replication } from './replication';
import type { Transport } from './transport';
import { UnloadedRooms } from './unloadedRooms';

export { deleteSetDigest } from './deleteSetDigest';

export interface RelayClusterOptions {
  relayId: string;
  /** Interval of the periodic catch-up of every loaded room, and of the directory pull from every peer. */
  antiEntropyIntervalMs: number;
  /** Interval of this relay's heartbeat; a peer silent for 3 of its intervals is dead. */
  heartbeatIntervalMs: number;
  /** Prefix of every channel name. */
  channelPrefix?: string;
  /** REPLICATION_ACKS (default 1). */
  replicationAcks?: number;
  /** REPLICATION_ACK_TIMEOUT_MS (default 2000). */
  replicationAckTimeoutMs?: number;
  /** CLUSTER_CATCHUP_DOCS_PER_S (default 100). */
  catchUpDocsPerS?: number;
  /** COMPACT_AFTER_UPDATES, for documents stored without being loaded. */
  compactAfterUpdates?: number;
}

/** Where this relay keeps documents: its storage, and its database file (for the documents directory). */
export interface ClusterStores {
  storage: Storage;
  databaseFile: string;
}

const MISSED_HEARTBEATS_BEFORE_DEAD = 3;
/** At most one catch-up per room for missing dependencies or a skipped seq in this time (the first one brings everything). */
const MISSING_DEPS_CATCH_UP_EVERY_MS = 1_000;
const EMPTY = new Uint8Array(0);

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
  store: string;
  /** Its REPLICATION_ACKS. */
  acks: number;
}

/** What this relay has of a room, loaded or only stored. */
interface LocalState {
  stateVector: Uint8Array;
  deleteDigest: Uint8Array;
  /** What `theirs` lacks, as one update. */
  diff(theirs: Uint8Array): Uint8Array;
}

class Bus implements RoomBus {
  constructor(
    readonly room: ClusterRoom,
    readonly channel: string,
    private readonly cluster: RelayCluster,
  ) {}

  publishUpdate(frame: Uint8Array, edit?: PublishedEdit): void {
    this.cluster.publishUpdate(this.room.name, frame, edit);
  }

  publishAwareness(frame: Uint8Array): void {
    this.cluster.publish(this.channel, { kind: 'awareness', relay: this.cluster.relayId, room: this.room.name, frame });
  }

  committed(target: AckTarget, frames: number): number {
    return this.cluster.replication.committed(this.room, target, frames);
  }
}

export class RelayCluster implements ClusterLink {
  readonly relayId: string;
  readonly replication: Replication;
  private readonly prefix: string;
  private readonly boot = randomUUID();
  private readonly buses = new Map<string, Bus>();
  private readonly peers = new Map<string, Peer>();
  private readonly lastMissingDepsCatchUp = new Map<string, number>();
  private directory: RoomDirectory | null = null;
  private readonly unloaded: UnloadedRooms;
  private readonly documents: DocumentsDirectory;
  private readonly catchUp: DirectoryCatchUp;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    private readonly transport: Transport,
    private readonly options: RelayClusterOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    stores: ClusterStores,
  ) {
    this.relayId = options.relayId;
    this.prefix = options.channelPrefix ?? 'concord:';
    this.documents = new DocumentsDirectory(stores.databaseFile);
    this.unloaded = new UnloadedRooms(
      stores.storage,
      { compactAfterUpdates: options.compactAfterUpdates ?? 500, isLoaded: (room) => this.buses.has(room) },
      metrics,
      log,
    );
    this.replication = new Replication(
      { relayId: this.relayId, acks: options.replicationAcks ?? 1, ackTimeoutMs: options.replicationAckTimeoutMs ?? 2_000 },
      metrics,
      {
        flushStorage: () => this.flushStorage(),
        publishReplicated: (origin, epoch, rooms) =>
          this.publish(Channels.relay(this.prefix, origin), { kind: 'replicated', relay: this.relayId, room: '', epoch, rooms }),
        livePeers: () => this.peers.size,
        // A relay not heard yet may be waiting: report at once.
        waitsForReports: (origin) => (this.peers.get(origin)?.acks ?? 2) > 1,
        requestCopies: (room) => this.requestSync(room, 'replication', Channels.sync(this.prefix)),
      },
    );
    this.catchUp = new DirectoryCatchUp(
      this.documents,
      options.catchUpDocsPerS ?? 100,
      {
        requestPage: (peer, since, limit) =>
          this.publish(Channels.relay(this.prefix, peer), { kind: 'directoryRequest', relay: this.relayId, room: '', since, limit }),
        compare: (peer, room) => this.requestSync(room, 'directory', Channels.relay(this.prefix, peer)),
        flushStorage: () => this.flushStorage(),
      },
      metrics,
      log,
    );
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
    for (const channel of [Channels.updates(this.prefix), Channels.sync(this.prefix), Channels.relay(this.prefix, this.relayId), Channels.relays(this.prefix)]) {
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
      for (const [relay, peer] of this.peers) this.catchUp.pull(relay, peer.store);
    });
  }

  roomLoaded(room: ClusterRoom): RoomBus {
    const bus = new Bus(room, Channels.room(this.prefix, room.name), this);
    this.buses.set(room.name, bus);
    // Other relays' updates queued for the store but not yet committed: the load did not see them.
    for (const update of this.unloaded.queuedFor(room.name)) room.applyFromCluster(update, null);
    this.unloaded.loaded(room.name);
    this.replication.roomLoaded(room.name);
    // Updates arrive on the shared channel (subscribed at start): ask at once. The room
    // channel carries presence and the periodic anti-entropy.
    this.requestSync(room.name, 'load');
    this.transport.subscribe(bus.channel).catch((error: unknown) =>
      this.log.warn({ err: error, room: room.name }, 'cluster subscribe failed; the next catch-up covers it'),
    );
    return bus;
  }

  roomUnloaded(name: string): void {
    const bus = this.buses.get(name);
    if (!bus) return;
    this.buses.delete(name);
    this.unloaded.unloaded(name, bus.room.storedStateVector());
    this.transport.unsubscribe(bus.channel);
  }

  status(): ClusterStatus {
    return {
      relayId: this.relayId,
      redis: this.transport.isUp ? 'connected' : 'disconnected',
      peers: this.peers.size,
      replication: { acks: this.replication.requiredCopies, catchUpBacklog: this.catchUp.backlog },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.catchUp.close();
    this.replication.close();
    this.unloaded.close();
    this.documents.close();
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

  /** @internal A client's update applied here: numbered, and published to every relay. */
  publishUpdate(room: string, frame: Uint8Array, edit?: PublishedEdit): void {
    const seq = this.replication.nextSeq(room);
    this.publish(Channels.updates(this.prefix), {
      kind: 'update',
      relay: this.relayId,
      room,
      frame,
      epoch: this.replication.epoch,
      seq,
      at: Date.now(),
      author: edit?.author ?? null,
      quiet: edit?.quiet ?? false,
    });
  }

  /** Commits what rooms and unloaded documents have queued. */
  private flushStorage(): boolean {
    const unloaded = this.unloaded.flush();
    return (this.directory?.flush() ?? true) && unloaded;
  }

  /** What this relay has of `room`: the loaded room, or its store (null if neither has anything). */
  private local(room: string): LocalState | null {
    const bus = this.buses.get(room);
    if (bus) {
      const doc = bus.room.doc;
      return { stateVector: Y.encodeStateVector(doc), deleteDigest: deleteSetDigest(doc), diff: (theirs) => Y.encodeStateAsUpdate(doc, theirs) };
    }
    const digest = this.unloaded.digest(room);
    if (!digest) return null;
    return { ...digest, diff: (theirs) => Y.diffUpdate(this.unloaded.storedState(room)!, theirs) };
  }

  /**
   * X3: sends this room's state vector (and delete-set digest) to `channel`:
   * the room's own for the periodic one, every relay (`sync`) for the rest, or
   * one peer. Relays with more answer on our own channel.
   */
  requestSync(name: string, reason: SyncReasonName, channel?: string): void {
    const bus = this.buses.get(name);
    if (!bus && reason !== 'directory' && reason !== 'missingDeps' && reason !== 'replication') return;
    const local = this.local(name);
    this.metrics.clusterCatchUps.inc({ reason });
    this.publish(channel ?? (reason === 'periodic' && bus ? bus.channel : Channels.sync(this.prefix)), {
      kind: 'syncRequest',
      relay: this.relayId,
      room: name,
      reason,
      stateVector: local?.stateVector ?? Y.encodeStateVector(new Y.Doc()),
      deleteDigest: local?.deleteDigest ?? EMPTY,
      epoch: this.replication.epoch,
      seq: this.replication.seqOf(name),
    });
  }

  private linkUp(): void {
    this.metrics.redisConnected.set(1);
    this.log.info({ relay: this.relayId, rooms: this.buses.size }, 'cluster link up: catching up every loaded room, then every document');
    this.heartbeat();
    for (const [name, bus] of this.buses) {
      this.requestSync(name, 'reconnect');
      // Peers may have dropped our clients' presence while we were away.
      const awareness = bus.room.localAwareness();
      if (awareness) this.publish(bus.channel, { kind: 'awareness', relay: this.relayId, room: name, frame: encodeAwareness(awareness) });
    }
    // Whatever was published while the link was down is lost: compare every document changed meanwhile.
    for (const [relay, peer] of this.peers) this.catchUp.pull(relay, peer.store);
  }

  private heartbeat(): void {
    this.publish(Channels.relays(this.prefix), {
      kind: 'heartbeat',
      relay: this.relayId,
      room: '',
      boot: this.boot,
      intervalMs: this.options.heartbeatIntervalMs,
      store: this.documents.storeId,
      epoch: this.replication.epoch,
      acks: this.replication.requiredCopies,
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
      case 'update':
        return this.receiveUpdate(message);
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
      case 'replicated':
        return this.replication.confirmed(message.relay, message.epoch, message.rooms);
      case 'directoryRequest': {
        const page = this.documents.changedSince(message.since, Math.min(message.limit, 1_000));
        this.publish(Channels.relay(this.prefix, message.relay), {
          kind: 'directoryPage',
          relay: this.relayId,
          room: '',
          store: this.documents.storeId,
          since: message.since,
          entries: page.entries,
          more: page.more,
        });
        return;
      }
      case 'directoryPage':
        return this.catchUp.page(message.relay, message.store, message.since, message.entries, message.more);
      default:
        message satisfies never;
    }
  }

  /** X6: another relay's client update, applied to the loaded room or stored without loading it. */
  private receiveUpdate(message: Extract<ClusterMessage, { kind: 'update' }>): void {
    const update = updateOfFrame(message.frame);
    if (!update) return this.log.error({ peer: message.relay, room: message.room }, 'cluster update frame does not decode');
    const bus = this.buses.get(message.room);
    const stored = bus
      ? bus.room.applyFromCluster(update, message.frame)
      : this.unloaded.store(message.room, update, { at: message.at, author: message.author, quiet: message.quiet }) !== 'missing';
    if (!stored) return this.missingDependencies(message.room, message.relay); // X4
    if (!this.replication.heldLive(message.relay, message.epoch, message.room, message.seq)) {
      // A seq was skipped (lost while Redis was away, or the first update of a relay that
      // restarted): fetch the room from its origin, whose answer carries its position.
      this.askOrigin(message.room, message.relay, 'replication');
    }
  }

  /** X4 */
  private missingDependencies(room: string, peer: string): void {
    this.metrics.clusterUpdatesDeferred.inc();
    if (this.askOrigin(room, peer, 'missingDeps')) {
      this.log.info({ room, peer }, 'update from another relay builds on something missing here: catching up');
    }
  }

  private askOrigin(room: string, peer: string, reason: SyncReasonName): boolean {
    const now = Date.now();
    const key = `${peer}\u0000${room}`;
    if (now - (this.lastMissingDepsCatchUp.get(key) ?? 0) < MISSING_DEPS_CATCH_UP_EVERY_MS) return false;
    this.lastMissingDepsCatchUp.set(key, now);
    if (this.lastMissingDepsCatchUp.size > 10_000) {
      for (const [k, at] of this.lastMissingDepsCatchUp) if (now - at >= MISSING_DEPS_CATCH_UP_EVERY_MS) this.lastMissingDepsCatchUp.delete(k);
    }
    this.requestSync(room, reason, Channels.relay(this.prefix, peer));
    return true;
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
    const bus = this.buses.get(request.room);
    if (!bus && request.reason === 'periodic') return;
    const local = this.local(request.room);
    const mine = local ? Y.decodeStateVector(local.stateVector) : new Map<number, number>();
    const deletesDiffer = local !== null && !sameBytes(local.deleteDigest, request.deleteDigest);
    const theyLack = local !== null && (hasMore(mine, theirs) || deletesDiffer);
    const weLack = hasMore(theirs, mine) || deletesDiffer;
    // Everything the requester had is here already (and committed before we say so).
    if (!weLack) this.replication.heldUpTo(request.relay, request.epoch, request.room, request.seq);
    const awareness = bus && request.reason !== 'periodic' ? bus.room.localAwareness() : null;
    if (!theyLack && !weLack && !awareness && !alwaysAnswered(request.reason)) return;
    this.reply(
      replyTo,
      request.room,
      theyLack ? local!.diff(request.stateVector) : EMPTY,
      weLack ? (local?.stateVector ?? Y.encodeStateVector(new Y.Doc())) : EMPTY,
      weLack ? (local?.deleteDigest ?? EMPTY) : EMPTY,
      awareness ?? EMPTY,
    );
  }

  private reply(channel: string, room: string, update: Uint8Array, stateVector: Uint8Array, deleteDigest: Uint8Array, awareness: Uint8Array) {
    this.metrics.clusterCatchUpReplies.inc({ direction: 'sent' });
    this.publish(channel, {
      kind: 'syncReply',
      relay: this.relayId,
      room,
      update,
      stateVector,
      deleteDigest,
      awareness,
      epoch: this.replication.epoch,
      seq: this.replication.seqOf(room),
    });
  }

  private applyReply(reply: Extract<ClusterMessage, { kind: 'syncReply' }>): void {
    this.metrics.clusterCatchUpReplies.inc({ direction: 'received' });
    const bus = this.buses.get(reply.room);
    if (reply.update.length > 0) {
      const stored = bus ? bus.room.applyFromCluster(reply.update, null) : this.unloaded.store(reply.room, reply.update) !== 'missing';
      if (!stored) {
        // A catch-up holds everything past our state vector, so this should not happen: say so.
        this.log.error({ room: reply.room, peer: reply.relay }, 'catch-up from another relay left dependencies missing');
        this.catchUp.replied(reply.relay, reply.room);
        return;
      }
    }
    this.replication.heldUpTo(reply.relay, reply.epoch, reply.room, reply.seq);
    this.catchUp.replied(reply.relay, reply.room);
    if (bus && reply.awareness.length > 0) bus.room.applyAwarenessFromCluster(reply.awareness, null, reply.relay);
    if (reply.stateVector.length === 0) return;
    // The responder lacks something we have: send it, one way (an empty state vector ends the exchange),
    // with our position, so that it can confirm it holds our edits.
    const local = this.local(reply.room);
    const theirs = Y.decodeStateVector(reply.stateVector);
    const missing =
      local !== null && (hasMore(Y.decodeStateVector(local.stateVector), theirs) || !sameBytes(local.deleteDigest, reply.deleteDigest));
    this.reply(Channels.relay(this.prefix, reply.relay), reply.room, missing ? local!.diff(reply.stateVector) : EMPTY, EMPTY, EMPTY, EMPTY);
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
    this.replication.peerSeen(heartbeat.relay, heartbeat.store);
    const fresh = !known || known.boot !== heartbeat.boot || known.store !== heartbeat.store;
    if (fresh) this.log.info({ peer: heartbeat.relay }, 'peer relay joined');
    this.peers.set(heartbeat.relay, { seenAt: Date.now(), boot: heartbeat.boot, intervalMs: heartbeat.intervalMs, store: heartbeat.store, acks: heartbeat.acks });
    this.metrics.clusterPeers.set(this.peers.size);
    // X7: a peer that (re)joined may hold what we lack (and it pulls from us likewise).
    if (fresh) this.catchUp.pull(heartbeat.relay, heartbeat.store);
  }
}
