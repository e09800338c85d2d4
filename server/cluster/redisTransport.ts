/**
 * The cluster's link over Redis pub/sub (ioredis): one connection publishes,
 * one subscribes (a subscribed connection can do nothing else).
 *
 * Why pub/sub and not streams: a relay needs only what it lacks, which it can
 * name exactly with a Yjs state vector; the catch-up (relayCluster.ts) asks
 * for it on load, on reconnect and periodically. Streams would give replay of
 * a retained window, but need trimming, and a relay away longer than the
 * window needs the state-vector catch-up anyway. So Redis keeps nothing.
 *
 * The publisher has no offline queue: while Redis is away, publishing fails
 * at once (the message is dropped and counted) instead of piling up in
 * memory; the catch-up after reconnecting carries what was dropped.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../log';
import type { Transport } from './transport';

/** Reconnect quickly, but not in a tight loop: 100 ms, 200 ms, … capped at 1 s. */
const retryStrategy = (attempt: number) => Math.min(attempt * 100, 1_000);

export class RedisTransport implements Transport {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private up = false;
  private closed = false;
  private upHandlers: Array<() => void> = [];
  private downHandlers: Array<() => void> = [];
  private lastError: string | null = null;

  constructor(
    url: string,
    relayId: string,
    private readonly log: Logger,
  ) {
    const common = { retryStrategy, connectionName: `concord-${relayId}`, maxRetriesPerRequest: null };
    this.publisher = new Redis(url, { ...common, enableOfflineQueue: false });
    this.subscriber = new Redis(url, { ...common, autoResubscribe: true });
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('ready', () => this.checkUp());
      connection.on('close', () => this.setDown());
      connection.on('error', (error: Error) => {
        // One line per distinct error, not one per reconnect attempt.
        if (error.message === this.lastError) return;
        this.lastError = error.message;
        this.log.warn({ err: error.message, url: redactedUrl(url) }, 'redis connection error');
      });
    }
  }

  get isUp(): boolean {
    return this.up;
  }

  private checkUp(): void {
    if (this.up || this.closed) return;
    if (this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') return;
    // 'ready' is emitted before ioredis re-sends SUBSCRIBE: a PING queued after
    // them answers once our channels are subscribed again.
    setImmediate(() => {
      this.subscriber.ping().then(
        () => {
          if (this.up || this.closed || this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') return;
          this.up = true;
          this.lastError = null;
          for (const handler of this.upHandlers) handler();
        },
        () => {}, // the connection dropped again: its next 'ready' retries
      );
    });
  }

  private setDown(): void {
    if (!this.up) return;
    this.up = false;
    for (const handler of this.downHandlers) handler();
  }

  publish(channel: string, message: Uint8Array): boolean {
    if (!this.up) return false;
    this.publisher.publish(channel, Buffer.from(message.buffer, message.byteOffset, message.byteLength)).catch(() => {
      // Lost with the connection; the catch-up after reconnecting carries it.
    });
    return true;
  }

  async subscribe(channel: string): Promise<void> {
    await this.subscriber.subscribe(channel);
  }

  unsubscribe(channel: string): void {
    this.subscriber.unsubscribe(channel).catch(() => {});
  }

  onMessage(handler: (channel: string, message: Uint8Array) => void): void {
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => handler(channel.toString(), message));
  }

  onUp(handler: () => void): void {
    this.upHandlers.push(handler);
  }

  onDown(handler: () => void): void {
    this.downHandlers.push(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.up = false;
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://?';
  }
}
