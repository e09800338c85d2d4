/**
 * A pub/sub link to the other relays. `redisTransport.ts` is the real one;
 * `MemoryHub` below joins relays in one process for unit tests, with a switch
 * to cut the link (what a Redis restart looks like to the relays).
 *
 * Publishing never queues: while the link is down a message is dropped (and
 * counted), because the catch-up that runs when the link comes back sends
 * everything that was missed, and an outage must not grow a queue in memory.
 */

export interface Transport {
  /** True if the message was handed to the link; false (dropped) while it is down. */
  publish(channel: string, message: Uint8Array): boolean;
  /** Resolves once messages on `channel` are delivered (or, while down, once the link is back). */
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): void;
  /** Every message on a subscribed channel, in the order the link delivers them. */
  onMessage(handler: (channel: string, message: Uint8Array) => void): void;
  /** Called each time the link becomes usable (first connection and every reconnection), after resubscribing. */
  onUp(handler: () => void): void;
  /** Called when a usable link is lost. */
  onDown(handler: () => void): void;
  readonly isUp: boolean;
  close(): Promise<void>;
}

/** In-memory pub/sub for tests: delivery is asynchronous and ordered, like Redis'. */
export class MemoryHub {
  private readonly transports = new Set<MemoryTransport>();
  private up = true;

  transport(): MemoryTransport {
    const transport = new MemoryTransport(this);
    this.transports.add(transport);
    queueMicrotask(() => transport.setUp(this.up));
    return transport;
  }

  /** Takes the whole hub down (messages in this state are lost) or brings it back. */
  setUp(up: boolean): void {
    this.up = up;
    for (const transport of this.transports) transport.setUp(up);
  }

  get isUp(): boolean {
    return this.up;
  }

  /** @internal */
  deliver(channel: string, message: Uint8Array): void {
    for (const transport of this.transports) {
      if (transport.subscribed.has(channel)) transport.deliver(channel, message);
    }
  }

  /** @internal */
  remove(transport: MemoryTransport): void {
    this.transports.delete(transport);
  }
}

/** One relay's link to a MemoryHub; `setUp(false)` cuts this relay alone off (a crash, as the others see it). */
export class MemoryTransport implements Transport {
  readonly subscribed = new Set<string>();
  private messageHandlers: Array<(channel: string, message: Uint8Array) => void> = [];
  private upHandlers: Array<() => void> = [];
  private downHandlers: Array<() => void> = [];
  private waiting: Array<() => void> = [];
  private up = false;
  private closed = false;

  constructor(private readonly hub: MemoryHub) {}

  get isUp(): boolean {
    return this.up;
  }

  setUp(up: boolean): void {
    if (this.closed || up === this.up) return;
    this.up = up;
    if (up) {
      const waiting = this.waiting;
      this.waiting = [];
      for (const resolve of waiting) resolve();
      for (const handler of this.upHandlers) handler();
    } else {
      for (const handler of this.downHandlers) handler();
    }
  }

  publish(channel: string, message: Uint8Array): boolean {
    if (!this.up || !this.hub.isUp) return false;
    const copy = Uint8Array.from(message);
    setImmediate(() => this.hub.deliver(channel, copy));
    return true;
  }

  deliver(channel: string, message: Uint8Array): void {
    if (!this.up) return;
    for (const handler of this.messageHandlers) handler(channel, message);
  }

  subscribe(channel: string): Promise<void> {
    this.subscribed.add(channel);
    if (this.up) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  unsubscribe(channel: string): void {
    this.subscribed.delete(channel);
  }

  onMessage(handler: (channel: string, message: Uint8Array) => void): void {
    this.messageHandlers.push(handler);
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
    this.hub.remove(this);
  }
}
