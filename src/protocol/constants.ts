/**
 * The wire contract shared by the browser and the relay: message types, close
 * codes, limits and room ids. No DOM and no Node imports: both sides load it.
 *
 * The relay speaks the y-websocket protocol (y-protocols' sync and awareness
 * messages). Each frame starts with a varuint message type. Concord adds one
 * server → client type, `saved`, sent only to clients that ask for it with the
 * query parameter `?acks=1`, so a stock y-websocket client never sees it.
 */

/** First varuint of every frame. 0–3 are y-protocols'; 100 and up are Concord's. */
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
 * WebSocket close codes the relay uses. 4400–4499 mirror HTTP 4xx: the stock
 * y-websocket client does not reconnect after them, because retrying cannot help.
 */
export const CloseCode = {
  /** Normal close, e.g. the client left. */
  normal: 1000,
  /** The relay is shutting down (SIGTERM/SIGINT); clients reconnect later. */
  goingAway: 1001,
  /** A frame larger than MAX_FRAME_BYTES; refused before it is buffered. */
  tooBig: 1009,
  /** A frame that does not decode: bad varints, unknown message type, text frame, corrupt update. */
  malformed: 4400,
  /** A protected room and no key. */
  unauthorized: 4401,
  /** A key that does not grant this access. */
  forbidden: 4403,
  /** Too many messages per second from one socket. */
  rateLimited: 4429,
  /** The relay could not store an update; the client reconnects and resends. */
  storageFailed: 4500,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Limits both sides agree on. */
export const Limits = {
  /** Largest frame the relay accepts (1 MiB); larger frames close the socket with 1009. */
  MAX_FRAME_BYTES: 1_048_576,
  /** Largest awareness state (one user's presence) in bytes. */
  MAX_AWARENESS_BYTES: 16_384,
} as const;

/** Room ids as they appear in `/d/<room>` and `/ws/<room>`. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidRoomId(room: string): boolean {
  return ROOM_ID_PATTERN.test(room);
}

/** Query parameter with which a client asks for `saved` acks. */
export const ACKS_QUERY_PARAM = 'acks';

/** Paths of the one port the relay serves. */
export const Paths = {
  websocketPrefix: '/ws/',
  document: (room: string) => `/d/${room}`,
  health: '/healthz',
  metrics: '/metrics',
  lab: '/lab',
} as const;
