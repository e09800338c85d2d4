/**
 * `GET /api/docs/<room>/links?key=<key>` → the share links a key may hand on,
 * as paths (`/d/<room>?key=…`) to resolve against the public origin:
 *
 * - an open document: `{protected: false, editUrl: "/d/<room>", viewUrl: null}`;
 * - a protected one with its edit key: both `editUrl` and `viewUrl`, so
 *   whoever can edit can share again (the links are not shown only once);
 * - with its view key: `viewUrl` only (`editUrl` null);
 * - without a key 401, with a wrong key 403.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KEY_QUERY_PARAM, Paths, Role, isValidRoomId } from '../../src/protocol/constants';
import type { Access } from '../access/access';

const LINKS_PATH = /^\/api\/docs\/([^/]+)\/links$/;

export interface ShareLinks {
  protected: boolean;
  editUrl: string | null;
  viewUrl: string | null;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

/** Handles the request if it is a share-links path; returns false otherwise. */
export function handleShareLinks(request: IncomingMessage, response: ServerResponse, url: URL, access: Access): boolean {
  const match = LINKS_PATH.exec(url.pathname);
  if (!match) return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
    response.end('method not allowed\n');
    return true;
  }
  let room = '';
  try {
    room = decodeURIComponent(match[1]);
  } catch {
    // invalid below
  }
  if (!isValidRoomId(room)) {
    json(response, 400, { error: 'invalid room id' });
    return true;
  }
  const decision = access.decide(room, url.searchParams.get(KEY_QUERY_PARAM));
  if (decision.status !== 200) {
    json(response, decision.status, { error: decision.error });
    return true;
  }
  const link = (role: Role) => `${Paths.document(room)}?${KEY_QUERY_PARAM}=${access.keyFor(room, role)}`;
  const links: ShareLinks = !decision.protected
    ? { protected: false, editUrl: Paths.document(room), viewUrl: null }
    : decision.role === Role.editor
      ? { protected: true, editUrl: link(Role.editor), viewUrl: link(Role.viewer) }
      : { protected: true, editUrl: null, viewUrl: link(Role.viewer) };
  json(response, 200, links);
  return true;
}
