import { describe, expect, it } from 'vitest';
import { loadClusterConfig, ConfigError } from '../config';
import { encodeAwareness, encodeUpdate } from '../../src/protocol/codec';
import { ClusterMessageError, decodeClusterMessage, encodeClusterMessage, type ClusterMessage } from './messages';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('cluster messages', () => {
  const samples: ClusterMessage[] = [
    { kind: 'update', relay: 'A', room: 'r', frame: encodeUpdate(bytes(0, 0)), epoch: 7, seq: 3, at: 1_700_000_000_000, author: 42, quiet: false },
    { kind: 'awareness', relay: 'A', room: 'r', frame: encodeAwareness(bytes(0)) },
    { kind: 'syncRequest', relay: 'A', room: 'r', reason: 'missingDeps', stateVector: bytes(0), deleteDigest: bytes(9, 9), epoch: 7, seq: 0 },
    { kind: 'syncReply', relay: 'A', room: 'r', update: bytes(0, 0), stateVector: bytes(), deleteDigest: bytes(), awareness: bytes(0), epoch: 7, seq: 12 },
    { kind: 'heartbeat', relay: 'A', room: '', boot: 'b-1', intervalMs: 5_000, store: 'f00d', epoch: 7, acks: 2 },
    { kind: 'update', relay: 'A', room: 'r', frame: encodeUpdate(bytes(0, 0)), epoch: 7, seq: 4, at: 5, author: null, quiet: true },
    { kind: 'syncRequest', relay: 'A', room: 'r', reason: 'directory', stateVector: bytes(0), deleteDigest: bytes(), epoch: 1, seq: 1 },
    { kind: 'replicated', relay: 'B', room: '', epoch: 7, rooms: [['r', 3], ['other-room', 1]] },
    { kind: 'directoryRequest', relay: 'B', room: '', since: -1, limit: 200 },
    { kind: 'directoryPage', relay: 'A', room: '', store: 'f00d', since: 17, entries: [['r', 18], ['s', 40]], more: true },
  ];
  it.each(samples)('round-trips a $kind', (message) => {
    expect(decodeClusterMessage(encodeClusterMessage(message), 'Z')).toEqual(message);
  });

  it('X2: returns null for the relay’s own messages, except heartbeats (to spot a duplicate RELAY_ID)', () => {
    expect(decodeClusterMessage(encodeClusterMessage(samples[0]), 'A')).toBeNull();
    expect(decodeClusterMessage(encodeClusterMessage(samples[4]), 'A')).toEqual(samples[4]);
  });

  it('refuses an unknown sync reason and absurd list lengths', () => {
    const request = encodeClusterMessage(samples[2]);
    const reasonAt = request.indexOf(3, 6); // missingDeps = 3, after version, kind, relay and room
    expect(() => decodeClusterMessage(Uint8Array.of(...request.subarray(0, reasonAt), 99, ...request.subarray(reasonAt + 1)), 'B')).toThrow(ClusterMessageError);
    const page = encodeClusterMessage({ kind: 'replicated', relay: 'B', room: '', epoch: 1, rooms: [] });
    expect(() => decodeClusterMessage(Uint8Array.of(...page.subarray(0, page.length - 1), 0xff, 0xff, 0xff, 0x7f), 'A')).toThrow(ClusterMessageError);
  });

  it('refuses other versions and truncated messages', () => {
    const encoded = encodeClusterMessage(samples[0]);
    expect(() => decodeClusterMessage(Uint8Array.of(9, ...encoded.subarray(1)), 'B')).toThrow(ClusterMessageError);
    expect(() => decodeClusterMessage(encoded.subarray(0, encoded.length - 2), 'B')).toThrow(ClusterMessageError);
  });
});

describe('cluster config', () => {
  it('defaults to no Redis and a random relay id', () => {
    const config = loadClusterConfig({});
    expect(config.redisUrl).toBeNull();
    expect(config.relayId).toMatch(/^relay-[0-9a-f]{8}$/);
    expect(config.antiEntropyIntervalMs).toBe(30_000);
    expect(config.heartbeatIntervalMs).toBe(5_000);
    expect(config).toMatchObject({ replicationAcks: 1, replicationAckTimeoutMs: 2_000, catchUpDocsPerS: 100 });
  });

  it('REPLICATION_ACKS above 1 needs other relays: refused without REDIS_URL, naming the variable', () => {
    expect(() => loadClusterConfig({ REPLICATION_ACKS: '2' })).toThrow(/REPLICATION_ACKS.*REDIS_URL/);
    expect(loadClusterConfig({ REPLICATION_ACKS: '2', REDIS_URL: 'redis://127.0.0.1:6390' }).replicationAcks).toBe(2);
    expect(loadClusterConfig({ REPLICATION_ACKS: '1' }).replicationAcks).toBe(1);
  });

  it('reads REDIS_URL, RELAY_ID and the intervals', () => {
    const config = loadClusterConfig({ REDIS_URL: 'redis://127.0.0.1:6390', RELAY_ID: 'eu-1', CLUSTER_ANTI_ENTROPY_MS: '2000' });
    expect(config).toMatchObject({ redisUrl: 'redis://127.0.0.1:6390', relayId: 'eu-1', antiEntropyIntervalMs: 2_000 });
  });

  it.each([
    ['REDIS_URL', 'http://x'],
    ['REDIS_URL', 'not a url'],
    ['RELAY_ID', 'has space'],
    ['CLUSTER_ANTI_ENTROPY_MS', '10'],
    ['CLUSTER_HEARTBEAT_MS', 'soon'],
    ['REPLICATION_ACKS', '0'],
    ['REPLICATION_ACK_TIMEOUT_MS', 'later'],
    ['CLUSTER_CATCHUP_DOCS_PER_S', '0'],
  ])('refuses %s=%s naming the variable', (variable, value) => {
    expect(() => loadClusterConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadClusterConfig({ [variable]: value })).toThrow(variable);
  });
});
