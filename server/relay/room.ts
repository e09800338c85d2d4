/**
 * A room: one document, its Y.Doc, its presence (presence.ts) and the sockets
 * editing it.
 *
 * The path of an edit: a sync frame arrives → decoded and applied to the room's
 * Y.Doc once → what it added to the room (all of it, part of it, or nothing:
 * an echo) is queued for storage → the same bytes, or only the new part, go to
 * every other socket and to the other relays → after the storage commit, each
 * socket that sent updates gets a `saved` ack, echoes included.
 *
 * Before Yjs sees an update, updateScan.ts walks it within a budget. An update
 * that builds on structs the room does not have yet is not handed to Yjs: it
 * waits on its socket until they arrive (heldUpdates.ts). A viewer's updates
 * are dropped, never applied. Structs written under the seed's client id are
 * refused (rule R12).
 */
import { deflateRaw } from 'node:zlib';
import * as Y from 'yjs';
import { MalformedFrame, asUpdateFrame, encodeSaved, encodeSyncStep1, encodeSyncStep2, encodeUpdate, readFrame, type Frame } from '../../src/protocol/codec';
import { CloseCode, Role, SyncStep } from '../../src/protocol/constants';
import { SEED_CLIENT_ID } from '../../src/protocol/document';
import { seedClientOf, seedUpdate } from '../../src/protocol/seed';
import { NULL_ROOM_BUS, type AckTarget, type ClusterRoom, type RoomBus } from '../cluster/clusterLink';
import type { RelayLimits } from '../config';
import { editMeta, type EditMeta } from '../history/updateAuthor';
import type { Logger } from '../log';
import type { DecodeErrorKind, Metrics } from '../metrics';
import type { StoredRoom } from '../storage/storage';
import { broadcast, type Connection, type HeldUpdate } from './connection';
import { flattenAddedText, flattenAllText } from './flatText';
import { HeldUpdates } from './heldUpdates';
import { Presence, type PresenceCreated } from './presence';
import { ProtocolError } from './protocolError';
import { missingDependencies, scanUpdate, type ClockLookup, type ScannedUpdate } from './updateScan';

export type RoomLimits = Pick<
  RelayLimits,
  'maxAwarenessBytes' | 'maxAwarenessClientsPerSocket' | 'maxUpdateStructs' | 'maxPendingUpdates' | 'pendingUpdateTimeoutMs'
>;

/** What one commit covers for a room's acks (Room.commitPoint). */
export interface CommitPoint {
  /** Per socket waiting for an ack: its frames that commit holds. */
  frames: Map<Connection, number>;
  /** The document's state vector when it was made. */
  stateVector: Uint8Array;
}

/** Where a room sends its updates to be stored; calls `room.afterCommit()` once they are durable. */
export interface UpdateSink {
  /** `edit`: who history credits the update to, and whether it only moved stored carets (server/history/updateAuthor.ts). */
  enqueue(room: Room, update: Uint8Array | null, edit?: EditMeta): void;
}

/** An encoded Yjs update that carries nothing (no structs, no deletions). */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}

/**
 * zlib level for compact sync: 1 is the fastest, and already brings a V2 state
 * to a fifth to a quarter of the V1 bytes (bench/coldLoad.ts); higher levels
 * cost several times the CPU for ~10 % fewer bytes.
 */
const COMPACT_SYNC_DEFLATE_LEVEL = 1;

/** How far the seed's author's clock reaches in the seed (its structs are 0 … SEED_CLOCK - 1). */
const SEED_CLOCK = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(seedUpdate())).get(SEED_CLIENT_ID)!;

/** The seed as an update frame, for a client that syncs with a room whose seed is not applied yet. */
const SEED_FRAME = encodeUpdate(seedUpdate());

/** A shared compact step 2 of the whole document: the frame once deflated, the clients waiting until then. */
interface WholeCompact {
  frame: Uint8Array | null;
  waiting: Connection[];
  /** The document's state vector when it was encoded: what changed since goes to fresh clients as an update. */
  stateVector: Uint8Array;
  /** The document changed since it was encoded. */
  stale: boolean;
}

