/**
 * What the relay's history endpoints answer (server/history/api.ts; described
 * in docs/PROTOCOL.md, "History"), shared by the relay and the page.
 */
import { fromBase64, toBase64 } from 'lib0/buffer';

export const HISTORY_FORMATS = ['json', 'markdown', 'html', 'text'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

/** `GET /api/docs/<room>/history` */
export interface HistoryPayload {
  room: string;
  /** The oldest version that can be shown: the base, `firstVersion - 1` (0 unless retention removed older ones). */
  oldestVersion: number;
  /** The newest version: the document as stored now. */
  latestVersion: number;
  /** When the newest edit folded into the base was made, if any (the slider's start). */
  baseAt: number | null;
  /** The state before `oldestVersion + 1`, a Yjs update in base64; null for an empty document. */
  base: string | null;
  versions: VersionSummary[];
  /** Client id → the name and colour presence showed for it. */
  authors: Record<string, { name: string; color: string }>;
  /** HISTORY_RETENTION_DAYS on this relay (null: everything is kept). */
  retentionDays: number | null;
}

export interface VersionSummary {
  n: number;
  startedAt: number;
  endedAt: number;
  /** Client ids of the tabs whose edits make up the version. */
  authors: number[];
  /** Edits (updates) grouped into it. */
  edits: number;
  /** The version's edits merged into one Yjs update, base64. */
  update: string;
}

/** `GET /api/docs/<room>/history/<n>` (format=json) */
export interface VersionPayload {
  room: string;
  n: number;
  /** null for the base */
  startedAt: number | null;
  endedAt: number | null;
  authors: number[];
  title: string;
  /** The blocks as the editor holds them, each leaf with `historyAuthor` (a client id). */
  blocks: unknown[];
  /** Client id → name and colour, for the leaves' `historyAuthor`. */
  authorNames: Record<string, { name: string; color: string }>;
}

/** Any error answer of the history endpoints. */
export interface HistoryError {
  error: string;
}

export const encodeBytes = (bytes: Uint8Array): string => toBase64(bytes);
export const decodeBytes = (text: string): Uint8Array => fromBase64(text);

export function historyPath(room: string, version?: number): string {
  return `/api/docs/${encodeURIComponent(room)}/history${version === undefined ? '' : `/${version}`}`;
}
