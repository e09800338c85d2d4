/**
 * How many relays hold each edit, and `saved` after REPLICATION_ACKS of them.
 *
 * Positions. This relay numbers the client updates it publishes, per room:
 * seq 1 is the room's content when it was first loaded in this boot, then 2,
 * 3, … one per published update. A boot has its own random `epoch`, so numbers
 * are never reused (they live in memory only: the acks waiting on them live in
 * open sockets, which a restart closes anyway). Another relay that has
 * DURABLY STORED everything up to a seq — by the live path in order, or by a
 * catch-up that carried this relay's position — says so with a `replicated`
 * message, sent after its commit.
 *
 * Acks. After this relay's own commit of a socket's update frames, the frames
 * become a checkpoint (frames, the room's seq now: every frame up to there is
 * covered by that seq). With REPLICATION_ACKS = 1 `saved` goes at once, as on a
 * single relay. With n > 1, `saved` goes for a checkpoint once n − 1 other
 * relays have confirmed its seq. A checkpoint still waiting after
 * REPLICATION_ACK_TIMEOUT_MS (or at once, when no other relay is alive) makes
 * the relay tell the tab `stored` (message 102: these frames are on these
 * relays only); the tab shows that instead of "saved", and `saved` follows
 * when the copies are made. Either way, `stored` tells the tab on which relays
 * its edits are (the replication inspector names them).
 *
 * The other side of the same bookkeeping: what this relay holds of the others
 * (per origin relay and room, the seq it holds everything up to), reported back
 * after each commit. An update that skips a seq (a message lost while Redis was
 * away, or the first one from a relay that restarted) does not move the
 * position: the caller fetches the room from its origin, whose answer carries
 * the origin's position.
 */
import { randomInt } from 'node:crypto';
import { encodeStored } from '../../src/protocol/stored';
import type { Metrics } from '../metrics';
import type { AckTarget, ClusterRoom } from './clusterLink';

export interface ReplicationOptions {
  relayId: string;
  /** REPLICATION_ACKS: relays that must have committed an edit before `saved` (this one included). */
  acks: number;
  /** REPLICATION_ACK_TIMEOUT_MS. */
  ackTimeoutMs: number;
}

export interface ReplicationHooks {
  /** Commits everything applied so far (rooms and unloaded documents); false if storage failed. */
  flushStorage(): boolean;
  /** Publishes `replicated` to `origin`. */
  publishReplicated(origin: string, epoch: number, rooms: Array<[string, number]>): void;
  /** Other relays alive now (heartbeats). */
  livePeers(): number;
  /** Edits in `room` wait for copies: ask every relay for what it lacks (answered even when nothing differs). */
  requestCopies(room: string): void;
  /** Whether `origin`'s tabs wait for our reports (its REPLICATION_ACKS is above 1): then report every tick. */
  waitsForReports(origin: string): boolean;
}

/** A coarse publication time line of one room: [first seq, when], at most one mark per MARK_EVERY_MS. */
interface RoomLog {
  seq: number;
  marks: Array<[number, number]>;
}

interface Checkpoint {
  /** Update frames of the socket committed here. */
  frames: number;
  /** The room's seq at that commit: a relay that confirms it holds all of them. */
  seq: number;
  at: number;
}

interface Waiter {
  readonly target: AckTarget;
  readonly room: ClusterRoom;
  /** Checkpoints not yet acked as saved, oldest first. */
  checkpoints: Checkpoint[];
  /** The newest checkpoint (kept after it is saved: which relays hold it is still told). */
  latest: Checkpoint | null;
  /** Frames acked as `saved`. */
  saved: number;
  /** What the last `stored` told: frames and relays. */
  told: string;
  /** Past the timeout without enough copies: `stored` is sent at every commit until they are made. */
  degraded: boolean;
}

const MARK_EVERY_MS = 50;
/**
 * Reports to an origin whose tabs do not wait for them (REPLICATION_ACKS = 1:
 * they feed its metrics and inspectors) are sent at most this often: one
 * message per 100 ms per origin instead of one per tick.
 */
const REPORT_EVERY_MS = 100;
const MAX_MARKS = 20_000;
const MAX_CHECKPOINTS = 512;
const SWEEP_EVERY_MS = 200;