/** Below this (the deflated frame), the shared whole-document answer is not kept after it is sent. */
const KEEP_WHOLE_COMPACT_BYTES = 32 * 1024;

/**
 * A kept whole-document answer is encoded anew once the changes since (as one
 * V1 update) outgrow this share of its bytes: until then a fresh client gets
 * the answer and those changes, a little more on the wire, no encode here.
 */
const WHOLE_COMPACT_CHANGES_SHARE = 1 / 4;

/**
 * Changes (V1 bytes) that make a room without a kept answer prepare one in the
 * background, once it has been quiet for PREPARE_ANSWER_QUIET_MS: a paste, an
 * import or an offline backlog of this size makes a document whose answer is
 * worth keeping (KEEP_WHOLE_COMPACT_BYTES deflated is ~150 KiB of V1).
 */
const PREPARE_ANSWER_AFTER_BYTES = 128 * 1024;
const PREPARE_ANSWER_QUIET_MS = 200;

/** The origin of updates applied from other relays (a Y.Doc transaction origin). */
export const CLUSTER_UPDATE = Symbol('cluster');

const KIND_OF_PART: Record<MalformedFrame['part'], DecodeErrorKind> = {
  type: 'bad_type',
  sync: 'bad_sync',
  awareness: 'bad_awareness',
  saved: 'bad_type', // not reached: a client's `saved` is ignored
};

/** A metrics label for a message type: its number up to 255, else "other" (bounded cardinality). */
function typeLabel(messageType: number): string {
  return messageType <= 255 ? String(messageType) : 'other';
}

/** What applying an update added to a room. */
type Integration =
  /** Nothing: the room had every struct and deletion (an echo). */
  | { kind: 'duplicate' }
  /** Everything it carries is new: store and forward it as it came. */
  | { kind: 'new' }
  /** Some structs were known: `update` is the part that was not. */
  | { kind: 'trimmed'; update: Uint8Array };

/** A Y.Doc's clocks per client (one small object per room, no closure). */
class DocClocks implements ClockLookup {
  constructor(private readonly store: Y.Doc['store']) {}
  get(client: number): number {
    return Y.getState(this.store, client);
  }
}

export class Room implements ClusterRoom {
  /** The document as applied. A new room's seed is not in it until something needs it: see `seeded`. */
  private readonly ydoc = new Y.Doc({ gc: true });
  /** Where this room's clients' changes go to the other relays (server/cluster/); a no-op without Redis. Set by Rooms. */
  bus: RoomBus = NULL_ROOM_BUS;
  readonly presence: Presence;
  readonly connections = new Set<Connection>();
  /** Entries in the stored log since the last snapshot. */
  logLength: number;
  /** When the last socket left (for idle unloading); null while anyone is here. */
  idleSince: number | null = Date.now();
  /** The client id that authored this document's seed, and how far its clock reaches: nobody may write past it. */
  private readonly seedClient: number;
  private readonly seedClock: number;
  /**
   * False while a new document's seed (rule R6) exists here only as the bytes
   * every relay and tab would write (seed.ts): the relay hands it to clients
   * that sync, and applies (and stores) it when an update builds on it or
   * code outside the room reads `doc`. So a room nobody has written in holds
   * an empty Y.Doc: ~1 KB less per room (`npx tsx bench/heapProbe.ts concord each`).
   */
  private seeded: boolean;
  /** The last transaction on the doc, read right after Y.applyUpdate to see what it changed. */
  private lastTransaction: Y.Transaction | null = null;
  /** The transaction of the last update integrated (for history: what it changed). */
  private appliedTransaction: Y.Transaction | null = null;
  /** The compact step 2 of the whole document, shared by fresh clients (sendWholeCompact). */
  private wholeCompact: WholeCompact | null = null;
  /** V1 bytes integrated since the whole-document answer was last encoded (or since the room was loaded). */
  private changedBytes = 0;
  /** The background encode of the whole-document answer, armed by big changes (prepareWholeCompact). */
  private answerTimer: NodeJS.Timeout | null = null;
  /** Updates waiting on their sockets for structs the room lacks (rule H3); made when the first one waits. */
  private held: HeldUpdates | null = null;

