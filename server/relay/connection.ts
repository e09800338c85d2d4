/**
 * One client's WebSocket inside a room: what it sent, what it was acked, which
 * awareness (presence) entries it owns, and how to send to it or close it.
 */
import { WebSocket } from 'ws';
import type { Metrics } from '../metrics';

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  readonly openedAt = Date.now();
  /** Update-bearing sync frames (step 2, update) received on this socket. */
  updateFramesReceived = 0;
  /** The count carried by the last `saved` ack sent to this socket. */
  updateFramesAcked = 0;
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
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(frame: Uint8Array): void {
    if (!this.isOpen) return;
    this.socket.send(frame, { binary: true });
    this.bytesOut += frame.byteLength;
    this.metrics.messagesOut.inc();
    this.metrics.bytesOut.inc(frame.byteLength);
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.CLOSED || this.socket.readyState === WebSocket.CLOSING) return;
    this.socket.close(code, reason.slice(0, 120));
  }
}
