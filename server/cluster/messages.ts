/**
 * The messages relays exchange through Redis, and their binary encoding.
 *
 * Every message starts with the protocol version, its kind, the publishing
 * relay's id and the room (empty for heartbeats); a relay drops its own
 * messages by that id (Redis delivers a publisher's messages to its own
 * subscriptions too). Channels (see `Channels`):
 *
 * - `room:<room>`   update, awareness, periodic syncRequest — only relays that have the room loaded
 * - `sync`          syncRequest on load, reconnect or a missing dependency — every relay
 *                   (one that stored the room but has it unloaded answers from storage)
 * - `relay:<id>`    syncReply addressed to one relay
 * - `relays`        heartbeat
 *
 * Catch-up is Yjs' sync step 1/2 carried over Redis: a request holds the
 * requester's state vector (and a digest of its delete set, since a
 * deletion does not move the state vector); a relay that has more answers
 * with `Y.encodeStateAsUpdate(doc, stateVector)` and its own state vector
 * and digest, and the requester sends back what the responder lacks.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const CLUSTER_PROTOCOL_VERSION = 1;

/** Wire codes of the message kinds. */
export const ClusterKind = {
  update: 0,
  awareness: 1,
  syncRequest: 2,
  syncReply: 3,
  heartbeat: 4,
} as const;
export type ClusterKindName = keyof typeof ClusterKind;

/** Why a relay asks the others for what it lacks (metrics label and wire code). */
export const SyncReason = {
  /** The room was just loaded on this relay. */
  load: 0,
  /** The link to Redis came (back) up: whatever was published meanwhile is lost. */
  reconnect: 1,
  /** Anti-entropy every CLUSTER_ANTI_ENTROPY_MS, in case a message was lost anyway. */
  periodic: 2,
  /** An update from another relay built on something this room lacks. */
  missingDeps: 3,
} as const;
export type SyncReasonName = keyof typeof SyncReason;
const REASON_NAMES = Object.keys(SyncReason) as SyncReasonName[];
const KIND_NAMES = Object.keys(ClusterKind) as ClusterKindName[];

interface Envelope {
  /** The publishing relay's RELAY_ID. */
  relay: string;
  room: string;
}

export type ClusterMessage =
  /** A client's update, as the sync update frame the publisher forwarded to its own sockets. */
  | (Envelope & { kind: 'update'; frame: Uint8Array })
  /** A client's awareness frame (type 1), as forwarded by the publisher. */
  | (Envelope & { kind: 'awareness'; frame: Uint8Array })
  | (Envelope & { kind: 'syncRequest'; reason: SyncReasonName; stateVector: Uint8Array; deleteDigest: Uint8Array })
  /**
   * The answer to a syncRequest, on the requester's channel. `update` may be
   * empty; `stateVector` empty means "do not send anything back" (the
   * responder answered from storage, or this is already the send-back).
   */
  | (Envelope & {
      kind: 'syncReply';
      update: Uint8Array;
      stateVector: Uint8Array;
      deleteDigest: Uint8Array;
      awareness: Uint8Array;
    })
  /** Sent every CLUSTER_HEARTBEAT_MS; `boot` changes when the relay restarts. */
  | (Envelope & { kind: 'heartbeat'; boot: string; intervalMs: number });

export const Channels = {
  room: (prefix: string, room: string) => `${prefix}room:${room}`,
  sync: (prefix: string) => `${prefix}sync`,
  relay: (prefix: string, relayId: string) => `${prefix}relay:${relayId}`,
  relays: (prefix: string) => `${prefix}relays`,
} as const;

export function encodeClusterMessage(message: ClusterMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, CLUSTER_PROTOCOL_VERSION);
  encoding.writeVarUint(encoder, ClusterKind[message.kind]);
  encoding.writeVarString(encoder, message.relay);
  encoding.writeVarString(encoder, message.room);
  switch (message.kind) {
    case 'update':
    case 'awareness':
      encoding.writeVarUint8Array(encoder, message.frame);
      break;
    case 'syncRequest':
      encoding.writeVarUint(encoder, SyncReason[message.reason]);
      encoding.writeVarUint8Array(encoder, message.stateVector);
      encoding.writeVarUint8Array(encoder, message.deleteDigest);
      break;
    case 'syncReply':
      encoding.writeVarUint8Array(encoder, message.update);
      encoding.writeVarUint8Array(encoder, message.stateVector);
      encoding.writeVarUint8Array(encoder, message.deleteDigest);
      encoding.writeVarUint8Array(encoder, message.awareness);
      break;
    case 'heartbeat':
      encoding.writeVarString(encoder, message.boot);
      encoding.writeVarUint(encoder, message.intervalMs);
      break;
    default:
      message satisfies never;
  }
  return encoding.toUint8Array(encoder);
}

export class ClusterMessageError extends Error {
  override name = 'ClusterMessageError';
}

/**
 * Decodes a message. Returns null without decoding the body when it comes from
 * `ownRelayId` (our own publication). Byte fields are views into `bytes`.
 */
export function decodeClusterMessage(bytes: Uint8Array, ownRelayId: string): ClusterMessage | null {
  const decoder = decoding.createDecoder(bytes);
  try {
    const version = decoding.readVarUint(decoder);
    if (version !== CLUSTER_PROTOCOL_VERSION) throw new ClusterMessageError(`unknown cluster protocol version ${version}`);
    const kind = KIND_NAMES[decoding.readVarUint(decoder)];
    const relay = decoding.readVarString(decoder);
    if (relay === ownRelayId && kind !== 'heartbeat') return null; // heartbeats: to notice a second relay with our id
    const room = decoding.readVarString(decoder);
    const bytesField = () => {
      const field = decoding.readVarUint8Array(decoder);
      if (decoder.pos > bytes.length) throw new ClusterMessageError('truncated');
      return field;
    };
    switch (kind) {
      case 'update':
      case 'awareness':
        return { kind, relay, room, frame: bytesField() };
      case 'syncRequest': {
        const reason = REASON_NAMES[decoding.readVarUint(decoder)];
        if (!reason) throw new ClusterMessageError('unknown sync reason');
        return { kind, relay, room, reason, stateVector: bytesField(), deleteDigest: bytesField() };
      }
      case 'syncReply':
        return { kind, relay, room, update: bytesField(), stateVector: bytesField(), deleteDigest: bytesField(), awareness: bytesField() };
      case 'heartbeat':
        return { kind, relay, room, boot: decoding.readVarString(decoder), intervalMs: decoding.readVarUint(decoder) };
      default:
        throw new ClusterMessageError('unknown message kind');
    }
  } catch (error) {
    if (error instanceof ClusterMessageError) throw error;
    throw new ClusterMessageError(`does not decode: ${(error as Error).message}`);
  }
}