  constructor(
    readonly name: string,
    stored: StoredRoom,
    private readonly sink: UpdateSink,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly limits: RoomLimits,
    /** Called when the room's Awareness is created (the same function for every room). */
    onPresence: PresenceCreated | null = null,
  ) {
    // One transaction for the snapshot and the log: Yjs's cleanup after a transaction (merging
    // structs, collecting deletions) runs once, not once per logged keystroke.
    Y.transact(this.ydoc, () => {
      if (stored.snapshot) Y.applyUpdate(this.ydoc, stored.snapshot);
      for (const update of stored.updates) Y.applyUpdate(this.ydoc, update);
    });
    if (stored.updates.length > 0) flattenAllText(this.ydoc.store); // the log's edits were merged into cons strings
    this.logLength = stored.updates.length;
    // New documents are seeded by the relay (and, with the same bytes, by a tab
    // that opens a new document while the relay is unreachable): rule R6.
    const seedClient = seedClientOf(this.ydoc);
    this.seeded = seedClient !== null;
    this.seedClient = seedClient ?? SEED_CLIENT_ID;
    this.seedClock = seedClient === null ? SEED_CLOCK : Y.getState(this.ydoc.store, seedClient);
    this.ydoc.on('afterTransaction', (transaction: Y.Transaction) => {
      // The first one: applying an update to formatted text makes Yjs run a second,
      // formatting-cleanup transaction right after, which would hide what the update added.
      this.lastTransaction ??= transaction;
      if (this.wholeCompact && (transaction.changed.size > 0 || transaction.deleteSet.clients.size > 0)) this.wholeCompact.stale = true;
    });
    this.presence = new Presence(this.ydoc, name, this.connections, this, limits, log, onPresence);
  }

  /** The document, seed included: reading it applies a seed the room had only as bytes. */
  get doc(): Y.Doc {
    this.applySeed();
    return this.ydoc;
  }

  /** Applies and stores the seed if the room has it only as bytes. */
  private applySeed(): void {
    if (this.seeded) return;
    this.seeded = true;
    const seed = seedUpdate();
    Y.applyUpdate(this.ydoc, seed);
    this.sink.enqueue(this, seed);
  }

  storedStateVector(): Uint8Array {
    return Y.encodeStateVector(this.ydoc);
  }

  /** The state vector the room tells: the seed counts as held before it is applied (every relay and tab has the same bytes). */
  private stateVector(): Uint8Array {
    if (this.seeded) return Y.encodeStateVector(this.ydoc);
    const clocks = Y.decodeStateVector(Y.encodeStateVector(this.ydoc));
    clocks.set(this.seedClient, this.seedClock);
    return Y.encodeStateVector(clocks);
  }

  get awareness() {
    return this.presence.awareness;
  }

  join(connection: Connection): void {
    this.connections.add(connection);
    this.idleSince = null;
    // Our half of the handshake: the client answers step 1 with what we lack.
    connection.send(encodeSyncStep1(this.stateVector()));
    if (!this.presence.isEmpty) connection.send(this.presence.everything());
  }

  leave(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    this.held?.drop(connection);
    this.presence.leave(connection);
    if (this.connections.size === 0) this.idleSince = Date.now();
  }

