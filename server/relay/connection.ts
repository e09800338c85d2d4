/**
 * One client's WebSocket inside a room: what it sent, what it was acked, which
 * awareness (presence) entries it owns, and how to send to it or close it.
 *
 * A relay holds thousands of mostly idle sockets, so a Connection keeps only
 * what every socket needs; what few need (held updates, awareness client ids,
 * rate-limit pauses) is allocated when first used, and its token bucket is two
 * numbers of its own (the limit itself is shared). `npx tsx bench/heapProbe.ts`
 * shows what a socket costs, by kind of object.
 */
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { Role } from '../../src/protocol/constants';
import type { Metrics } from '../metrics';
import type { Room } from './room';
import { binaryFrame } from './wireFrame';
import type { ScannedUpdate } from './updateScan';

/** An update that arrived before something it builds on; it waits on its socket (heldUpdates.ts). */
export interface HeldUpdate {
  frame: Uint8Array;
  update: Uint8Array;
  scan: ScannedUpdate;
}

/** The rate limit every socket of a relay shares: `burst` frames at once, refilled at `perSecond`. */
export interface RateLimit {
  readonly burst: number;
  readonly perSecond: number;
}

/** A socket's rate-limit pauses (allocated at its first pause: most sockets never have one). */
interface Throttling {
  /** Set while reading is paused. */
  timer: NodeJS.Timeout | null;
  /** Pauses so far, and their total length. */
  count: number;
  ms: number;
}

/** What a socket without awareness states of its own reads; never written (see `addAwarenessClient`). */
const NO_AWARENESS_CLIENTS: ReadonlySet<number> = new Set<number>();

let nextConnectionId = 1;

/** Arrival times kept per socket for the ack-latency metric, at most (a socket with more unacked frames stops timing them). */
const MAX_TIMED_FRAMES = 10_000;

export class Connection {
  readonly id = nextConnectionId++;
  /** performance.now() at open, in whole ms (a small integer, stored unboxed). */
  private readonly openedAtMs = Math.round(performance.now());
  /** Update-bearing sync frames (step 2, update) received on this socket. */
  updateFramesReceived = 0;
  /** The count carried by the last `saved` ack sent to this socket (set through `acked`). */
  updateFramesAcked = 0;
  /** When each update frame not acked yet arrived (performance.now()), for the ack-latency metric; null while none waits. */
  private unackedSince: number[] | null = null;
  /**
   * The index (1-based, among update frames) of the first frame that is not
   * stored: held for missing dependencies, or dropped because this socket is a
   * viewer. Acks never pass it, since `saved` promises a prefix of the frames.
   */
  unstoredFrom: number | null = null;
  /** Updates waiting for structs they build on, oldest first (heldUpdates.ts); null while there are none. */
  held: HeldUpdate[] | null = null;
  /** Closes this socket if its held updates wait too long. */
  heldTimer: NodeJS.Timeout | null = null;
  private ownedAwareness: Set<number> | null = null;
  bytesIn = 0;
  bytesOut = 0;
  /** Set by the keepalive: false after a ping until the pong arrives. */
  alive = true;
  /** Set while this socket's writes are corked until the end of the tick (see `send`). */
  corked = false;
  /** Token bucket (rule R13): tokens left (negative: in debt), and when it was last refilled. */
  private tokens: number;
  private refilledAt = 0;
  private throttling: Throttling | null = null;

  constructor(
    readonly socket: WebSocket,
    readonly room: string,
    /** The room object this socket's frames go to (set by the relay once the room is open). */
    public target: Room,
    /** The client asked for `saved` acks (`?acks=1`). */
    readonly wantsAcks: boolean,
    /** The client asked for its sync step 2 as a deflated V2 update (`?sync=v2z`, COMPACT_SYNC). */
    readonly compactSync: boolean,
    private readonly metrics: Metrics,
    /** Editor, or viewer (a protected room opened with its view key). */
    readonly role: Role,
    /** The client's address, for the per-IP connection limit and logs. */
    readonly ip: string,
    private readonly rateLimit: RateLimit,
  ) {
    this.tokens = rateLimit.burst;
    this.takesOurFrames = socket.extensions === ''; // (ws builds that string anew at each read)
  }

