import { describe, expect, it } from 'vitest';
import { lanAddress, publicOrigin, type NetworkInterfaces } from './publicAddress';

const loopback = { address: '127.0.0.1', family: 'IPv4', internal: true };
const loopback6 = { address: '::1', family: 'IPv6', internal: true };

const laptop: NetworkInterfaces = {
  lo: [loopback, loopback6],
  docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false }],
  wlp2s0: [
    { address: 'fe80::1c2:3ff:fe44:5566', family: 'IPv6', internal: false },
    { address: '192.168.1.23', family: 'IPv4', internal: false },
  ],
};

describe('lanAddress', () => {
  it('picks the Wi-Fi address, not loopback, IPv6 or the Docker bridge', () => {
    expect(lanAddress(laptop)).toBe('192.168.1.23');
  });

  it('prefers 10/8 over 172.16/12 and skips link-local addresses', () => {
    expect(
      lanAddress({
        eth1: [{ address: '169.254.10.2', family: 'IPv4', internal: false }],
        eth0: [{ address: '172.20.4.4', family: 'IPv4', internal: false }],
        eth2: [{ address: '10.0.7.12', family: 4, internal: false }], // Node 18.0-18.3 gave family as a number
      }),
    ).toBe('10.0.7.12');
  });

  it('takes a container bridge only when nothing else exists, and null when nothing at all', () => {
    expect(lanAddress({ lo: [loopback], 'br-5f3a': [{ address: '172.18.0.1', family: 'IPv4', internal: false }] })).toBe('172.18.0.1');
    expect(lanAddress({ lo: [loopback, loopback6] })).toBeNull();
    expect(lanAddress({})).toBeNull();
  });
});

describe('publicOrigin', () => {
  it('HOST=0.0.0.0: the LAN address with the bound port, never 0.0.0.0 or 127.0.0.1', () => {
    const origin = publicOrigin({ publicUrl: null, host: '0.0.0.0', port: 1234, interfaces: laptop, requestHost: '127.0.0.1:1234' });
    expect(origin).toEqual({ origin: 'http://192.168.1.23:1234', source: 'lan', warning: null });
    expect(publicOrigin({ publicUrl: null, host: '::', port: 80, interfaces: laptop }).origin).toBe('http://192.168.1.23');
  });

  it('PUBLIC_URL overrides everything (its origin only)', () => {
    for (const host of ['0.0.0.0', '127.0.0.1', '10.1.1.1']) {
      expect(publicOrigin({ publicUrl: 'https://concord.school.example/', host, port: 1234, interfaces: laptop })).toEqual({
        origin: 'https://concord.school.example',
        source: 'PUBLIC_URL',
        warning: null,
      });
    }
  });

  it('loopback: the address the teacher used, with a warning that students cannot reach it', () => {
    const origin = publicOrigin({ publicUrl: null, host: '127.0.0.1', port: 4000, interfaces: laptop, requestHost: 'localhost:4000' });
    expect(origin.origin).toBe('http://localhost:4000');
    expect(origin.source).toBe('loopback');
    expect(origin.warning).toMatch(/HOST=0\.0\.0\.0/);
    expect(publicOrigin({ publicUrl: null, host: '127.0.0.1', port: 4000, interfaces: laptop }).origin).toBe('http://127.0.0.1:4000');
  });

  it('a wildcard host on a machine without a network: the request host, and a warning', () => {
    const origin = publicOrigin({ publicUrl: null, host: '0.0.0.0', port: 1234, interfaces: { lo: [loopback] }, requestHost: '127.0.0.1:1234' });
    expect(origin.origin).toBe('http://127.0.0.1:1234');
    expect(origin.warning).toMatch(/no network address/);
  });

  it('one specific address: that address (IPv6 in brackets)', () => {
    expect(publicOrigin({ publicUrl: null, host: '192.168.5.5', port: 1234, interfaces: laptop }).origin).toBe('http://192.168.5.5:1234');
    expect(publicOrigin({ publicUrl: null, host: 'fd00::5', port: 1234, interfaces: laptop }).origin).toBe('http://[fd00::5]:1234');
  });
});

describe('PUBLIC_URL', () => {
  it('is read as an origin; a path, another scheme or garbage stops the server at start', async () => {
    const { loadConfig, ConfigError } = await import('../config');
    expect(loadConfig({ PUBLIC_URL: 'https://concord.school.example/' }).publicUrl).toBe('https://concord.school.example');
    expect(loadConfig({}).publicUrl).toBeNull();
    for (const bad of ['concord.school', 'ftp://x.example', 'http://x.example/concord', 'http://x.example/?a=1']) {
      expect(() => loadConfig({ PUBLIC_URL: bad }), bad).toThrow(ConfigError);
    }
  });
});