export class Replication {
  /** This boot's number (positions are per boot). */
  readonly epoch = randomInt(1, 2 ** 31);
  private readonly published = new Map<string, RoomLog>();
  /** peer relay → room → seq of ours it holds everything up to. */
  private readonly confirmedBy = new Map<string, Map<string, number>>();
  /** Peers' stores: a peer whose store changed (data directory deleted) confirms nothing it confirmed before. */
  private readonly peerStores = new Map<string, string>();
  private readonly waiting = new Map<string, Set<Waiter>>();
  private readonly waiters = new WeakMap<AckTarget, Waiter>();
  /** origin relay → its epoch and, per room, the seq we hold everything up to. */
  private readonly held = new Map<string, { epoch: number; rooms: Map<string, number> }>();
  private toReport = new Map<string, { epoch: number; rooms: Map<string, number> }>();
  /** Reports go at the end of this tick (an origin waits on them)… */
  private reportImmediate: NodeJS.Immediate | null = null;
  /** …or after REPORT_EVERY_MS (or a retry after a storage failure). */
  private reportTimer: NodeJS.Timeout | null = null;
  private readonly copiesRequestedAt = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly options: ReplicationOptions,
    private readonly metrics: Metrics,
    private readonly hooks: ReplicationHooks,
  ) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
    metrics.replicationPeers.set(() => this.peerReport());
  }

  get requiredCopies(): number {
    return this.options.acks;
  }

  // ---- this relay as origin -------------------------------------------------

  /** This relay's seq for `room` (0 if it published nothing for it in this boot). */
  seqOf(room: string): number {
    return this.published.get(room)?.seq ?? 0;
  }

  /** The room was loaded: its content then is seq 1 (the first time in this boot). */
  roomLoaded(room: string): void {
    if (!this.published.has(room)) this.nextSeq(room);
  }

  /** Numbers an update this relay is about to publish. */
  nextSeq(room: string, now = Date.now()): number {
    let log = this.published.get(room);
    if (!log) this.published.set(room, (log = { seq: 0, marks: [] }));
    log.seq++;
    const last = log.marks.at(-1);
    if (!last || now - last[1] >= MARK_EVERY_MS) {
      log.marks.push([log.seq, now]);
      if (log.marks.length > MAX_MARKS) log.marks.splice(0, log.marks.length - MAX_MARKS);
    }
    return log.seq;
  }

  /** A peer's `replicated`: it holds our updates up to these seqs. */
  confirmed(peer: string, epoch: number, rooms: ReadonlyArray<[string, number]>): void {
    if (epoch !== this.epoch) return; // about an earlier boot of ours: nobody waits on it
    let byRoom = this.confirmedBy.get(peer);
    if (!byRoom) this.confirmedBy.set(peer, (byRoom = new Map()));
    for (const [room, seq] of rooms) {
      if (seq <= (byRoom.get(room) ?? 0)) continue;
      byRoom.set(room, seq);
      this.settle(room);
      this.pruneMarks(room);
    }
  }

  /** A peer was heard; `store` is its store id. */
  peerSeen(peer: string, store: string): void {
    const known = this.peerStores.get(peer);
    if (known !== undefined && known !== store) this.confirmedBy.delete(peer); // its data is gone: so are its copies
    this.peerStores.set(peer, store);
    if (!this.confirmedBy.has(peer)) this.confirmedBy.set(peer, new Map());
  }

  /**
   * This relay committed a socket's update frames up to `frames`: returns how
   * many may be acked as `saved` now (all of them with REPLICATION_ACKS = 1).
   */
  committed(room: ClusterRoom, target: AckTarget, frames: number, now = Date.now()): number {
    if (!target.wantsAcks) return frames;
    let waiter = this.waiters.get(target);
    if (!waiter) {
      waiter = { target, room, checkpoints: [], latest: null, saved: 0, told: '', degraded: false };
      this.waiters.set(target, waiter);
    }
    if (!waiter.latest || frames > waiter.latest.frames) {
      const checkpoint = { frames, seq: this.seqOf(room.name), at: now };
      waiter.latest = checkpoint;
      if (this.options.acks > 1) {
        waiter.checkpoints.push(checkpoint);
        if (waiter.checkpoints.length > MAX_CHECKPOINTS) waiter.checkpoints.splice(0, waiter.checkpoints.length - MAX_CHECKPOINTS / 2);
      }
    }
    let set = this.waiting.get(room.name);
    if (!set) this.waiting.set(room.name, (set = new Set()));
    set.add(waiter);
    if (this.options.acks === 1) {
      waiter.saved = frames;
      return frames;
    }
    this.advance(waiter);
    if (waiter.saved < frames && (waiter.degraded || this.hooks.livePeers() < this.options.acks - 1)) this.degrade(waiter, now);
    // The peers may have confirmed this seq before our own commit returned: then say so now, or nobody will.
    else this.tell(waiter, false);
    return waiter.saved;
  }

  /** The seq of `room` that `copies - 1` peers have confirmed (−1 if fewer peers have anything). */
  private quorumSeq(room: string, copies: number): number {
    if (copies <= 1) return Number.POSITIVE_INFINITY;
    const seqs: number[] = [];
    for (const byRoom of this.confirmedBy.values()) seqs.push(byRoom.get(room) ?? 0);
    seqs.sort((a, b) => b - a);
    return seqs[copies - 2] ?? -1;
  }

  /** The relays holding everything up to `seq` of `room`: this one first. */
  private holders(room: string, seq: number): string[] {
    const relays = [this.options.relayId];
    for (const [peer, byRoom] of this.confirmedBy) if ((byRoom.get(room) ?? 0) >= seq) relays.push(peer);
    return relays;
  }

  private settle(room: string): void {
    const set = this.waiting.get(room);
    if (!set) return;
    for (const waiter of set) {
      if (!waiter.target.isOpen) {
        set.delete(waiter);
        continue;
      }
      this.advance(waiter);
      this.tell(waiter, false);
    }
  }

  /** Acks as `saved` the newest checkpoint enough relays hold. */
  private advance(waiter: Waiter): void {
    if (this.options.acks === 1) return;
    const quorum = this.quorumSeq(waiter.room.name, this.options.acks);
    let saved = waiter.saved;
    let done = 0;
    for (const checkpoint of waiter.checkpoints) {
      if (checkpoint.seq > quorum) break; // seqs never decrease along the checkpoints
      saved = Math.max(saved, checkpoint.frames);
      done++;
    }
    if (done > 0) waiter.checkpoints.splice(0, done);
    if (saved > waiter.saved) {
      waiter.saved = saved;
      waiter.room.ackSaved(waiter.target, saved);
    }
    if (waiter.checkpoints.length === 0) waiter.degraded = false;
  }

  /** Sends `stored` (which relays hold the newest committed frames) if it says something new; `force` even if not. */
  private tell(waiter: Waiter, force: boolean): void {
    const latest = waiter.latest;
    if (!latest) return;
    const relays = this.holders(waiter.room.name, latest.seq);
    // Without copies elsewhere a plain `saved` says it all, unless the tab must be told it is one relay only.
    if (relays.length === 1 && !force && !waiter.degraded) return;
    const told = `${latest.frames}:${relays.join(',')}`;
    if (told === waiter.told) return;
    waiter.told = told;
    waiter.target.send(encodeStored({ frames: latest.frames, required: this.options.acks, relays }));
  }

  private degrade(waiter: Waiter, now: number): void {
    if (!waiter.degraded) {
      waiter.degraded = true;
      this.metrics.replicationOneRelayOnly.inc();
    }
    this.tell(waiter, true);
    this.askForCopies(waiter.room.name, now);
  }

  private askForCopies(room: string, now: number): void {
    const last = this.copiesRequestedAt.get(room) ?? 0;
    if (now - last < this.options.ackTimeoutMs) return;
    this.copiesRequestedAt.set(room, now);
    this.hooks.requestCopies(room);
  }

  /** Waiters past the timeout: tell their tabs, and ask the peers again. */
  private sweep(now = Date.now()): void {
    let waitingSockets = 0;
    for (const [room, set] of this.waiting) {
      for (const waiter of set) {
        if (!waiter.target.isOpen) {
          set.delete(waiter);
          continue;
        }
        const oldest = waiter.checkpoints[0];
        if (!oldest) {
          if (now - (waiter.latest?.at ?? 0) > 60_000) set.delete(waiter); // idle: forget until its next commit
          continue;
        }
        waitingSockets++;
        if (now - oldest.at >= this.options.ackTimeoutMs) this.degrade(waiter, now);
      }
      if (set.size === 0) this.waiting.delete(room);
    }
    this.metrics.replicationAcksWaiting.set(waitingSockets);
  }

  /** Per peer: how far behind it is (the age of our oldest update it has not confirmed) and in how many documents. */
  peerReport(now = Date.now()): Array<{ peer: string; lagSeconds: number; documents: number }> {
    const report: Array<{ peer: string; lagSeconds: number; documents: number }> = [];
    for (const [peer, byRoom] of this.confirmedBy) {
      let lag = 0;
      let documents = 0;
      for (const [room, log] of this.published) {
        const confirmed = byRoom.get(room) ?? 0;
        if (confirmed >= log.seq) continue;
        documents++;
        const since = this.publishedAt(log, confirmed + 1);
        if (since !== null) lag = Math.max(lag, now - since);
      }
      report.push({ peer, lagSeconds: lag / 1_000, documents });
    }
    return report;
  }

  /** When update `seq` of a room was published (to MARK_EVERY_MS). */
  private publishedAt(log: RoomLog, seq: number): number | null {
    let at: number | null = null;
    for (const [first, when] of log.marks) {
      if (first > seq) break;
      at = when;
    }
    return at ?? log.marks[0]?.[1] ?? null;
  }

  /** Drops the room's publication marks every known peer is past (a peer that is down keeps them, up to MAX_MARKS). */
  private pruneMarks(room: string): void {
    const log = this.published.get(room);
    if (!log) return;
    let min = log.seq;
    for (const byRoom of this.confirmedBy.values()) min = Math.min(min, byRoom.get(room) ?? 0);
    let drop = 0;
    while (drop + 1 < log.marks.length && log.marks[drop + 1][0] <= min + 1) drop++;
    if (drop > 0) log.marks.splice(0, drop);
  }

  // ---- this relay as holder of the others' updates -------------------------

  /**
   * A live update from `origin` was stored (or was already here). Returns false
   * when it skips a seq: the position stays, and the caller fetches the room.
   */
  heldLive(origin: string, epoch: number, room: string, seq: number): boolean {
    const rooms = this.heldRooms(origin, epoch);
    const position = rooms.get(room);
    if (position === undefined || seq > position + 1) return false;
    if (seq > position) rooms.set(room, seq);
    this.report(origin, epoch, room, Math.max(seq, position));
    return true;
  }

  /** Everything `origin` had of `room` at its `seq` is here (a catch-up carried it, or nothing was missing). */
  heldUpTo(origin: string, epoch: number, room: string, seq: number): void {
    if (seq <= 0 || epoch <= 0) return;
    const rooms = this.heldRooms(origin, epoch);
    const position = Math.max(rooms.get(room) ?? 0, seq);
    rooms.set(room, position);
    this.report(origin, epoch, room, position);
  }

  private heldRooms(origin: string, epoch: number): Map<string, number> {
    let held = this.held.get(origin);
    if (!held || held.epoch !== epoch) this.held.set(origin, (held = { epoch, rooms: new Map() }));
    return held.rooms;
  }

  private report(origin: string, epoch: number, room: string, seq: number): void {
    let pending = this.toReport.get(origin);
    if (!pending || pending.epoch !== epoch) this.toReport.set(origin, (pending = { epoch, rooms: new Map() }));
    pending.rooms.set(room, Math.max(pending.rooms.get(room) ?? 0, seq));
    if (this.hooks.waitsForReports(origin)) this.reportImmediate ??= setImmediate(() => this.sendReports());
    else if (!this.reportImmediate) this.reportTimer ??= setTimeout(() => this.sendReports(), REPORT_EVERY_MS);
  }

  private cancelReports(): void {
    if (this.reportImmediate) clearImmediate(this.reportImmediate);
    if (this.reportTimer) clearTimeout(this.reportTimer);
    this.reportImmediate = null;
    this.reportTimer = null;
  }

  /** After the commit of what was received (never before): tell each origin what we hold. */
  private sendReports(): void {
    this.cancelReports();
    if (!this.hooks.flushStorage()) {
      this.reportTimer = setTimeout(() => this.sendReports(), 1_000); // storage failing: nothing is confirmed
      return;
    }
    const reports = this.toReport;
    this.toReport = new Map();
    for (const [origin, { epoch, rooms }] of reports) this.hooks.publishReplicated(origin, epoch, [...rooms]);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.cancelReports();
  }
}