  /**
   * Handles one binary frame from `from`. Throws ProtocolError or LimitExceeded
   * for a frame it refuses; ignores (and counts) message types it does not handle.
   */
  receive(from: Connection, frame: Uint8Array): void {
    let decoded: Frame;
    try {
      decoded = readFrame(frame);
    } catch (error) {
      if (!(error instanceof MalformedFrame)) throw error;
      if (error.part === 'saved') return this.ignore(from, { type: 'unknown', messageType: 100 });
      throw new ProtocolError(KIND_OF_PART[error.part], error.message);
    }
    switch (decoded.type) {
      case 'sync':
        return decoded.step === SyncStep.step1
          ? this.receiveStep1(from, decoded.payload)
          : this.receiveUpdate(from, frame, decoded.payload);
      case 'awareness':
        return this.presence.receive(from, frame, decoded.update);
      case 'queryAwareness':
        return from.send(this.presence.everything());
      case 'saved': // relay → client only
      case 'unknown':
        return this.ignore(from, decoded);
      default:
        decoded satisfies never;
    }
  }

  /** Rule R9: a type the relay does not handle is skipped, so clients may speak newer versions. */
  private ignore(from: Connection, frame: Extract<Frame, { type: 'unknown' | 'saved' }>): void {
    const messageType = frame.type === 'saved' ? 100 : frame.messageType;
    this.metrics.unknownMessages.inc({ type: typeLabel(messageType) });
    this.log.debug({ room: this.name, conn: from.id, messageType }, 'message type ignored');
  }

  private receiveStep1(from: Connection, stateVector: Uint8Array): void {
    let clocks: Map<number, number>;
    let diff: Uint8Array | null = null;
    try {
      clocks = Y.decodeStateVector(stateVector);
      // A client that has nothing yet (a fresh tab) asking for compact sync gets the shared answer below.
      const whole = from.compactSync && clocks.size === 0;
      if (!whole) diff = from.compactSync ? Y.encodeStateAsUpdateV2(this.ydoc, stateVector) : Y.encodeStateAsUpdate(this.ydoc, stateVector);
    } catch (error) {
      throw new ProtocolError('bad_sync', `unreadable state vector: ${(error as Error).message}`);
    }
    // A seed not applied here yet goes first, as an update: the client has it when its step 2 arrives.
    if (!this.seeded && (clocks.get(this.seedClient) ?? 0) < this.seedClock) from.send(SEED_FRAME);
    if (!from.compactSync) {
      from.send(encodeSyncStep2(diff!));
      return;
    }
    // Compact sync (?sync=v2z): the V2 update, raw-deflated on libuv's thread pool (one-shot: no zlib
    // context stays with the socket). Frames sent meanwhile may arrive first: Yjs keeps what builds on
    // this step 2 pending until it is applied, and the client counts itself synced only then.
    this.metrics.compactSyncs.inc();
    if (diff === null) return this.sendWholeCompact(from);
    this.deflateStep2(diff, (frame) => from.send(frame), [from]);
  }

  /**
   * Compact sync for a client that has nothing yet: the whole document,
   * encoded and deflated once and sent to every such client (a class opening
   * one big document together: one encode, not thirty; `npx tsx
   * bench/classOpen.ts`). Big answers are kept: after a change, a fresh client
   * gets what changed since the answer was encoded as an update frame first
   * (Yjs holds it until the step 2 is applied; V1, as every update frame),
   * then the kept answer, and the answer is encoded anew only once those
   * changes outgrow WHOLE_COMPACT_CHANGES_SHARE of it. Encoding a
   * 10,000-paragraph document costs this event loop 10–110 ms (the first time
   * in a process is the slowest); the changes since, ~1 ms.
   */
  private sendWholeCompact(from: Connection): void {
    let whole = this.wholeCompact;
    if (whole?.stale) {
      const changes = Y.encodeStateAsUpdate(this.ydoc, whole.stateVector);
      const answerBytes = whole.frame?.byteLength ?? Infinity;
      if (changes.byteLength <= answerBytes * WHOLE_COMPACT_CHANGES_SHARE) from.send(encodeUpdate(changes));
      else whole = null;
    }
    if (!whole) this.encodeWholeCompact([from]);
    else if (whole.frame) from.send(whole.frame);
    else whole.waiting.push(from);
  }

