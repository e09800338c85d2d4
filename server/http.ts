/**
 * The HTTP side of the one port: the built app (with the SPA fallback for
 * /d/<room> and /lab), /healthz, /metrics and the JSON API under /api (api.ts).
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import sirv from 'sirv';
import { Paths } from '../src/protocol/constants';
import type { Access } from './access/access';
import { handleApi } from './api';
import { handleClassroomApi, type ClassroomApiDeps } from './api/classrooms';
import { handleShareLinks } from './api/shareLinks';
import { handleHistoryApi } from './history/api';
import type { HistoryStore } from './history/historyStore';
import type { Logger } from './log';
import type { Metrics } from './metrics';

export interface HttpDeps {
  staticDir: string;
  metrics: Metrics;
  health: () => Record<string, unknown>;
  access: Access;
  log: Logger;
  /** Documents' history (server/history/api.ts). */
  history?: HistoryStore;
  /** The classroom API (server/api/classrooms.ts). */
  classrooms?: ClassroomApiDeps;
}

export function createRequestHandler({ staticDir, metrics, health, access, log, classrooms, history }: HttpDeps) {
  const built = existsSync(join(staticDir, 'index.html'));
  // `dev: true` makes sirv look each file up per request instead of from a list
  // made at start: a rebuild while the relay runs (new hashed names, old ones
  // deleted) then gives fresh files, not a 404 or a crash on a vanished file.
  // Every file is revalidated by ETag; the service worker caches /assets itself.
  const serveApp = built ? sirv(staticDir, { dev: true, single: true, etag: true, gzip: false }) : null;

  return (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://relay.invalid');
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      const handled =
        (classrooms !== undefined && handleClassroomApi(request, response, url, classrooms)) ||
        handleShareLinks(request, response, url, access) ||
        (history !== undefined && handleHistoryApi(request, response, url, { history, access, log })) ||
        handleApi(request, response, url, access, log);
      if (!handled) {
        response.writeHead(404, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ error: 'no such API path' }));
      }
      return;
    }
    if (path === Paths.health) {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ status: 'ok', ...health() }));
      return;
    }
    if (path === Paths.metrics) {
      metrics.registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'Content-Type': metrics.registry.contentType });
          response.end(text);
        },
        (error: Error) => {
          response.writeHead(500, { 'Content-Type': 'text/plain' });
          response.end(`metrics failed: ${error.message}\n`);
        },
      );
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'GET, HEAD' });
      response.end('method not allowed\n');
      return;
    }
    if (!serveApp) {
      response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`The app is not built (no ${staticDir}/index.html). Run "npm run build" or "npm start".\n`);
      return;
    }
    serveApp(request, response, () => {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found\n');
    });
  };
}
