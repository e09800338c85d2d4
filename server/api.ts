/**
 * The JSON API of the one port:
 *
 * - `POST /api/docs` with `{"protected": true}` creates a protected document and
 *   answers 201 `{room, protected, editUrl, viewUrl}`; the urls are paths
 *   (`/d/<room>?key=…`) to resolve against the relay's origin. `{}` or
 *   `{"protected": false}` creates an open document (viewUrl null).
 * - `GET /api/docs/<room>/access?key=…` answers what the key grants before the
 *   page connects: 200 `{protected, role}`, 401 (protected, no key) or 403
 *   (wrong key) with `{protected: true, role: null, error}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KEY_QUERY_PARAM, Paths, Role, isValidRoomId, newRoomId, type AccessAnswer, type CreatedDocument } from '../src/protocol/constants';
import type { Access } from './access/access';
import type { Logger } from './log';

const MAX_BODY_BYTES = 1_024;
const ACCESS_PATH = /^\/api\/docs\/([^/]+)\/access$/;

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Handles the request if it is an API path; returns false otherwise. */
export function handleApi(request: IncomingMessage, response: ServerResponse, url: URL, access: Access, log: Logger): boolean {
  if (url.pathname === Paths.docs) {
    if (request.method !== 'POST') {
      response.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain' });
      response.end('method not allowed\n');
      return true;
    }
    readBody(request).then(
      (text) => {
        let body: unknown = {};
        try {
          body = text.trim() === '' ? {} : JSON.parse(text);
        } catch {
          return json(response, 400, { error: 'expected a JSON body like {"protected": true}' });
        }
        const wanted = (body as { protected?: unknown } | null)?.protected;
        if (body === null || typeof body !== 'object' || (wanted !== undefined && typeof wanted !== 'boolean')) {
          return json(response, 400, { error: 'expected a JSON body like {"protected": true}' });
        }
        const room = newRoomId();
        const created: CreatedDocument = { room, protected: wanted === true, editUrl: Paths.document(room), viewUrl: null };
        if (wanted === true) {
          access.protect(room);
          created.editUrl = `${Paths.document(room)}?${KEY_QUERY_PARAM}=${access.keyFor(room, Role.editor)}`;
          created.viewUrl = `${Paths.document(room)}?${KEY_QUERY_PARAM}=${access.keyFor(room, Role.viewer)}`;
        }
        log.info({ room, protected: created.protected }, 'document created');
        json(response, 201, created);
      },
      () => json(response, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` }),
    );
    return true;
  }
  const match = ACCESS_PATH.exec(url.pathname);
  if (match) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      response.end('method not allowed\n');
      return true;
    }
    const room = decodeURIComponent(match[1]);
    if (!isValidRoomId(room)) {
      json(response, 400, { error: 'invalid room id: use 1-64 characters from A-Z a-z 0-9 _ -' });
      return true;
    }
    const decision = access.decide(room, url.searchParams.get(KEY_QUERY_PARAM));
    const answer: AccessAnswer = { protected: decision.protected, role: decision.role };
    if (decision.status !== 200) answer.error = decision.error;
    json(response, decision.status, answer);
    return true;
  }
  return false;
}
