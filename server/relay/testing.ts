/**
 * Test support: a relay on a random port with its own data directory, and a
 * raw protocol client that shows every frame (tests of the relay use it
 * instead of a provider so they can see echoes, acks and close codes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { decodeSaved, encodeQueryAwareness, encodeSyncStep1, encodeSyncStep2, encodeUpdate, readFrame, type SavedAck } from '../../src/protocol/codec';
import { MessageType, SyncStep } from '../../src/protocol/constants';
import { startConcord, type Concord } from '../app';
import { loadConfig, type Config } from '../config';
import { createLogger, type Logger } from '../log';

export interface TestRelay {
  concord: Concord;
  config: Config;
  dataDir: string;
  wsUrl: (room: string, query?: string) => string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestRelay(
  env: Record<string, string> = {},
  dataDir?: string,
  /** A logger to capture the relay's lines (default: silent). */
  log: Logger = createLogger('silent'),
): Promise<TestRelay> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'concord-relay-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', STATIC_DIR: join(dir, 'no-app'), ...env });
  const relay: TestRelay = {
    concord: await startConcord(config, log),
    config,
    dataDir: dir,
    wsUrl: (room, query = 'acks=1') => `ws://127.0.0.1:${relay.concord.port}/ws/${room}${query ? `?${query}` : ''}`,
    async restart() {
      await relay.concord.close();
      relay.concord = await startConcord({ ...config, port: relay.concord.port }, log);
    },
    async stop() {
      await relay.concord.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return relay;
}

/** A client that speaks the protocol by hand and records what it receives. */
export class RawClient {
  readonly doc = new Y.Doc();
  readonly socket: WebSocket;
  readonly received: Uint8Array[] = [];
  readonly acks: SavedAck[] = [];
  closeCode: number | null = null;
  private waiters: Array<() => void> = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(url: string, { sync = true, headers }: { sync?: boolean; headers?: Record<string, string> } = {}) {
    this.socket = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.socket.once('close', (code) => {
        this.closeCode = code;
        resolve(code);
        this.notify();
      });
    });
    this.socket.on('message', (data: Buffer) => {
      const frame = new Uint8Array(data);
      this.received.push(frame);
      if (frame[0] === MessageType.saved) this.acks.push(decodeSaved(frame));
      if (sync && frame[0] === MessageType.sync) {
        const decoded = readFrame(frame);
        if (decoded.type === 'sync' && decoded.step === SyncStep.step1) {
          this.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, decoded.payload)));
        } else if (decoded.type === 'sync') {
          Y.applyUpdate(this.doc, decoded.payload, 'relay');
        }
      }
      this.notify();
    });
    if (sync) {
      this.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === 'relay') return;
        this.send(encodeUpdate(update));
      });
      this.opened.then(() => this.send(encodeSyncStep1(Y.encodeStateVector(this.doc))));
    }
  }

  send(frame: Uint8Array | string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
  }

  /** Resolves when `predicate` holds, re-checked after every frame; rejects after `timeoutMs`. */
  async until(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Asks the relay for every awareness state and waits for the answer: every
   * frame the relay sent this socket before it handled the question has then
   * arrived. The barrier for "nothing else came": first wait until the relay
   * has handled what could have sent something (a metric, an ack), then this.
   * (Assumes no other awareness frame arrives meanwhile.)
   */
  async roundTrip(): Promise<void> {
    const awarenessFrames = () => this.received.filter((frame) => frame[0] === MessageType.awareness).length;
    const before = awarenessFrames();
    this.send(encodeQueryAwareness());
    await this.until(() => awarenessFrames() > before, 'the answer to query awareness');
  }

  close(): void {
    this.socket.close();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export const title = (client: RawClient) => client.doc.getText('title').toString();

/** A counter or gauge from the relay's /metrics (`labels` as written there: `kind="update"`); 0 if absent. */
export async function readMetric(relayUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${relayUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/**
 * Resolves when `check` holds, polled every `everyMs` (it may be async, e.g.
 * read /metrics); rejects after `timeoutMs`. For conditions no frame announces;
 * RawClient.until wakes on frames instead.
 */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The HTTP status a WebSocket upgrade gets (101 when it opens; the socket is then closed). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  const socket = new WebSocket(url, { headers });
  return new Promise<number>((resolve) => {
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', () => resolve(-1));
  });
}
