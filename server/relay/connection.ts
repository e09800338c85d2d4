/**
 * One client's WebSocket inside a room: what it sent, what it was acked, which
 * awareness (presence) entries it owns, and how to send to it or close it.
 */
import { WebSocket } from 'ws';
import type { Role } from '../../src/protocol/constants';
import type { Metrics } from '../metrics';
import type { ScannedUpdate } from './updateScan';

/** An update that arrived before something it builds on; it waits on its socket (heldUpdates.ts). */
export interface HeldUpdate {
  frame: Uint8Array;
  update: Uint8Array;
  scan: ScannedUpdate;
}

/**
 * Token bucket: `burst` frames at once, refilled at `perSecond`. Frames that
 * arrive with the bucket empty are still handled (they were already read) and
 * put it in debt; `take()` then says how long to stop reading the socket
 * (backpressure, rule R13) for the bucket to be back at zero.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt = performance.now();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }

  /** Takes one token; returns 0, or the milliseconds until the debt is paid. */
  take(now = performance.now()): number {
    this.refill(now);
    this.tokens -= 1;
    return this.wait(now);
  }

  /** Milliseconds until the bucket is out of debt (0 if it is not in debt). */
  wait(now = performance.now()): number {
    this.refill(now);
    return this.tokens >= 0 ? 0 : (-this.tokens * 1_000) / this.perSecond;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.perSecond) / 1_000);
    this.refilledAt = now;
  }
}

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  readonly openedAt = Date.now();
  /** Update-bearing sync frames (step 2, update) received on this socket. */
  updateFramesReceived = 0;
  /** The count carried by the last `saved` ack sent to this socket. */
  updateFramesAcked = 0;
  /**
   * The index (1-based, among update frames) of the first frame that is not
   * stored: held for missing dependencies, or dropped because this socket is a
   * viewer. Acks never pass it, since `saved` promises a prefix of the frames.
   */
  unstoredFrom: number | null = null;
  /** Updates waiting for structs they build on, oldest first. */
  readonly held: HeldUpdate[] = [];
  /** Closes this socket if its held updates wait too long. */
  heldTimer: NodeJS.Timeout | null = null;
  /** Awareness client ids this socket has published; removed when it closes. */
  readonly awarenessClients = new Set<number>();
  bytesIn = 0;
  bytesOut = 0;
  /** Set by the keepalive: false after a ping until the pong arrives. */
  alive = true;

  constructor(
    readonly socket: WebSocket,
    readonly room: string,
    /** The client asked for `saved` acks (`?acks=1`). */
    readonly wantsAcks: boolean,
    private readonly metrics: Metrics,
    /** Editor, or viewer (a protected room opened with its view key). */
    readonly role: Role,
    /** The client's address, for the per-IP connection limit and logs. */
    readonly ip: string,
    readonly bucket: TokenBucket,
  ) {}

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
    this.bytesOut += frame.byteLength;
    this.metrics.messagesOut.inc();
    this.metrics.bytesOut.inc(frame.byteLength);
  }

  /**
   * Holds this socket's writes until the end of the current tick, so the frames
   * fanned out to it in one tick leave in one system call instead of one each
   * (fan-out was bound by writev calls). ws corks per frame too; corks nest.
   */
  private corked = false;
  private corkUntilNextTick(): void {
    if (this.corked) return;
    const tcp = (this.socket as unknown as { _socket?: import('node:net').Socket })._socket;
    if (!tcp) return;
    this.corked = true;
    tcp.cork();
    process.nextTick(() => {
      this.corked = false;
      tcp.uncork();
    });
  }

  /** Set while reading is paused by the rate limit (see `throttle`). */
  private throttleTimer: NodeJS.Timeout | null = null;
  /** Rate-limit pauses so far on this socket, and their total length. */
  throttles = 0;
  throttledMs = 0;

  get throttled(): boolean {
    return this.throttleTimer !== null;
  }

  /**
   * Stops reading this socket until its token bucket is out of debt: the
   * client's frames wait in TCP buffers (its own, mostly) instead of being
   * refused. Returns true when this starts a pause (false if already paused).
   */
  throttle(waitMs: number): boolean {
    if (this.throttleTimer || !this.isOpen) return false;
    const started = performance.now();
    this.throttles++;
    this.socket.pause();
    const resumeLater = (ms: number) => {
      this.throttleTimer = setTimeout(() => {
        // Frames already buffered when reading paused were handled meanwhile: the debt may have grown.
        const more = this.bucket.wait();
        if (more > 0 && this.isOpen) return resumeLater(more);
        this.throttleTimer = null;
        const paused = performance.now() - started;
        this.throttledMs += paused;
        this.metrics.throttledMs.inc(paused);
        this.socket.resume();
      }, Math.ceil(ms));
      this.throttleTimer.unref();
    };
    resumeLater(waitMs);
    return true;
  }

  /** Stops timers of a closed socket. */
  dispose(): void {
    if (this.throttleTimer) clearTimeout(this.throttleTimer);
    this.throttleTimer = null;
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.CLOSED || this.socket.readyState === WebSocket.CLOSING) return;
    this.socket.close(code, reason.slice(0, 120));
  }
}
