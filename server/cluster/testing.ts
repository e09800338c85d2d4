/**
 * Test support for the cluster: relays on random ports, each with its own data
 * directory, joined through an in-memory hub (transport.ts) instead of Redis;
 * the same code path as with Redis. Used by relayCluster.test.ts and
 * replication.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { startConcord, type Concord } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { eventually, readMetric } from '../relay/testing';
import type { MemoryHub, MemoryTransport } from './transport';

export interface ClusterTestRelay {
  concord: Concord;
  /** Its link to the hub; undefined for a relay started without one (no cluster). */
  transport: MemoryTransport | undefined;
  dir: string;
  ws(room: string): string;
  metric(name: string, labels?: string): Promise<number>;
  /** Other relays it has heard heartbeats from (`cluster.peers` in /healthz). */
  peers(): Promise<number>;
  /** The document as this relay's store holds it (loaded or not). */
  stored(room: string): Y.Doc;
  close(): Promise<void>;
}

const running = new Set<Concord>();
const dirs: string[] = [];

/**
 * A relay named `relayId` joined to `hub` (none: a single relay), on `dataDir`
 * or a fresh directory removed by stopClusterRelays. Heartbeats every 100 ms and
 * anti-entropy every 300 ms unless `env` says otherwise.
 */
export async function startClusterRelay(
  hub: MemoryHub | null,
  relayId: string,
  env: Record<string, string> = {},
  dataDir?: string,
): Promise<ClusterTestRelay> {
  const transport = hub?.transport();
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'concord-cluster-'));
  if (!dataDir) dirs.push(dir);
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    STATIC_DIR: join(dir, 'no-app'),
    RELAY_ID: relayId,
    CLUSTER_HEARTBEAT_MS: '100',
    CLUSTER_ANTI_ENTROPY_MS: '300',
    ...env,
  });
  const concord = await startConcord(config, createLogger('silent'), transport ? { clusterTransport: transport } : {});
  running.add(concord);
  return {
    concord,
    transport,
    dir,
    ws: (room) => `ws://127.0.0.1:${concord.port}/ws/${room}?acks=1`,
    metric: (name, labels = '') => readMetric(concord.url, name, labels),
    peers: async () => ((await (await fetch(`${concord.url}/healthz`)).json()) as { cluster: { peers: number } }).cluster.peers,
    stored(room) {
      const doc = new Y.Doc();
      const state = concord.rooms.storedState(room);
      if (state) Y.applyUpdate(doc, state);
      return doc;
    },
    async close() {
      running.delete(concord);
      await concord.close();
    },
  };
}

/** Resolves once each relay has heard every other's heartbeats. */
export async function heartbeatsExchanged(...relays: ClusterTestRelay[]): Promise<void> {
  await eventually(async () => (await Promise.all(relays.map((r) => r.peers()))).every((n) => n >= relays.length - 1), 'heartbeats exchanged');
}

/** Stops every relay still running and removes the directories made for them (afterEach). */
export async function stopClusterRelays(): Promise<void> {
  for (const concord of [...running]) await concord.close();
  running.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
