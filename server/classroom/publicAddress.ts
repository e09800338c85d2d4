/**
 * The address students type or scan: where the relay can be reached from the
 * classroom's network. Pure functions of the configuration, the machine's
 * network interfaces (passed in, so tests give fake ones) and the Host the
 * teacher's browser used; nothing here opens a connection.
 *
 * - `PUBLIC_URL` wins (a reverse proxy, a DNS name, a port forward).
 * - Listening on every interface (`HOST=0.0.0.0` or `::`): the machine's LAN
 *   address, never 0.0.0.0 or 127.0.0.1, which no student can use.
 * - Listening on loopback (the default 127.0.0.1): only this machine can
 *   connect, so the link is the one the teacher's browser used, and the
 *   console says how to open the relay to the room.
 * - Listening on one address: that address.
 */

/** One address of `os.networkInterfaces()` (the fields used here). */
export interface InterfaceAddress {
  address: string;
  family: string | number;
  internal: boolean;
}
export type NetworkInterfaces = Record<string, readonly InterfaceAddress[] | undefined>;

export type PublicOriginSource = 'PUBLIC_URL' | 'lan' | 'host' | 'loopback';

export interface PublicOrigin {
  /** `scheme://host[:port]`, no trailing slash. */
  origin: string;
  source: PublicOriginSource;
  /** A sentence for the teacher when students probably cannot reach `origin` (loopback, no LAN address found). */
  warning: string | null;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '::0']);

export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host);
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** Interface names of virtual bridges and tunnels (containers, VMs, VPNs): students are not on those. */
const VIRTUAL_INTERFACE = /^(docker|br-|veth|virbr|vboxnet|vmnet|cni|flannel|cali|podman|lxc|lxd|tun|tap|utun|wg|zt|tailscale)/i;

function isIPv4(entry: InterfaceAddress): boolean {
  return entry.family === 'IPv4' || entry.family === 4;
}

/** How likely a classroom's students share this address's network: higher is better. */
function score(name: string, address: string): number {
  const [a, b] = address.split('.').map(Number);
  let points = 1; // a public address: reachable, but a school LAN usually uses a private range
  if (a === 192 && b === 168) points = 4;
  else if (a === 10) points = 3;
  else if (a === 172 && b >= 16 && b <= 31) points = 2; // also Docker's default bridge range
  if (VIRTUAL_INTERFACE.test(name)) points -= 10;
  return points;
}

/**
 * The machine's IPv4 address that other machines on its network can reach:
 * not loopback or link-local (169.254/16), preferring private ranges
 * (192.168/16, then 10/8, then 172.16/12) and physical interfaces over
 * container bridges and tunnels. Null if the machine has none.
 */
export function lanAddress(interfaces: NetworkInterfaces): string | null {
  let best: { address: string; points: number } | null = null;
  for (const [name, entries] of Object.entries(interfaces)) {
    for (const entry of entries ?? []) {
      if (entry.internal || !isIPv4(entry)) continue;
      if (entry.address.startsWith('127.') || entry.address.startsWith('169.254.')) continue;
      const points = score(name, entry.address);
      if (!best || points > best.points) best = { address: entry.address, points };
    }
  }
  return best?.address ?? null;
}

function withPort(host: string, port: number, scheme = 'http:'): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const defaultPort = (scheme === 'http:' && port === 80) || (scheme === 'https:' && port === 443);
  return `${scheme}//${bracketed}${defaultPort ? '' : `:${port}`}`;
}

export interface PublicOriginInput {
  /** PUBLIC_URL (already validated: an http(s) origin), or null. */
  publicUrl: string | null;
  /** HOST, the interface the relay listens on. */
  host: string;
  /** The port actually bound. */
  port: number;
  interfaces: NetworkInterfaces;
  /** The Host header of the teacher's request (`127.0.0.1:1234`), if any. */
  requestHost?: string | null;
  /** The scheme the teacher's request came in with (`http:` unless behind TLS). */
  requestScheme?: string;
}

/** Where students should be sent: see the module comment for the order of preference. */
export function publicOrigin({ publicUrl, host, port, interfaces, requestHost = null, requestScheme = 'http:' }: PublicOriginInput): PublicOrigin {
  if (publicUrl) return { origin: new URL(publicUrl).origin, source: 'PUBLIC_URL', warning: null };
  if (isWildcardHost(host)) {
    const lan = lanAddress(interfaces);
    if (lan) return { origin: withPort(lan, port), source: 'lan', warning: null };
    return {
      origin: requestHost ? `${requestScheme}//${requestHost}` : withPort('127.0.0.1', port),
      source: 'loopback',
      warning: 'This machine has no network address other students could reach; connect it to the classroom network, or set PUBLIC_URL.',
    };
  }
  if (isLoopbackHost(host)) {
    return {
      origin: requestHost ? `${requestScheme}//${requestHost}` : withPort(host, port),
      source: 'loopback',
      warning: 'The relay listens on this machine only (HOST=127.0.0.1): students cannot open this link. Restart it with HOST=0.0.0.0 to serve the classroom network, or set PUBLIC_URL.',
    };
  }
  return { origin: withPort(host, port), source: 'host', warning: null };
}
