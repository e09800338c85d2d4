/**
 * The cluster fixture: a real Redis on a free port and two relays, A and B,
 * each with its own DATA_DIR, started fresh for every test; plus the named
 * actors of e2e/fixtures.ts (each its own browser context).
 */
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { test as base } from '../e2e/fixtures';
import { startRedis, startRelay, type RedisProcess, type RelayOptions, type RelayProcess } from './cluster';

/** Rooms without sockets unload after 1 s here, so tests can reach "stored but not loaded" quickly. */
export const RELAY_ENV = { ROOM_IDLE_UNLOAD_MS: '1000', CLUSTER_HEARTBEAT_MS: '1000' };

export interface Cluster {
  redis: RedisProcess;
  a: RelayProcess;
  b: RelayProcess;
  /** Another relay on the same Redis (or, with `redisUrl`, reaching it another way); stopped after the test. */
  addRelay(options: Omit<RelayOptions, 'redisUrl'> & { redisUrl?: string }): Promise<RelayProcess>;
}

export const test = base.extend<{ cluster: Cluster; relayEnv: Record<string, string> }>({
  /** Extra environment for every relay of a test (`test.use({ relayEnv: { REPLICATION_ACKS: '2' } })`). */
  relayEnv: [{}, { option: true }],
  cluster: async ({ relayEnv }, use) => {
    const redis = await startRedis();
    const relays: RelayProcess[] = [];
    const addRelay = async (options: Omit<RelayOptions, 'redisUrl'> & { redisUrl?: string }) => {
      const relay = await startRelay({ redisUrl: redis.url, ...options, env: { ...RELAY_ENV, ...relayEnv, ...options.env } });
      relays.push(relay);
      return relay;
    };
    const [a, b] = await Promise.all([addRelay({ relayId: 'A' }), addRelay({ relayId: 'B' })]);
    await use({ redis, a, b, addRelay });
    await Promise.all(relays.map((relay) => relay.stop()));
    await redis.stop();
  },
});

export { expect, occurrences, tokens, type Actor } from '../e2e/fixtures';

/** A stock y-websocket client (the npm package as anyone would use it) on one relay. */
export async function stockClient(relay: RelayProcess, room: string): Promise<{ doc: Y.Doc; provider: WebsocketProvider }> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(relay.wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  return { doc, provider };
}