  /** No extension was negotiated: frames built by `binaryFrame` can go on the wire as they are (`sendFramed`). */
  private readonly takesOurFrames: boolean;

  /** Milliseconds since the socket opened. */
  get ageMs(): number {
    return Math.round(performance.now()) - this.openedAtMs;
  }

  /** Awareness client ids this socket has published; removed when it closes. */
  get awarenessClients(): ReadonlySet<number> {
    return this.ownedAwareness ?? NO_AWARENESS_CLIENTS;
  }

  addAwarenessClient(id: number): void {
    (this.ownedAwareness ??= new Set()).add(id);
  }

  removeAwarenessClient(id: number): void {
    if (!this.ownedAwareness?.delete(id) || this.ownedAwareness.size > 0) return;
    this.ownedAwareness = null;
  }

  /**
   * Takes one token: `burst` frames at once, refilled at `perSecond`. Frames
   * that arrive with the bucket empty are still handled (they were already
   * read) and put it in debt; returns 0, or the milliseconds to stop reading
   * the socket (backpressure, rule R13) for the bucket to be back at zero.
   */
  takeToken(now = performance.now()): number {
    this.refill(now);
    this.tokens -= 1;
    return this.rateWait(now);
  }

  /** Milliseconds until the bucket is out of debt (0 if it is not in debt). */
  rateWait(now = performance.now()): number {
    this.refill(now);
    return this.tokens >= 0 ? 0 : (-this.tokens * 1_000) / this.rateLimit.perSecond;
  }

  private refill(now: number): void {
    // A full bucket stays full: nothing to add, and its last refill time does not matter.
    if (this.tokens < this.rateLimit.burst) {
      this.tokens = Math.min(this.rateLimit.burst, this.tokens + ((now - this.refilledAt) * this.rateLimit.perSecond) / 1_000);
    }
    this.refilledAt = now;
  }