  /** Encodes (here) and deflates (on the thread pool) the whole document as the answer for fresh clients; `waiting` get it. */
  private encodeWholeCompact(waiting: Connection[]): void {
    const pending: WholeCompact = { frame: null, waiting, stateVector: Y.encodeStateVector(this.ydoc), stale: false };
    this.wholeCompact = pending;
    this.changedBytes = 0;
    this.metrics.compactSyncEncodes.inc();
    this.deflateStep2(Y.encodeStateAsUpdateV2(this.ydoc), (frame) => {
      pending.frame = frame;
      broadcast(pending.waiting, frame);
      pending.waiting = [];
      // Small documents encode in microseconds: not worth keeping.
      if (frame.byteLength < KEEP_WHOLE_COMPACT_BYTES && this.wholeCompact === pending) this.wholeCompact = null;
    }, pending.waiting);
  }

  /**
   * After big changes, the answer for the next fresh tab is encoded in the
   * background, once the room has been quiet for PREPARE_ANSWER_QUIET_MS
   * (each change restarts the wait): someone pastes or imports a long
   * document and shares the link, and the first tab to open it does not wait
   * for the encode. Due when the changes since the last encode reach the
   * share that makes a kept answer be encoded anew anyway, or, with no kept
   * answer, PREPARE_ANSWER_AFTER_BYTES.
   */
  private prepareWholeCompact(changedBytes: number): void {
    this.changedBytes += changedBytes;
    if (this.answerTimer) {
      this.answerTimer.refresh();
      return;
    }
    if (!this.wholeCompactDue()) return;
    this.answerTimer = setTimeout(() => {
      this.answerTimer = null;
      // A fresh tab may have had it encoded meanwhile.
      if (this.wholeCompactDue() && !(this.wholeCompact && !this.wholeCompact.frame)) this.encodeWholeCompact([]);
    }, PREPARE_ANSWER_QUIET_MS);
    this.answerTimer.unref();
  }

  private wholeCompactDue(): boolean {
    const kept = this.wholeCompact?.frame;
    return this.changedBytes >= (kept ? kept.byteLength * WHOLE_COMPACT_CHANGES_SHARE : PREPARE_ANSWER_AFTER_BYTES);
  }

  /** Deflates a V2 step 2 on libuv's thread pool; on failure closes `waiting` (internal error). */
  private deflateStep2(update: Uint8Array, done: (frame: Uint8Array) => void, waiting: Connection[]): void {
    deflateRaw(update, { level: COMPACT_SYNC_DEFLATE_LEVEL }, (error, compressed) => {
      if (error) {
        this.metrics.handlerErrors.inc();
        this.log.error({ room: this.name, err: error }, 'compact sync step 2 did not compress');
        if (this.wholeCompact?.waiting === waiting) this.wholeCompact = null;
        for (const connection of waiting) connection.close(CloseCode.internalError, 'internal error');
        return;
      }
      done(encodeSyncStep2(compressed));
    });
  }

  private receiveUpdate(from: Connection, frame: Uint8Array, update: Uint8Array): void {
    from.updateFrameReceived();
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
    this.refuseSeedClient(scan);
    const held: HeldUpdate = { frame, update, scan };
    if (this.lacksDependencies(scan)) {
      this.held ??= new HeldUpdates(this.connections, this.clocks, this.limits, this.metrics, this.log);
      this.held.hold(from, held);
      return;
    }
    this.apply(from, held);
    if (this.held?.any()) this.releaseHeld();
  }

  /**
   * Rule R12: nobody writes under the seed's client id. A client that uses it
   * (a fixed id, or a document seeded by client 1 before SEED_CLIENT_ID) has
   * items of its own under ids that are the seed's here: the room and that
   * client would hold two different documents, so it is refused (4409). The
   * seed's own structs, sent back by a client, are fine: they are not past its clock.
   */
  private refuseSeedClient(scan: ScannedUpdate): void {
    for (const range of scan.clients) {
      if (range.client === this.seedClient && range.end > this.seedClock) {
        throw new ProtocolError(
          'reserved_client',
          `client id ${this.seedClient} is reserved for this document's seed; use another client id`,
        );
      }
    }
  }

