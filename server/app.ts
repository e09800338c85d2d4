/**
 * Composes the relay: storage → rooms → WebSocket relay + HTTP on one port.
 * `startConcord` is what main.ts runs and what tests start in-process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CloseCode } from '../src/protocol/constants';
import { Access } from './access/access';
import { loadOrCreateSecret } from './access/secret';
import { ClassroomStore } from './classroom/classroomStore';
import { createCluster } from './cluster/createCluster';
import type { Transport } from './cluster/transport';
import type { Config } from './config';
import { createRequestHandler } from './http';
import { createLogger, type Logger } from './log';
import { createMetrics } from './metrics';
import { Partitions } from './relay/partition';
import { attachRelay } from './relay/relay';
import { Rooms } from './relay/rooms';
import { openSqliteStorage } from './storage/sqlite';

export const DATABASE_FILE = 'concord.sqlite';

export interface Concord {
  /** The port actually bound (useful with PORT=0). */
  readonly port: number;
  readonly url: string;
  readonly rooms: Rooms;
  /** Protected rooms and share keys. */
  readonly access: Access;
  /** Stops accepting, flushes, closes sockets, stores every room, closes the database. */
  close(): Promise<void>;
}

export async function startConcord(
  config: Config,
  log: Logger = createLogger(config.logLevel),
  /** A cluster link other than Redis (unit tests join relays through an in-memory hub). */
  { clusterTransport }: { clusterTransport?: Transport } = {},
): Promise<Concord> {
  const metrics = createMetrics();
  const storage = openSqliteStorage(join(config.dataDir, DATABASE_FILE), { history: { retentionDays: config.historyRetentionDays } });
  const secret = loadOrCreateSecret(config.dataDir);
  const access = new Access(join(config.dataDir, DATABASE_FILE), secret);
  const classrooms = new ClassroomStore(join(config.dataDir, DATABASE_FILE), secret);
  const cluster = createCluster(
    config.cluster,
    metrics,
    log,
    { storage, databaseFile: join(config.dataDir, DATABASE_FILE), compactAfterUpdates: config.compactAfterUpdates },
    clusterTransport,
  );
  const rooms = new Rooms(storage, config, metrics, log, cluster);
  cluster.start(rooms);
  const partitions = new Partitions(classrooms, rooms, log);
  let port = config.port;
  let relay: ReturnType<typeof attachRelay> | null = null;
  const server = createServer(
    createRequestHandler({
      staticDir: config.staticDir,
      metrics,
      health: () => ({ rooms: rooms.size, connections: relay?.connections.size ?? 0, cluster: cluster.status() }),
      access,
      log,
      history: storage.history,
      classrooms: { partitions, log, address: () => ({ host: config.host, port, publicUrl: config.publicUrl }) },
    }),
  );
  relay = attachRelay(server, { rooms, metrics, log, config, access, partitions });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  log.info({ host: config.host, port, dataDir: config.dataDir, cluster: cluster.status() }, 'concord relay listening');

  let closing: Promise<void> | null = null;
  return {
    port,
    url: `http://${config.host}:${port}`,
    rooms,
    access,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        rooms.flush();
        relay!.closeAll(CloseCode.goingAway, 'relay shutting down');
        server.closeAllConnections();
        await stopped;
        await cluster.close(); // nothing more arrives from other relays; what did is stored below
        rooms.closeAll();
        storage.close();
        access.close();
        classrooms.close();
        metrics.stop();
        log.info('concord relay stopped');
      })();
      return closing;
    },
  };
}
