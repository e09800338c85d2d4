/**
 * The WebSocket side of the relay: checks each upgrade, then wires a socket to
 * its room. A bad frame, or an error while handling one, closes only its own
 * socket (close codes from src/protocol, docs/PROTOCOL.md); the room and
 * everyone else carry on.
 *
 * Upgrade checks, in order, each refused with an HTTP status before the socket
 * becomes a WebSocket: path (404), Origin (403: present and neither the relay's
 * own origin nor in ALLOWED_ORIGINS), room id (400), key on a protected room
 * (401 none, 403 wrong), connections from this IP (429), rooms loaded (503,
 * when every loaded room has sockets). Per frame: size (1009, by ws from the
 * frame header), rate (past the token bucket the relay stops reading the
 * socket for a while: nothing is closed), then decoding (room.ts: 4400, 4409,
 * 4503, or 1009 for an oversize awareness state). Anything else thrown: 1011.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ACKS_QUERY_PARAM, COMPACT_SYNC, CloseCode, KEY_QUERY_PARAM, Paths, SYNC_QUERY_PARAM, isValidRoomId, type Role } from '../../src/protocol/constants';
import type { Access } from '../access/access';
import type { Config } from '../config';
import type { Logger } from '../log';
import { closeKind, type LimitName, type Metrics } from '../metrics';
import { Connection, type RateLimit } from './connection';
import { ProtocolError, closeAfterHandlerError, closeFor } from './protocolError';
import type { Partitions } from './partition';
import type { Rooms } from './rooms';

/** Where a socket keeps its Connection, for the listeners every socket shares. */
const CONNECTION = Symbol('concord.connection');
type SocketWithConnection = WebSocket & { [CONNECTION]: Connection };

export interface Relay {
  readonly connections: ReadonlySet<Connection>;
  /** Closes every socket with `code` (they reconnect elsewhere or later). */
  closeAll(code: number, reason: string): void;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

function refuse(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** True if a browser on `origin` may open a socket: no Origin (not a browser), the relay's own origin, or allow-listed. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  if (!host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}

export function attachRelay(
  server: Server,
  {
    rooms,
    metrics,
    log,
    config,
    access,
    partitions,
  }: {
    rooms: Rooms;
    metrics: Metrics;
    log: Logger;
    config: Pick<Config, 'pingIntervalMs' | 'limits' | 'allowedOrigins'>;
    access: Access;
    /** Classrooms: routes a student's socket to its group's leader while partitioned (partition.ts). */
    partitions?: Partitions;
  },
): Relay {
  const { limits } = config;
  // maxPayload: ws refuses a larger frame from its header, before buffering it, and closes with 1009.
  // clientTracking off: `connections` below already tracks every socket (ws would keep a Set and a close listener of its own per socket).
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes, clientTracking: false });
  const connections = new Set<Connection>();
  const perIp = new Map<string, number>();