  /** The document's clocks, read from its store per client (no state-vector encoding on the per-update path). */
  private readonly clocks: ClockLookup = new DocClocks(this.ydoc.store);

  /** True if the update builds on structs the room does not have, once a seed it had only as bytes is applied. */
  private lacksDependencies(scan: ScannedUpdate): boolean {
    if (!missingDependencies(scan, this.clocks)) return false;
    if (this.seeded) return true;
    this.applySeed();
    return missingDependencies(scan, this.clocks);
  }

  /** Applies every held update whose dependencies have arrived. */
  private releaseHeld(): void {
    this.held?.release((from, held) => this.apply(from, held));
  }

  /** The last integrated update's transaction, once: a room does not keep it (its maps and delete set) until the next edit. */
  private takeAppliedTransaction(): Y.Transaction | null {
    const transaction = this.appliedTransaction;
    this.appliedTransaction = null;
    return transaction;
  }

  /**
   * Applies an update (its dependencies are present) and tells what it added.
   * Yjs skips structs and deletions the document has; the transaction's
   * before and after state and its delete set say whether anything was left.
   */
  private integrate(update: Uint8Array, scan: ScannedUpdate, origin: unknown): Integration {
    this.lastTransaction = null;
    Y.applyUpdate(this.ydoc, update, origin);
    const transaction = this.lastTransaction as Y.Transaction | null;
    this.lastTransaction = null;
    this.appliedTransaction = transaction;
    if (!transaction) return { kind: 'new' };
    if (!this.seeded) this.seeded = Y.getState(this.ydoc.store, this.seedClient) >= this.seedClock; // a client sent the seed itself
    flattenAddedText(this.ydoc.store, scan);
    if (this.ydoc.store.pendingStructs || this.ydoc.store.pendingDs) {
      // The scan should have held this update: say so loudly, it is a gap in updateScan.ts.
      this.log.error({ room: this.name }, 'update left pending structs despite the dependency check');
    }
    const before = transaction.beforeState;
    let addedStructs = false;
    let overlaps = false;
    for (const range of scan.clients) {
      const had = before.get(range.client) ?? 0;
      if (range.start < had) overlaps = true;
      if (range.end > had) addedStructs = true;
    }
    if (!addedStructs && transaction.deleteSet.clients.size === 0) {
      this.appliedTransaction = null; // nothing for history to read
      return { kind: 'duplicate' };
    }
    this.prepareWholeCompact(update.byteLength);
    if (!overlaps) return { kind: 'new' };
    return { kind: 'trimmed', update: Y.diffUpdate(update, Y.encodeStateVector(before)) };
  }

  /**
   * Rule R10: applies an update once, queues what it added for storage and
   * forwards that to the others: the same bytes when all of it is new, only
   * the new part when some was known, nothing for an echo (still acked).
   */
  private apply(from: Connection, { frame, update, scan }: HeldUpdate): void {
    let added: Integration;
    try {
      added = this.integrate(update, scan, from);
    } catch (error) {
      throw new ProtocolError('bad_update', `update does not apply: ${(error as Error).message}`);
    }
    if (added.kind === 'duplicate') {
      this.metrics.duplicateUpdates.inc();
      this.sink.enqueue(this, null); // the sender's ack
      return;
    }
    let forward: Uint8Array;
    const edit = editMeta(scan, from.awarenessClients, this.takeAppliedTransaction());
    if (added.kind === 'trimmed') {
      this.metrics.trimmedUpdates.inc();
      this.sink.enqueue(this, added.update, edit);
      forward = encodeUpdate(added.update);
    } else {
      this.sink.enqueue(this, update, edit);
      // A step 2 goes out as an update: a peer must not mistake someone else's step 2 for the end of its own handshake.
      forward = asUpdateFrame(frame);
    }
    broadcast(this.connections, forward, from);
    this.bus.publishUpdate(forward, edit);
  }