  /** How many of this socket's update frames may be acked as saved. */
  get ackableFrames(): number {
    return this.unstoredFrom === null ? this.updateFramesReceived : this.unstoredFrom - 1;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(frame: Uint8Array): void {
    if (!this.isOpen) return;
    this.corkUntilNextTick();
    this.socket.send(frame, { binary: true });
    this.sent(frame.byteLength);
  }

  /**
   * Sends `frame`, already framed for the wire as `wire` (wireFrame.ts: one
   * framing for every socket of a broadcast). A socket that negotiated an
   * extension gets it through ws, which frames it for that extension.
   */
  sendFramed(frame: Uint8Array, wire: Buffer): void {
    if (!this.isOpen) return;
    this.corkUntilNextTick();
    const tcp = this.tcp;
    // (The same write ws's sender makes; with no extension its queue is always empty.)
    if (tcp && this.takesOurFrames) tcp.write(wire);
    else this.socket.send(frame, { binary: true });
    this.sent(frame.byteLength);
  }

  private sent(bytes: number): void {
    this.bytesOut += bytes;
    this.metrics.messagesOut.inc();
    this.metrics.bytesOut.inc(bytes);
  }

  /** ws's TCP socket (undefined before it is set up). */
  private get tcp(): Socket | undefined {
    return (this.socket as unknown as { _socket?: Socket })._socket;
  }

  /**
   * Holds this socket's writes until the end of the current tick, so the frames
   * fanned out to it in one tick leave in one system call instead of one each
   * (fan-out was bound by writev calls). ws corks per frame too; corks nest.
   */
  private corkUntilNextTick(): void {
    if (this.corked) return;
    const tcp = this.tcp;
    if (!tcp) return;
    this.corked = true;
    tcp.cork();
    process.nextTick(uncork, this, tcp);
  }

  /** Counts an update-bearing frame that just arrived. */
  updateFrameReceived(): void {
    this.updateFramesReceived++;
    if (!this.wantsAcks || this.role === Role.viewer) return; // a viewer's frames are never acked
    const since = (this.unackedSince ??= []);
    // Bounded however long frames wait (held ones, a storage outage).
    if (since.length < MAX_TIMED_FRAMES) since.push(performance.now());
  }

  /** Records that the `saved` ack about to be sent covers `frames` update frames. */
  acked(frames: number): void {
    const newly = frames - this.updateFramesAcked;
    this.updateFramesAcked = frames;
    const since = this.unackedSince;
    if (!since || newly <= 0) return;
    const now = performance.now();
    const done = Math.min(newly, since.length);
    for (let i = 0; i < done; i++) this.metrics.ackLatency.observe((now - since[i]) / 1_000);
    since.splice(0, done);
    if (since.length === 0) this.unackedSince = null;
  }

  /** Rate-limit pauses so far on this socket. */
  get throttles(): number {
    return this.throttling?.count ?? 0;
  }

  /** Their total length in ms. */
  get throttledMs(): number {
    return this.throttling?.ms ?? 0;
  }

  /** True while reading is paused by the rate limit (see `throttle`). */
  get throttled(): boolean {
    return (this.throttling?.timer ?? null) !== null;
  }

  /**
   * Stops reading this socket until its token bucket is out of debt: the
   * client's frames wait in TCP buffers (its own, mostly) instead of being
   * refused. Returns true when this starts a pause (false if already paused).
   */
  throttle(waitMs: number): boolean {
    if (this.throttled || !this.isOpen) return false;
    const throttling = (this.throttling ??= { timer: null, count: 0, ms: 0 });
    const started = performance.now();
    throttling.count++;
    this.socket.pause();
    const resumeLater = (ms: number) => {
      throttling.timer = setTimeout(() => {
        // Frames already buffered when reading paused were handled meanwhile: the debt may have grown.
        const more = this.rateWait();
        if (more > 0 && this.isOpen) return resumeLater(more);
        throttling.timer = null;
        const paused = performance.now() - started;
        throttling.ms += paused;
        this.metrics.throttledMs.inc(paused);
        this.socket.resume();
      }, Math.ceil(ms));
      throttling.timer.unref();
    };
    resumeLater(waitMs);
    return true;
  }

  /** Stops timers of a closed socket. */
  dispose(): void {
    if (this.throttling?.timer) clearTimeout(this.throttling.timer);
    if (this.throttling) this.throttling.timer = null;
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.CLOSED || this.socket.readyState === WebSocket.CLOSING) return;
    this.socket.close(code, reason.slice(0, 120));
  }
}

/** The end of a tick's cork (a module function, not a closure per send). */
function uncork(connection: Connection, tcp: Socket): void {
  connection.corked = false;
  tcp.uncork();
}

/**
 * Sends `frame` to every socket of `connections` but `except`, framed for the
 * wire once when more than one gets it (wireFrame.ts). Measured on fan-out to
 * 10 readers (bench/fanout.ts): ws's framing per socket was ~a quarter of
 * what the relay's main thread allocated per update.
 */
export function broadcast(connections: Iterable<Connection>, frame: Uint8Array, except?: Connection): void {
  let wire: Buffer | null = null;
  let first: Connection | null = null; // sent once it is known not to be the only one
  for (const connection of connections) {
    if (connection === except || !connection.isOpen) continue;
    if (first === null && wire === null) {
      first = connection;
      continue;
    }
    wire ??= binaryFrame(frame);
    first?.sendFramed(frame, wire);
    first = null;
    connection.sendFramed(frame, wire);
  }
  first?.send(frame); // alone: sent as any frame is
}
