/**
 * The wire contract shared by the browser and the relay: message types, close
 * codes, limits and room ids. No DOM and no Node imports: both sides load it.
 *
 * The relay speaks the y-websocket protocol (y-protocols' sync and awareness
 * messages). Each frame starts with a varuint message type. Concord adds one
 * server → client type, `saved`, sent only to clients that ask for it with the
 * query parameter `?acks=1`, so a stock y-websocket client never sees it.
 */

/**
 * First varuint of every frame. 0–3 are y-protocols'; 100 and up are Concord's.
 * A receiver ignores (and counts) a type it does not know, so either side may
 * add types without breaking the other (docs/PROTOCOL.md, rule P4).
 */
export const MessageType = {
  /** y-protocols sync: step 1 (state vector), step 2 (missing updates), update. */
  sync: 0,
  /** y-protocols awareness update: presence (names, colours, cursors). */
  awareness: 1,
  /** y-protocols auth message (permission denied). */
  auth: 2,
  /** Ask the other side to send every awareness state it knows. */
  queryAwareness: 3,
  /**
   * Server → client: `[100, varuint committedUpdateFrames, varUint8Array stateVector]`.
   * Sent after the SQLite transaction holding this socket's update frames has
   * committed. `committedUpdateFrames` counts this socket's update-bearing sync
   * frames (step 2 and update) that are durable; `stateVector` is the room's
   * stored state vector at that commit.
   */
  saved: 100,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Second varuint of a sync frame (as in y-protocols/sync). */
export const SyncStep = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;

/**
 * WebSocket close codes the relay sends (docs/PROTOCOL.md, "Close codes").
 *
 * Permanent codes are in 4400–4499, mirroring HTTP 4xx: the client's own data
 * or identity is the problem, so reconnecting as it is cannot help, and stock
 * y-websocket 3.x stops reconnecting after them (it emits `closed`). Every
 * other code is transient: 1001 and 1011 are the standard "going away" and
 * "internal error", and 4500–4599 mirror HTTP 5xx ("try again later"), the
 * range y-websocket documents as transient. A condition an honest client can
 * run into is never given a permanent code. Rate limiting closes nothing: the
 * relay stops reading the socket until its token bucket refills (backpressure).
 */
export const CloseCode = {
  /** Normal close, e.g. the client left. */
  normal: 1000,
  /** The relay is shutting down (SIGTERM/SIGINT); clients reconnect later. */
  goingAway: 1001,
  /**
   * Too big: a frame larger than the relay's max frame bytes (refused by `ws`
   * from the frame header, before the payload is buffered), or an awareness
   * state (one user's presence) larger than its max awareness bytes. Both are
   * "message too big", so both use the standard code rather than 4400.
   * Permanent for `closeCodeIsPermanent` (a reconnecting client sends the same
   * frame again), although y-websocket itself reconnects after it.
   */
  tooBig: 1009,
  /**
   * The relay failed while handling this socket's frame (a bug, not the
   * client's fault). Only this socket is closed; it is logged and counted.
   */
  internalError: 1011,
  /**
   * A frame that does not decode or may not be applied: text frame, bad
   * varints, unknown sync step, corrupt update or awareness, an update over
   * the decode budget (too many structs or clock ranges past 2^32: the
   * yjs#479/#687 kind), more awareness client ids than one socket may publish.
   * Unknown message types are not malformed: they are ignored and counted.
   */
  malformed: 4400,
  /**
   * The client wrote structs under the Yjs client id that authors this
   * document's seed (`SEED_CLIENT_ID`, or 1 in documents created before it
   * changed). Accepting them would give it and everyone else two different
   * documents, and a fixed client id collides again on reconnect.
   */
  reservedClientId: 4409,
  /**
   * Updates that build on structs the relay does not have waited on this
   * socket longer than PENDING_UPDATE_TIMEOUT_MS, or more than
   * MAX_PENDING_UPDATES of them. Never stored or acked; the sync handshake
   * after reconnecting sends them again, in order.
   */
  missingDependencies: 4503,
  /**
   * A classroom was partitioned or healed, or the teacher moved this student
   * to the other group: reconnect now, and the relay routes the socket to its
   * new leader (like HTTP 307). `REGROUPED_CLOSE_CODE` in ./classroom.ts.
   */
  regrouped: 4307,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** What a close code means to a client: reconnect or not, and why, in words a user can read. */
export interface CloseCodeMeaning {
  /** True when reconnecting unchanged cannot succeed: stop, and show the reason. */
  permanent: boolean;
  reason: string;
}

const CLOSE_CODE_MEANINGS: Record<CloseCode, CloseCodeMeaning> = {
  [CloseCode.normal]: { permanent: false, reason: 'The connection was closed.' },
  [CloseCode.goingAway]: { permanent: false, reason: 'The relay is restarting; reconnecting.' },
  [CloseCode.tooBig]: {
    permanent: true,
    reason: 'This tab sent a message larger than the relay accepts (a very large change or presence state); reconnecting would send it again.',
  },
  [CloseCode.internalError]: { permanent: false, reason: 'The relay failed while handling a message from this tab; reconnecting.' },
  [CloseCode.malformed]: {
    permanent: true,
    reason: 'The relay could not read a message from this client (a bug or an incompatible version); reconnecting cannot help.',
  },
  [CloseCode.reservedClientId]: {
    permanent: true,
    reason: "This client writes under the Yjs client id reserved for the document's seed; it must use another (random) client id.",
  },
  [CloseCode.regrouped]: {
    permanent: false,
    reason: 'The teacher regrouped the class (partition, heal or a move); reconnecting to your group.',
  },
  [CloseCode.missingDependencies]: {
    permanent: false,
    reason: 'Edits arrived before the edits they build on, which did not follow in time; reconnecting sends them again in order.',
  },
};

/**
 * What a close code from the relay means. Codes the relay does not send
 * follow y-websocket's convention: 4400–4499 permanent, anything else
 * transient (including 1006, a connection lost without a close frame).
 */
export function closeCodeMeaning(code: number): CloseCodeMeaning {
  const known = CLOSE_CODE_MEANINGS[code as CloseCode];
  if (known) return known;
  if (code >= 4400 && code < 4500) return { permanent: true, reason: `The relay refused this client (close code ${code}).` };
  return { permanent: false, reason: `The connection was lost (close code ${code}); reconnecting.` };
}

/** True when a client should not reconnect after `code` (for y-websocket's `shouldReconnect`: the negation). */
export function closeCodeIsPermanent(code: number): boolean {
  return closeCodeMeaning(code).permanent;
}

/** A sentence for the user about why the relay closed the connection. */
export function closeCodeReason(code: number): string {
  return closeCodeMeaning(code).reason;
}

/**
 * Limits both sides agree on: the relay's defaults (each can be changed with an
 * environment variable, see server/config.ts and README.md).
 */
export const Limits = {
  /**
   * Largest frame the relay accepts (32 MiB); a larger frame is refused from its
   * header, before it is buffered, and closes the socket with 1009. Real
   * documents stay far below it: 10,000 paragraphs are 1.4 MB as one update, a
   * 15,000-line paste 1.3 MB; a stock y-websocket client sends its whole offline
   * backlog as one frame, so the limit must hold what a person can write
   * offline. Concord's own tab cuts anything larger than about 128 KiB into
   * pieces (src/protocol/updatePieces.ts); only a single struct larger than a
   * piece (one paragraph of megabytes) travels whole. What a frame can cost to
   * decode is bounded by MAX_UPDATE_STRUCTS, not by this.
   */
  MAX_FRAME_BYTES: 32 * 1_048_576,
  /** Largest awareness state (one user's presence, JSON) in bytes; larger closes the socket with 1009. */
  MAX_AWARENESS_BYTES: 16_384,
  /**
   * Decode budget of one Yjs update: at most this many structs plus delete
   * ranges. Checked by a linear pre-scan before Yjs decodes it; over budget
   * closes with 4400. For scale: the whole automerge-paper trace (259,778
   * edits) as one update is 13,610; a paste of 15,000 lines 45,000, of 55,000
   * lines (7 MB) 165,000; a full 32 MiB frame of such text about 750,000. Yjs
   * integrates about 300,000 a second here, so one update can hold the event
   * loop for about 3 s at most (updates that build on missing structs never
   * reach Yjs: they wait on their socket, see server/relay/heldUpdates.ts).
   */
  MAX_UPDATE_STRUCTS: 1_000_000,
} as const;

/**
 * What a socket may do in a room. Open documents make everyone an editor.
 * On a protected document the key in `?key=` decides: the edit key makes an
 * editor, the view key a viewer. A viewer receives every change but the relay
 * never applies, stores or forwards an update from it: such frames are dropped
 * and counted (the socket stays open, and the frames are never acked as saved).
 * The relay stamps `role: "viewer"` into a viewer's awareness `user` state, so
 * others can show "viewing" whatever that client claims.
 */
export const Role = {
  editor: 'editor',
  viewer: 'viewer',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** Query parameter carrying a protected document's share key (`/d/<room>?key=…`, `/ws/<room>?key=…`). */
export const KEY_QUERY_PARAM = 'key';

/** Answer of `GET /api/docs/<room>/access?key=…` (status 200, 401 or 403). */
export interface AccessAnswer {
  protected: boolean;
  /** The role the key grants; null when the status is 401 or 403. */
  role: Role | null;
  /** With 401/403: what is needed, in words. */
  error?: string;
}

/** Answer of `POST /api/docs` with `{"protected": true}`. */
export interface CreatedDocument {
  room: string;
  protected: boolean;
  /** Path (resolve against the relay's origin) to edit: `/d/<room>?key=<edit key>`. */
  editUrl: string;
  /** Path to view read-only: `/d/<room>?key=<view key>`; null for an open document. */
  viewUrl: string | null;
}

/** Room ids as they appear in `/d/<room>` and `/ws/<room>`. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidRoomId(room: string): boolean {
  return ROOM_ID_PATTERN.test(room);
}

const ROOM_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The one Web Crypto function newRoomId needs. Web Crypto exists in browsers
 * and in Node 20, but this part is typed with neither DOM nor Node, so it
 * declares what it uses.
 */
type WebCrypto = { crypto: { getRandomValues<T extends Uint8Array>(array: T): T } };

/**
 * A fresh room id: 16 characters, 96 random bits. Open documents are edited by
 * whoever has the address, so the id must not be guessable. Both sides use
 * this one function.
 */
export function newRoomId(): string {
  const bytes = (globalThis as unknown as WebCrypto).crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => ROOM_ID_ALPHABET[b & 63]).join('');
}

/** Query parameter with which a client asks for `saved` acks. */
export const ACKS_QUERY_PARAM = 'acks';

/**
 * Query parameter with which a client asks for a compact sync step 2:
 * `?sync=v2z` (COMPACT_SYNC). The relay's answer to that client's sync step 1
 * (the document, when a tab opens it) then carries a Yjs V2 update compressed
 * with raw deflate (RFC 1951) instead of a V1 update: a fifth to a quarter of
 * the bytes. Everything else on that socket, both ways, stays V1 and
 * uncompressed, and a client that does not ask (any stock y-websocket client)
 * gets V1. docs/PROTOCOL.md, "Compact sync".
 */
export const SYNC_QUERY_PARAM = 'sync';
export const COMPACT_SYNC = 'v2z';

/** Paths of the one port the relay serves. */
export const Paths = {
  websocketPrefix: '/ws/',
  document: (room: string) => `/d/${room}`,
  health: '/healthz',
  metrics: '/metrics',
  lab: '/lab',
  /** POST: create a document (`{"protected": true}` for share links). */
  docs: '/api/docs',
  /** GET: what a key grants on a room, before connecting. */
  access: (room: string) => `/api/docs/${room}/access`,
} as const;