  /**
   * An update from another relay (live or a catch-up): applied, stored and
   * forwarded to every socket here, never published again (no echo between
   * relays, rule X1); what this room already had is neither stored nor
   * forwarded. Returns false, applying nothing, if it builds on structs this
   * room does not have: the cluster then catches up, which brings it too.
   */
  applyFromCluster(update: Uint8Array, frame: Uint8Array | null): boolean {
    if (isEmptyUpdate(update)) return true;
    let scan: ScannedUpdate;
    try {
      scan = scanUpdate(update, Number.POSITIVE_INFINITY); // other relays are trusted: no decode budget
    } catch (error) {
      this.log.error({ room: this.name, err: error }, 'update from another relay does not decode; dropped');
      return true;
    }
    if (this.lacksDependencies(scan)) return false;
    const added = this.integrate(update, scan, CLUSTER_UPDATE);
    if (added.kind === 'duplicate') {
      this.metrics.duplicateUpdates.inc();
      return true;
    }
    this.metrics.clusterUpdatesApplied.inc();
    const stored = added.kind === 'trimmed' ? added.update : update;
    this.sink.enqueue(this, stored, editMeta(scan, null, this.takeAppliedTransaction()));
    const forward = added.kind === 'new' && frame ? asUpdateFrame(frame) : encodeUpdate(stored);
    broadcast(this.connections, forward);
    if (this.held?.any()) this.releaseHeld();
    return true;
  }

  /** Another relay's clients' presence: applied with that relay as origin and forwarded to every socket here. */
  applyAwarenessFromCluster(update: Uint8Array, frame: Uint8Array | null, relayId: string): void {
    this.presence.applyFromCluster(update, frame, relayId);
  }

  localAwareness(): Uint8Array | null {
    return this.presence.local();
  }

  forgetRelay(relayId: string): void {
    this.presence.forgetRelay(relayId);
  }

  /**
   * What a commit of everything queued so far covers: per socket waiting for
   * an ack, the frames it may ack, and the document's state vector then; null
   * if no socket waits. Taken when the commit is made, used when it is durable
   * (frames that arrive meanwhile are not in it).
   */
  commitPoint(): CommitPoint | null {
    let frames: Map<Connection, number> | null = null;
    for (const connection of this.connections) {
      const ackable = connection.ackableFrames;
      if (!connection.wantsAcks || connection.updateFramesAcked >= ackable) continue;
      (frames ??= new Map()).set(connection, ackable);
    }
    return frames ? { frames, stateVector: this.stateVector() } : null;
  }

  /**
   * Called by storage once every update queued up to `point` is durable: ack
   * the senders (all they sent up to it, unless REPLICATION_ACKS also waits for
   * other relays: then the cluster acks the rest through `ackSaved` once they
   * hold it). Without a point (undefined), the commit is the present.
   */
  afterCommit(appended: number, point: CommitPoint | null | undefined = undefined): void {
    this.logLength += appended;
    const covered = point === undefined ? this.commitPoint() : point;
    if (!covered) return;
    for (const [connection, ackable] of covered.frames) {
      if (!this.connections.has(connection) || connection.updateFramesAcked >= ackable) continue;
      const saved = this.bus.committed(connection, ackable);
      if (saved <= connection.updateFramesAcked) continue;
      connection.acked(saved);
      connection.send(encodeSaved(saved, covered.stateVector));
    }
  }

  ackSaved(target: AckTarget, frames: number): void {
    const connection = target as Connection;
    if (!this.connections.has(connection) || !connection.wantsAcks || frames <= connection.updateFramesAcked) return;
    connection.acked(Math.min(frames, connection.ackableFrames));
    connection.send(encodeSaved(connection.updateFramesAcked, this.stateVector()));
  }

  /** The whole document as one update, for compaction (a seed not applied yet stays out: it needs no storing). */
  encodeState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.ydoc);
  }

  destroy(): void {
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.answerTimer = null;
    this.presence.destroy();
    this.ydoc.destroy();
    this.log.debug({ room: this.name }, 'room unloaded');
  }
}