  const limitHit = (limit: LimitName, fields: Record<string, unknown>) => {
    metrics.limitsHit.inc({ limit });
    log.warn({ limit, ...fields }, 'limit hit');
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const ip = request.socket.remoteAddress ?? 'unknown';
    const deny = (status: number, message: string, fields: Record<string, unknown> = {}) => {
      metrics.upgradesRefused.inc({ status: String(status) });
      log.info({ ip, status, url: request.url, ...fields }, 'upgrade refused');
      refuse(socket, status, message);
    };
    const url = new URL(request.url ?? '/', 'http://relay.invalid');
    if (!url.pathname.startsWith(Paths.websocketPrefix)) return deny(404, 'WebSocket endpoint is /ws/<room>');
    const origin = request.headers.origin;
    if (!originAllowed(origin, request.headers.host, config.allowedOrigins)) {
      return deny(403, `origin ${origin} may not open a socket here (see ALLOWED_ORIGINS)`, { origin });
    }
    let room: string;
    try {
      room = decodeURIComponent(url.pathname.slice(Paths.websocketPrefix.length));
    } catch {
      room = '';
    }
    if (!isValidRoomId(room)) return deny(400, 'invalid room id: use 1-64 characters from A-Z a-z 0-9 _ -');
    const decision = access.decide(room, url.searchParams.get(KEY_QUERY_PARAM));
    if (decision.status !== 200) return deny(decision.status, decision.error, { room });
    const routed = partitions?.route(room, url.searchParams) ?? null;
    if (routed?.refused) return deny(routed.status, routed.message, { room });
    if (routed) room = routed.room; // a partitioned classroom: this student's group leader
    if ((perIp.get(ip) ?? 0) >= limits.maxConnectionsPerIp) {
      limitHit('connections_per_ip', { ip, room, status: 429 });
      return deny(429, `more than ${limits.maxConnectionsPerIp} connections from ${ip}`, { room });
    }
    if (!rooms.makeRoomFor(room)) {
      limitHit('rooms_loaded', { ip, room, status: 503 });
      return deny(503, `the relay holds ${limits.maxRoomsLoaded} rooms, all in use; try again later`, { room });
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const options = { wantsAcks: url.searchParams.get(ACKS_QUERY_PARAM) === '1', compactSync: url.searchParams.get(SYNC_QUERY_PARAM) === COMPACT_SYNC };
      onConnection(ws, room, options, routed?.role ?? decision.role, ip, routed);
    });
  });

  /** Shared by every socket: the limit is the same for all, each socket keeps only its own two numbers. */
  const rateLimit: RateLimit = { burst: limits.rateLimitBurst, perSecond: limits.rateLimitPerS };

  function onConnection(
    ws: WebSocket,
    roomName: string,
    { wantsAcks, compactSync }: { wantsAcks: boolean; compactSync: boolean },
    role: Role,
    ip: string,
    routed: ReturnType<Partitions['route']> = null,
  ): void {
    const room = rooms.open(roomName);
    const connection = new Connection(ws, roomName, room, wantsAcks, compactSync, metrics, role, ip, rateLimit);
    connections.add(connection);
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
    metrics.connections.set(connections.size);
    log.info({ room: roomName, conn: connection.id, ip, role }, 'connection open');
    // The same four listeners for every socket (no closures per socket): each finds its Connection on the socket.
    (ws as SocketWithConnection)[CONNECTION] = connection;
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('error', onError);
    ws.on('close', onClose);
    try {
      room.join(connection);
      if (routed && !routed.refused) partitions!.joined(connection, routed.socket);
    } catch (error) {
      closeAfterHandlerError(connection, error, metrics, log);
    }
  }

  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const connection = (this as SocketWithConnection)[CONNECTION];
    if (!connection.isOpen) return; // closing: what follows the offending frame is not read
    try {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
      connection.bytesIn += size;
      metrics.messagesIn.inc();
      metrics.bytesIn.inc(size);
      const waitMs = connection.takeToken();
      if (waitMs > 0 && connection.throttle(waitMs)) {
        // Every pause counts; only a socket's first is logged (a steady flood would log hundreds a second).
        metrics.limitsHit.inc({ limit: 'message_rate' });
        if (connection.throttles === 1) {
          const { room, id: conn, ip, role } = connection;
          log.warn({ limit: 'message_rate', room, conn, ip, role, pauseMs: Math.ceil(waitMs) }, 'limit hit');
        }
      }
      if (!isBinary) throw new ProtocolError('text_frame', 'text frames are not part of the protocol');
      // A private copy: ws may hand us a view into a larger pooled buffer, and a
      // corrupt length prefix must not be able to read past this frame.
      const frame = new Uint8Array(Array.isArray(data) ? Buffer.concat(data) : (data as Buffer));
      connection.target.receive(connection, frame);
    } catch (error) {
      closeFor(connection, error, metrics, log);
    }
  }

  function onPong(this: WebSocket): void {
    (this as SocketWithConnection)[CONNECTION].alive = true;
  }

  function onError(this: WebSocket, error: Error & { code?: string }): void {
    const { room, id: conn, ip, role } = (this as SocketWithConnection)[CONNECTION];
    // ws closes with 1009 itself when a frame header announces more than maxPayload.
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      limitHit('frame_bytes', { room, conn, ip, role, code: CloseCode.tooBig });
    } else {
      log.debug({ conn, err: error }, 'socket error');
    }
  }

  function onClose(this: WebSocket, code: number): void {
    const connection = (this as SocketWithConnection)[CONNECTION];
    const { room, id: conn, ip, role } = connection;
    connection.dispose();
    try {
      connection.target.leave(connection);
    } catch (error) {
      // The socket is gone already; log and count, and finish its bookkeeping below.
      metrics.handlerErrors.inc();
      log.error({ room, conn, err: error }, 'error while a socket left its room');
    }
    connections.delete(connection);
    const left = (perIp.get(ip) ?? 1) - 1;
    if (left > 0) perIp.set(ip, left);
    else perIp.delete(ip);
    metrics.connections.set(connections.size);
    metrics.closes.inc({ code: String(code), kind: closeKind(code) });
    log.info(
      {
        room,
        conn,
        ip,
        role,
        code,
        kind: closeKind(code),
        bytesIn: connection.bytesIn,
        bytesOut: connection.bytesOut,
        durationMs: connection.ageMs,
        ...(connection.throttles > 0 ? { throttles: connection.throttles, throttledMs: Math.round(connection.throttledMs) } : {}),
      },
      'connection close',
    );
  }

  // Keepalive: a socket that did not answer the previous ping is gone.
  const keepalive = setInterval(() => {
    for (const connection of connections) {
      if (connection.throttled) continue; // not reading it on purpose: its pong waits in the buffer
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, config.pingIntervalMs);
  keepalive.unref();
  server.on('close', () => clearInterval(keepalive));

  return {
    connections,
    closeAll(code, reason) {
      clearInterval(keepalive);
      for (const connection of connections) connection.close(code, reason);
      wss.close();
    },
  };
}
