import { describe, expect, it } from 'vitest';
import { Limits } from '../src/protocol/constants';
import { ConfigError, loadClusterConfig, loadConfig } from './config';

describe('config', () => {
  it('has documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(1234);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
    expect(config.limits).toEqual({
      maxFrameBytes: Limits.MAX_FRAME_BYTES,
      maxAwarenessBytes: Limits.MAX_AWARENESS_BYTES,
      maxAwarenessClientsPerSocket: 16,
      maxUpdateStructs: Limits.MAX_UPDATE_STRUCTS,
      rateLimitBurst: 5_000,
      rateLimitPerS: 500,
      maxConnectionsPerIp: 2_000,
      maxRoomsLoaded: 10_000,
      maxPendingUpdates: 64,
      pendingUpdateTimeoutMs: 10_000,
    });
    expect(Object.isFrozen(config.limits)).toBe(true);
    expect(config.allowedOrigins).toEqual([]);
  });

  it('reads limits and the origin allow-list from the environment', () => {
    const config = loadConfig({ MAX_FRAME_BYTES: '2048', RATE_LIMIT_PER_S: '7', ALLOWED_ORIGINS: 'https://a.example, http://b.example:8080/' });
    expect(config.limits.maxFrameBytes).toBe(2_048);
    expect(config.limits.rateLimitPerS).toBe(7);
    expect(config.allowedOrigins).toEqual(['https://a.example', 'http://b.example:8080']);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['HOST', ''],
    ['DATA_DIR', '  '],
    ['LOG_LEVEL', 'loud'],
    ['ROOM_IDLE_UNLOAD_MS', '1.5'],
    ['MAX_FRAME_BYTES', '10'],
    ['RATE_LIMIT_BURST', '0'],
    ['RATE_LIMIT_PER_S', 'fast'],
    ['MAX_CONNECTIONS_PER_IP', '-5'],
    ['MAX_ROOMS_LOADED', '0'],
    ['MAX_UPDATE_STRUCTS', '1e6'],
    ['ALLOWED_ORIGINS', 'not an origin'],
    ['ALLOWED_ORIGINS', 'https://example.org/path'],
    ['ALLOWED_ORIGINS', 'ftp://example.org'],
  ])('refuses %s=%j with an error naming the variable', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toContain(variable);
  });

  it('reads REDIS_URL and PUBLIC_URL, and names the setting when one is not a URL of its kind', () => {
    expect(loadClusterConfig({ REDIS_URL: ' redis://127.0.0.1:6379 ' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadClusterConfig({ REDIS_URL: '' }).redisUrl).toBeNull();
    expect(loadConfig({ PUBLIC_URL: 'http://concord.school.example:1234/' }).publicUrl).toBe('http://concord.school.example:1234');
    expect(() => loadClusterConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL.*redis:\/\/127\.0\.0\.1:6379/);
    expect(() => loadClusterConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL.*redis:\/\/ or rediss:\/\//);
    expect(() => loadConfig({ PUBLIC_URL: 'school' })).toThrow(/PUBLIC_URL.*http:\/\/concord\.school\.example:1234/);
    expect(() => loadConfig({ PUBLIC_URL: 'http://a.example/d/room' })).toThrow(ConfigError);
  });
});
