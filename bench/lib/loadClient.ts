/**
 * The load generator's client: one raw WebSocket speaking the y-websocket sync
 * and awareness protocol by hand, for every server in the bench. It can skip
 * building a Y.Doc (readers only need to know which update arrived when), so
 * one load-generator process can drive hundreds of sockets.
 *
 * Two dialects of the same protocol:
 * - `y-websocket` (Concord, @y/websocket-server): frames are
 *   `[varuint type][body]`, the room is in the URL path.
 * - `hocuspocus`: every frame is prefixed with the document name
 *   (`varString`), the client sends an auth message (empty token) first, sync
 *   replies may come as type 4 (SyncReply), and updates are answered with a
 *   type 8 SyncStatus frame.
 */
import { inflateRawSync } from 'node:zlib';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeUpdate, isUpdateFrame, readSavedBody, readSyncBody } from '../../src/protocol/codec';
import { COMPACT_SYNC, MessageType, SYNC_QUERY_PARAM, SyncStep } from '../../src/protocol/constants';

export type Dialect = 'y-websocket' | 'hocuspocus';

/** Hocuspocus' own message types (its dialect, not Concord's protocol: src/protocol/codec.ts has ours). */
const HOCUSPOCUS_AUTH = 2;
const HOCUSPOCUS_SYNC_REPLY = 4;
const HOCUSPOCUS_SYNC_STATUS = 8;
const EMPTY_UPDATE = Uint8Array.of(0, 0);
const EMPTY_STATE_VECTOR = Uint8Array.of(0);

export interface LoadClientOptions {
  url: string;
  room: string;
  dialect: Dialect;
  /** Keep a Y.Doc and apply everything received (for verification and cold loads). */
  keepDoc?: boolean;
  /** Concord's compact sync: the URL asks `sync=v2z` and the step 2 is a raw-deflated V2 update (docs/PROTOCOL.md). */
  compactSync?: boolean;
  /** Called for every sync update (not step 2) received, with performance.now() at arrival. */
  onUpdate?: (update: Uint8Array, receivedAt: number) => void;
  /** Called for every acknowledgement: Concord's `saved` (count of committed frames) or Hocuspocus' SyncStatus (count of statuses so far). */
  onAck?: (count: number, receivedAt: number) => void;
}

export class LoadClient {
  readonly socket: WebSocket;
  readonly doc: Y.Doc | null;
  readonly startedAt = performance.now();
  readonly opened: Promise<void>;
  readonly synced: Promise<void>;
  syncedAt = NaN;
  /** Bytes of WebSocket message payloads received (what the protocol sent). */
  bytesReceived = 0;
  framesReceived = 0;
  updatesReceived = 0;
  awarenessReceived = 0;
  step2Received = 0;
  /** Concord: committedUpdateFrames of the last `saved` ack. Hocuspocus: SyncStatus frames received. */
  acked = 0;
  /** Sync step 2 and update frames sent: what Concord's `saved` acks count. */
  updateFramesSent = 0;
  closeCode: number | null = null;
  private readonly prefix: Uint8Array | null;
  private resolveSynced!: () => void;
  private waiters: Array<() => void> = [];

  constructor(private readonly options: LoadClientOptions) {
    this.doc = options.keepDoc ? new Y.Doc() : null;
    if (options.dialect === 'hocuspocus') {
      const encoder = encoding.createEncoder();
      encoding.writeVarString(encoder, options.room);
      this.prefix = encoding.toUint8Array(encoder);
    } else {
      this.prefix = null;
    }
    this.synced = new Promise((resolve) => (this.resolveSynced = resolve));
    this.socket = new WebSocket(options.compactSync ? `${options.url}${options.url.includes('?') ? '&' : '?'}${SYNC_QUERY_PARAM}=${COMPACT_SYNC}` : options.url);
    this.socket.binaryType = 'nodebuffer';
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('error', () => {}); // the close event tells the rest
    this.socket.once('close', (code) => {
      this.closeCode = code;
      this.notify();
    });
    this.socket.on('message', (data: Buffer) => this.receive(data));
    this.socket.once('open', () => {
      if (options.dialect === 'hocuspocus') {
        const auth = encoding.createEncoder();
        encoding.writeVarUint(auth, HOCUSPOCUS_AUTH);
        encoding.writeVarUint(auth, 0); // AuthMessageType.Token
        encoding.writeVarString(auth, '');
        this.send(encoding.toUint8Array(auth));
      }
      this.sendStep1(this.doc ? Y.encodeStateVector(this.doc) : EMPTY_STATE_VECTOR);
    });
  }

