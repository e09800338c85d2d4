/**
 * The history endpoints (docs/PROTOCOL.md, "History"):
 *
 * - `GET /api/docs/<room>/history?key=…` → 200 HistoryPayload: the base and
 *   every kept version as merged Yjs updates, with times, authors and the
 *   client id → name/colour map. The page builds every version from it at once
 *   (src/common/history/model.ts), so scrubbing never asks the relay again.
 * - `GET /api/docs/<room>/history/<n>?format=json|markdown|html|text&key=…` →
 *   the document at version n: VersionPayload (json, the default) or a file
 *   download in that format.
 *
 * Access is the document's: a protected document's history needs its edit or
 * view key (401 without, 403 with a wrong one), like its socket. Errors are
 * JSON `{error}`: 400 (bad room id, version not a whole number, unknown
 * format), 404 (no such document, no such version), 410 (a version removed by
 * HISTORY_RETENTION_DAYS), 405 (not GET).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KEY_QUERY_PARAM, isValidRoomId } from '../../src/protocol/constants';
import { blocksToHtml } from '../../src/common/formats/html';
import { exportFileName } from '../../src/common/formats/blocks';
import { blocksToMarkdown } from '../../src/common/formats/markdown';
import { blocksToPlainText } from '../../src/common/formats/plainText';
import { HistoryModel } from '../../src/common/history/model';
import { HISTORY_FORMATS, encodeBytes, type HistoryError, type HistoryFormat, type HistoryPayload, type VersionPayload } from '../../src/common/history/wire';
import type { Access } from '../access/access';
import type { Logger } from '../log';
import type { HistoryStore, RoomHistory } from './historyStore';

const HISTORY_PATH = /^\/api\/docs\/([^/]+)\/history(?:\/([^/]*))?$/;

export interface HistoryApiDeps {
  history: HistoryStore;
  access: Access;
  log: Logger;
}

const FORMAT_ALIASES: Record<string, HistoryFormat> = { md: 'markdown', txt: 'text' };
const DOWNLOADS: Record<Exclude<HistoryFormat, 'json'>, { type: string; extension: string }> = {
  markdown: { type: 'text/markdown; charset=utf-8', extension: 'md' },
  html: { type: 'text/html; charset=utf-8', extension: 'html' },
  text: { type: 'text/plain; charset=utf-8', extension: 'txt' },
};

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

function fail(response: ServerResponse, status: number, error: string): void {
  json(response, status, { error } satisfies HistoryError);
}

function authorNames(history: RoomHistory): HistoryPayload['authors'] {
  return Object.fromEntries([...history.authors].map(([client, author]) => [String(client), author]));
}

export function historyPayload(history: RoomHistory): HistoryPayload {
  const oldestVersion = history.firstVersion - 1;
  return {
    room: history.room,
    oldestVersion,
    latestVersion: oldestVersion + history.versions.length,
    baseAt: history.baseAt,
    base: history.base ? encodeBytes(history.base) : null,
    versions: history.versions.map((version) => ({
      n: version.n,
      startedAt: version.startedAt,
      endedAt: version.endedAt,
      authors: version.authors,
      edits: version.edits,
      update: encodeBytes(version.update),
    })),
    authors: authorNames(history),
    retentionDays: history.retentionDays,
  };
}

/** Handles the request if it is a history path; returns false otherwise. */
export function handleHistoryApi(request: IncomingMessage, response: ServerResponse, url: URL, { history, access, log }: HistoryApiDeps): boolean {
  const match = HISTORY_PATH.exec(url.pathname);
  if (!match) return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ error: 'history is read with GET' }));
    return true;
  }
  let room: string;
  try {
    room = decodeURIComponent(match[1]);
  } catch {
    room = '';
  }
  if (!isValidRoomId(room)) {
    fail(response, 400, 'invalid room id: use 1-64 characters from A-Z a-z 0-9 _ -');
    return true;
  }
  const decision = access.decide(room, url.searchParams.get(KEY_QUERY_PARAM));
  if (decision.status !== 200) {
    fail(response, decision.status, `${decision.error} (history of a protected document needs its edit or view key)`);
    return true;
  }
  const stored = history.read(room);
  if (!stored) {
    fail(response, 404, `no document "${room}" on this relay`);
    return true;
  }
  if (match[2] === undefined) {
    json(response, 200, historyPayload(stored));
    return true;
  }
  serveVersion(response, url, stored, match[2], log);
  return true;
}

function serveVersion(response: ServerResponse, url: URL, stored: RoomHistory, raw: string, log: Logger): void {
  const oldest = stored.firstVersion - 1;
  const latest = oldest + stored.versions.length;
  if (!/^\d{1,15}$/.test(raw)) {
    fail(response, 400, `a version is a whole number from ${oldest} to ${latest}; got "${raw}"`);
    return;
  }
  const n = Number(raw);
  if (n > latest) {
    fail(response, 404, `no version ${n}: this document's versions are ${oldest}–${latest}`);
    return;
  }
  if (n < oldest) {
    fail(
      response,
      410,
      `version ${n} is no longer kept: HISTORY_RETENTION_DAYS=${stored.retentionDays} merged it into the oldest kept state, version ${oldest}`,
    );
    return;
  }
  const requested = (url.searchParams.get('format') ?? 'json').toLowerCase();
  const normalized = FORMAT_ALIASES[requested] ?? requested;
  const format = (HISTORY_FORMATS as readonly string[]).includes(normalized) ? (normalized as HistoryFormat) : null;
  if (!format) {
    fail(response, 400, `unknown format "${requested}": use ${HISTORY_FORMATS.join(', ')}`);
    return;
  }
  const count = n - oldest;
  const model = HistoryModel.build(stored.base, stored.versions.slice(0, count).map((version) => version.update));
  const rendered = model.render(count);
  const version = count > 0 ? stored.versions[count - 1] : null;
  if (format === 'json') {
    const payload: VersionPayload = {
      room: stored.room,
      n,
      startedAt: version?.startedAt ?? null,
      endedAt: version?.endedAt ?? stored.baseAt,
      authors: version?.authors ?? [],
      title: rendered.title,
      blocks: rendered.blocks,
      authorNames: authorNames(stored),
    };
    json(response, 200, payload);
    return;
  }
  const { type, extension } = DOWNLOADS[format];
  const body =
    format === 'markdown' ? blocksToMarkdown(rendered.blocks) : format === 'html' ? blocksToHtml(rendered.blocks, rendered.title) : blocksToPlainText(rendered.blocks);
  const name = exportFileName(rendered.title, stored.room, n, extension);
  response.writeHead(200, { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' });
  response.end(body);
  log.debug({ room: stored.room, version: n, format }, 'version exported');
}
