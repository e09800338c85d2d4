/**
 * The WebSocket side of the relay: checks each upgrade, then wires a socket to
 * its room. A bad frame closes only its own socket (close code from
 * src/protocol); the room and everyone else carry on.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ACKS_QUERY_PARAM, CloseCode, Limits, Paths, isValidRoomId } from '../../src/protocol/constants';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { Connection } from './connection';
import { ProtocolError } from './protocolError';
import type { Rooms } from './rooms';

export interface Relay {
  readonly connections: ReadonlySet<Connection>;
  /** Closes every socket with `code` (they reconnect elsewhere or later). */
  closeAll(code: number, reason: string): void;
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : 'Not Found'}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

export function attachRelay(
  server: Server,
  { rooms, metrics, log, config }: { rooms: Rooms; metrics: Metrics; log: Logger; config: Pick<Config, 'pingIntervalMs'> },
): Relay {
  // maxPayload: ws refuses a larger frame before buffering it and closes with 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: Limits.MAX_FRAME_BYTES });
  const connections = new Set<Connection>();

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://relay.invalid');
    if (!url.pathname.startsWith(Paths.websocketPrefix)) return refuse(socket, 404, 'WebSocket endpoint is /ws/<room>');
    const room = decodeURIComponent(url.pathname.slice(Paths.websocketPrefix.length));
    if (!isValidRoomId(room)) {
      return refuse(socket, 400, 'invalid room id: use 1-64 characters from A-Z a-z 0-9 _ -');
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      onConnection(ws, room, url.searchParams.get(ACKS_QUERY_PARAM) === '1', request);
    });
  });

  function onConnection(ws: WebSocket, roomName: string, wantsAcks: boolean, request: IncomingMessage): void {
    const connection = new Connection(ws, roomName, wantsAcks, metrics);
    const room = rooms.open(roomName);
    connections.add(connection);
    metrics.connections.set(connections.size);
    log.info({ room: roomName, conn: connection.id, ip: request.socket.remoteAddress }, 'connection open');

    ws.on('message', (data: RawData, isBinary: boolean) => {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
      connection.bytesIn += size;
      metrics.messagesIn.inc();
      metrics.bytesIn.inc(size);
      if (!isBinary) {
        metrics.decodeErrors.inc({ kind: 'text_frame' });
        connection.close(CloseCode.malformed, 'text frames are not part of the protocol');
        return;
      }
      // A private copy: ws may hand us a view into a larger pooled buffer, and a
      // corrupt length prefix must not be able to read past this frame.
      const frame = new Uint8Array(Array.isArray(data) ? Buffer.concat(data) : (data as Buffer));
      try {
        room.receive(connection, frame);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        metrics.decodeErrors.inc({ kind: error.kind });
        log.warn({ room: roomName, conn: connection.id, kind: error.kind, reason: error.message }, 'malformed frame');
        connection.close(CloseCode.malformed, `malformed frame: ${error.message}`);
      }
    });
    ws.on('pong', () => {
      connection.alive = true;
    });
    ws.on('error', (error) => log.debug({ conn: connection.id, err: error }, 'socket error'));
    ws.on('close', (code: number) => {
      room.leave(connection);
      connections.delete(connection);
      metrics.connections.set(connections.size);
      metrics.closes.inc({ code: String(code) });
      log.info(
        {
          room: roomName,
          conn: connection.id,
          code,
          bytesIn: connection.bytesIn,
          bytesOut: connection.bytesOut,
          durationMs: Date.now() - connection.openedAt,
        },
        'connection close',
      );
    });
    room.join(connection);
  }

  // Keepalive: a socket that did not answer the previous ping is gone.
  const keepalive = setInterval(() => {
    for (const connection of connections) {
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