  /** Sends one y-websocket frame (`[type][body]`), prefixed as the dialect needs. */
  send(frame: Uint8Array): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (isUpdateFrame(frame)) this.updateFramesSent++;
    if (!this.prefix) {
      this.socket.send(frame);
      return;
    }
    const prefixed = new Uint8Array(this.prefix.length + frame.length);
    prefixed.set(this.prefix, 0);
    prefixed.set(frame, this.prefix.length);
    this.socket.send(prefixed);
  }

  sendUpdate(update: Uint8Array): void {
    this.send(encodeUpdate(update));
  }

  sendStep1(stateVector: Uint8Array): void {
    this.send(encodeSyncStep1(stateVector));
  }

  /** Sends an encoded awareness update (y-protocols/awareness encodeAwarenessUpdate). */
  sendAwareness(update: Uint8Array): void {
    this.send(encodeAwareness(update));
  }

  /** TCP bytes read on this socket, including the HTTP upgrade response and frame headers. */
  get socketBytesRead(): number {
    return (this.socket as unknown as { _socket?: { bytesRead: number } })._socket?.bytesRead ?? NaN;
  }

  /** Resolves when `predicate` holds (checked after every frame and every 50 ms). */
  async until(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (this.closeCode !== null) throw new Error(`socket closed (${this.closeCode}) while waiting for ${what}`);
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  private receive(data: Buffer): void {
    const receivedAt = performance.now();
    this.bytesReceived += data.length;
    this.framesReceived++;
    const decoder = decoding.createDecoder(data);
    if (this.prefix) {
      const nameLength = decoding.readVarUint(decoder); // skip the document name
      decoder.pos += nameLength;
    }
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync:
      case HOCUSPOCUS_SYNC_REPLY:
        this.receiveSync(decoder, receivedAt);
        break;
      case MessageType.awareness:
        this.awarenessReceived++;
        break;
      case MessageType.saved:
        this.acked = readSavedBody(decoder).committedUpdateFrames;
        this.options.onAck?.(this.acked, receivedAt);
        break;
      case HOCUSPOCUS_SYNC_STATUS:
        this.acked++;
        this.options.onAck?.(this.acked, receivedAt);
        break;
      default:
        break; // auth replies and the like
    }
    this.notify();
  }

  private receiveSync(decoder: decoding.Decoder, receivedAt: number): void {
    const { step, payload } = readSyncBody(decoder);
    switch (step) {
      case SyncStep.step1:
        this.send(encodeSyncStep2(this.doc ? Y.encodeStateAsUpdate(this.doc, payload) : EMPTY_UPDATE));
        return;
      case SyncStep.step2:
        if (this.doc && this.options.compactSync) Y.applyUpdateV2(this.doc, inflateRawSync(payload), 'relay');
        else if (this.doc) Y.applyUpdate(this.doc, payload, 'relay');
        this.step2Received++;
        if (this.step2Received === 1) {
          this.syncedAt = performance.now();
          this.resolveSynced();
        }
        return;
      case SyncStep.update:
        if (this.doc) Y.applyUpdate(this.doc, payload, 'relay');
        this.updatesReceived++;
        this.options.onUpdate?.(payload, receivedAt);
        return;
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * The (client, clock) of the first struct in a Yjs v1 update, read from its
 * header without applying it: identifies which writer's which update arrived.
 */
export function firstStructId(update: Uint8Array): { client: number; clock: number } | null {
  const decoder = decoding.createDecoder(update);
  if (decoding.readVarUint(decoder) === 0) return null;
  decoding.readVarUint(decoder); // number of structs
  const client = decoding.readVarUint(decoder);
  const clock = decoding.readVarUint(decoder);
  return { client, clock };
}

/**
 * A writer's Y.Doc that produces small updates on demand (one character
 * inserted at a random place in its own text, as typing does) without sending them.
 */
export class UpdateSource {
  readonly doc = new Y.Doc();
  private readonly text: Y.Text;
  private last: Uint8Array | null = null;
  private seed: number;

  constructor(seed = 1, textName = 'bench') {
    this.seed = seed;
    this.text = this.doc.getText(textName);
    this.doc.on('update', (update: Uint8Array) => (this.last = update));
  }

  get clientId(): number {
    return this.doc.clientID;
  }

  /** The clock the next update's first struct will carry. */
  get nextClock(): number {
    return Y.getState(this.doc.store, this.doc.clientID);
  }

  next(): Uint8Array {
    this.seed = (this.seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const position = this.seed % (this.text.length + 1);
    this.text.insert(position, String.fromCharCode(97 + (this.seed % 26)));
    return this.last!;
  }

  toString(): string {
    return this.text.toString();
  }
}

/** Opens `count` clients, `concurrency` handshakes at a time, and waits until each is synced. */
export async function connectMany(
  count: number,
  make: (index: number) => LoadClient,
  concurrency = 50,
  timeoutMs = 60_000,
): Promise<LoadClient[]> {
  const clients: LoadClient[] = new Array(count);
  let next = 0;
  const deadline = Date.now() + timeoutMs;
  async function worker(): Promise<void> {
    while (next < count) {
      const index = next++;
      const client = make(index);
      clients[index] = client;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`client ${index} did not sync within ${timeoutMs} ms`)), deadline - Date.now());
      });
      try {
        await Promise.race([client.opened.then(() => client.synced), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return clients;
}

export async function closeAll(clients: LoadClient[]): Promise<void> {
  await Promise.all(clients.filter(Boolean).map((client) => client.close()));
}
