/**
 * A TCP proxy in front of Redis for one relay: its link to the others can be
 * delayed (a relay in another datacenter: every chunk waits `delayMs` each
 * way, order kept) or cut (a network partition: open connections are reset
 * and new ones refused until `restore`). Used by the cluster tests and
 * `npm run bench -- cluster`.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface NetProxy {
  readonly port: number;
  readonly url: string;
  /** One-way delay added to every chunk, both directions. */
  delayMs: number;
  /** Resets every connection through the proxy and refuses new ones. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startNetProxy(targetPort: number, { delayMs = 0 } = {}): Promise<NetProxy> {
  const open = new Set<Socket>();
  let cut = false;
  const pipe = (from: Socket, to: Socket, proxy: NetProxy) => {
    let lastAt = 0;
    from.on('data', (chunk) => {
      if (proxy.delayMs <= 0) return void to.write(chunk);
      // Later chunks never overtake earlier ones: each leaves at or after the one before.
      const at = Math.max(performance.now() + proxy.delayMs, lastAt);
      lastAt = at;
      setTimeout(() => to.writable && to.write(chunk), at - performance.now());
    });
  };
  const server = createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    pipe(client, upstream, proxy);
    pipe(upstream, client, proxy);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const proxy: NetProxy = {
    port,
    url: `redis://127.0.0.1:${port}`,
    delayMs,
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      cut = false;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
