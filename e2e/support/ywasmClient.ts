/**
 * A foreign client for interop tests: Yrs (ywasm, the Rust Yjs compiled to
 * wasm) behind a wire codec of its own, behaving like pycrdt-websocket's
 * provider: it sends back the update of every transaction it applies,
 * including the ones it received (echoes), and publishes presence.
 *
 * The codec here is deliberately NOT src/protocol/codec.ts, nor lib0: it is a
 * second, independent reading of the y-websocket wire format (varuints,
 * length-prefixed byte arrays, awareness entries), so a mistake shared by our
 * codec and our relay cannot hide. Nothing here shares Yjs either.
 */
import { WebSocket } from 'ws';
import * as Yrs from 'ywasm';

// ---- the client's own wire codec -------------------------------------------

function writeVarUint(out: number[], value: number): void {
  while (value > 0x7f) {
    out.push(0x80 | (value % 0x80));
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

function writeBytes(out: number[], bytes: Uint8Array): void {
  writeVarUint(out, bytes.length);
  for (const byte of bytes) out.push(byte);
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  varUint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new Error('truncated varuint');
      const byte = this.bytes[this.pos++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  }

  bytesField(): Uint8Array {
    const length = this.varUint();
    if (this.pos + length > this.bytes.length) throw new Error('truncated payload');
    const field = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return field;
  }
}

const SYNC = 0;
const AWARENESS = 1;
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;

function syncMessage(step: number, payload: Uint8Array): Uint8Array {
  const out: number[] = [];
  writeVarUint(out, SYNC);
  writeVarUint(out, step);
  writeBytes(out, payload);
  return Uint8Array.from(out);
}

function awarenessMessage(entries: Array<{ clientId: number; clock: number; state: unknown }>): Uint8Array {
  const update: number[] = [];
  writeVarUint(update, entries.length);
  for (const { clientId, clock, state } of entries) {
    writeVarUint(update, clientId);
    writeVarUint(update, clock);
    writeBytes(update, new TextEncoder().encode(JSON.stringify(state)));
  }
  const out: number[] = [];
  writeVarUint(out, AWARENESS);
  writeBytes(out, Uint8Array.from(update));
  return Uint8Array.from(out);
}

// ---- the client ---------------------------------------------------------------

export interface YwasmClientOptions {
  /** `ws://host:port/ws/<room>` plus any query (e.g. `?acks=1`). */
  url: string;
  /** Yjs client id; random (as Yrs draws it) if not given. */
  clientId?: number;
  /** Send back every applied update, received ones included, as pycrdt-websocket does (default true). */
  echo?: boolean;
  /** Presence state to publish (default `{user: {name: 'ywasm'}}`); null publishes none. */
  presence?: unknown;
}

export class YwasmClient {
  readonly doc: Yrs.YDoc;
  readonly options: Required<Omit<YwasmClientOptions, 'clientId'>>;
  socket: WebSocket | null = null;
  /** Frames received, by kind, over every connection so far. */
  readonly received = { sync: 0, updates: 0, awareness: 0, other: 0 };
  /** Update frames (step 2 and update) sent, echoes included. */
  updatesSent = 0;
  readonly closeCodes: number[] = [];
  /** Awareness states seen from others, by client id. */
  readonly peers = new Map<number, unknown>();
  private presenceClock = 0;
  private applyingRemote = false;
  /**
   * The update subscription, kept: ywasm frees an Observer that is garbage
   * collected (FinalizationRegistry), and the callback then silently stops.
   */
  readonly updateObserver: Yrs.Observer;

  constructor(options: YwasmClientOptions) {
    this.options = { url: options.url, echo: options.echo ?? true, presence: options.presence === undefined ? { user: { name: 'ywasm' } } : options.presence };
    this.doc = new Yrs.YDoc(options.clientId === undefined ? {} : { clientID: options.clientId });
    this.updateObserver = this.doc.onUpdate((update: Uint8Array) => {
      // pycrdt-websocket sends every transaction's update, whatever its origin.
      if (this.applyingRemote && !this.options.echo) return;
      this.sendUpdate(update);
    });
  }

  get clientId(): number {
    return this.doc.id as number;
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Opens a socket and starts the handshake (step 1, presence); resolves once open. */
  connect(): Promise<void> {
    const socket = new WebSocket(this.options.url);
    this.socket = socket;
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data: Buffer) => this.receive(new Uint8Array(data)));
    socket.on('error', () => {});
    socket.on('close', (code) => this.closeCodes.push(code));
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        socket.send(syncMessage(STEP1, Yrs.encodeStateVector(this.doc)));
        this.publishPresence();
        resolve();
      });
      socket.once('error', reject);
    });
  }

  /** Closes the socket (edits made meanwhile go out in the next handshake). */
  async disconnect(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });
  }

  /** Inserts `text` into the `title` Y.Text at `index` (clamped), in one transaction. */
  insertTitle(index: number, text: string): void {
    const title = this.doc.getText('title');
    title.insert(Math.min(index, title.length(undefined)), text, undefined, undefined);
  }

  title(): string {
    return this.doc.getText('title').toString(undefined);
  }

  /** The Yjs state vector, encoded (compare with Y.encodeStateVector of other replicas). */
  stateVector(): Uint8Array {
    return Yrs.encodeStateVector(this.doc);
  }

  encodeState(): Uint8Array {
    return Yrs.encodeStateAsUpdate(this.doc);
  }

  private sendUpdate(update: Uint8Array): void {
    if (!this.connected) return; // sent with the next handshake instead
    this.updatesSent++;
    this.socket!.send(syncMessage(UPDATE, update));
  }

  private publishPresence(): void {
    if (this.options.presence === null || !this.connected) return;
    this.socket!.send(awarenessMessage([{ clientId: this.clientId, clock: ++this.presenceClock, state: this.options.presence }]));
  }

  private receive(frame: Uint8Array): void {
    const reader = new Reader(frame);
    const type = reader.varUint();
    if (type === SYNC) {
      this.received.sync++;
      const step = reader.varUint();
      const payload = reader.bytesField();
      if (step === STEP1) {
        this.updatesSent++;
        this.socket?.send(syncMessage(STEP2, Yrs.encodeStateAsUpdate(this.doc, payload)));
      } else if (step === STEP2 || step === UPDATE) {
        if (step === UPDATE) this.received.updates++;
        this.applyingRemote = true;
        try {
          Yrs.applyUpdate(this.doc, payload, 'relay');
        } finally {
          this.applyingRemote = false;
        }
      }
    } else if (type === AWARENESS) {
      this.received.awareness++;
      const update = new Reader(reader.bytesField());
      const count = update.varUint();
      for (let i = 0; i < count; i++) {
        const clientId = update.varUint();
        update.varUint(); // clock
        const state = JSON.parse(new TextDecoder().decode(update.bytesField())) as unknown;
        if (clientId === this.clientId) continue;
        if (state === null) this.peers.delete(clientId);
        else this.peers.set(clientId, state);
      }
    } else {
      this.received.other++;
    }
  }
}
