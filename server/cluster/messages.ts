/**
 * The messages relays exchange through Redis, and their binary encoding.
 *
 * Every message starts with the protocol version, its kind, the publishing
 * relay's id and the room (empty for heartbeats and the replication messages
 * that cover many rooms); a relay drops its own messages by that id (Redis
 * delivers a publisher's messages to its own subscriptions too). Channels
 * (see `Channels`):
 *
 * - `updates`       every client update accepted by any relay — every relay
 *                   subscribes, loaded room or not (eager replication)
 * - `room:<room>`   awareness and periodic syncRequest — only relays that have the room loaded
 * - `sync`          syncRequest on load, reconnect, a missing dependency or
 *                   edits waiting for a second copy — every relay (one that
 *                   stored the room but has it unloaded answers from storage)
 * - `relay:<id>`    addressed to one relay: syncReply, replicated,
 *                   directoryRequest/Page and the catch-up's syncRequests
 * - `relays`        heartbeat
 *
 * Catch-up is Yjs' sync step 1/2 carried over Redis: a request holds the
 * requester's state vector (and a digest of its delete set, since a
 * deletion does not move the state vector); a relay that has more answers
 * with `Y.encodeStateAsUpdate(doc, stateVector)` and its own state vector
 * and digest, and the requester sends back what the responder lacks.
 *
 * Replication positions (server/cluster/replication.ts): each relay numbers
 * the client updates it publishes per room (`seq`, 1, 2, …, per `epoch`: a
 * random number drawn at each start). `update`, `syncRequest` and `syncReply`
 * carry the sender's epoch and its seq for the room; a receiver that has
 * durably stored everything up to a seq says so with `replicated`.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** 2: eager replication (updates channel, seq/epoch, replicated, directory). A relay refuses other versions. */
export const CLUSTER_PROTOCOL_VERSION = 2;

/** Wire codes of the message kinds. */
export const ClusterKind = {
  update: 0,
  awareness: 1,
  syncRequest: 2,
  syncReply: 3,
  heartbeat: 4,
  replicated: 5,
  directoryRequest: 6,
  directoryPage: 7,
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
  /** An update from another relay built on something this room lacks, or skipped a seq. */
  missingDeps: 3,
  /** Catch-up of a document listed in a peer's directory: always answered, even when nothing differs. */
  directory: 4,
  /** Edits here wait for another relay's commit (REPLICATION_ACKS): always answered. */
  replication: 5,
} as const;
export type SyncReasonName = keyof typeof SyncReason;
const REASON_NAMES = Object.keys(SyncReason) as SyncReasonName[];
const KIND_NAMES = Object.keys(ClusterKind) as ClusterKindName[];

/** Reasons whose requests a relay answers even when it has nothing to send: the requester waits for the answer. */
export function alwaysAnswered(reason: SyncReasonName): boolean {
  return reason === 'directory' || reason === 'replication';
}

interface Envelope {
  /** The publishing relay's RELAY_ID. */
  relay: string;
  room: string;
}

/** A replication position: the sender's boot (`epoch`) and how many updates it has published for the room (`seq`). */
export interface Position {
  epoch: number;
  seq: number;
}

export type ClusterMessage =
  /**
   * A client's update, as the sync update frame the publisher forwarded to its
   * own sockets, with its position and what history keeps of it (when the
   * publisher received it, its author, whether it only moved stored carets).
   */
  | (Envelope & Position & { kind: 'update'; frame: Uint8Array; at: number; author: number | null; quiet: boolean })
  /** A client's awareness frame (type 1), as forwarded by the publisher. */
  | (Envelope & { kind: 'awareness'; frame: Uint8Array })
  /** `epoch`/`seq`: the requester's position for the room (a responder that lacks nothing holds everything up to it). */
  | (Envelope & Position & { kind: 'syncRequest'; reason: SyncReasonName; stateVector: Uint8Array; deleteDigest: Uint8Array })
  /**
   * The answer to a syncRequest, on the requester's channel. `update` may be
   * empty; `stateVector` empty means "do not send anything back" (the
   * responder lacks nothing, or this is already the send-back). `epoch`/`seq`:
   * the sender's position for the room when it wrote `update`, which holds
   * everything the sender had that the receiver lacked.
   */
  | (Envelope &
      Position & {
        kind: 'syncReply';
        update: Uint8Array;
        stateVector: Uint8Array;
        deleteDigest: Uint8Array;
        awareness: Uint8Array;
      })
  /**
   * Sent every CLUSTER_HEARTBEAT_MS; `boot` changes when the relay restarts,
   * `store` when its data directory is new (catch-up cursors are kept per store);
   * `acks`: its REPLICATION_ACKS (above 1, its tabs wait for our `replicated`).
   */
  | (Envelope & { kind: 'heartbeat'; boot: string; intervalMs: number; store: string; epoch: number; acks: number })
  /**
   * To an origin relay: "my store durably holds every update you published
   * (in your boot `epoch`) for each room up to its seq". Sent after the commit.
   */
  | (Envelope & { kind: 'replicated'; epoch: number; rooms: Array<[room: string, seq: number]> })
  /** "List the documents your store changed after change number `since`" (at most `limit`). */
  | (Envelope & { kind: 'directoryRequest'; since: number; limit: number })
  /** A page of the sender's documents directory: each document with its last change number, ascending. */
  | (Envelope & { kind: 'directoryPage'; store: string; since: number; entries: Array<[room: string, change: number]>; more: boolean });

export const Channels = {
  room: (prefix: string, room: string) => `${prefix}room:${room}`,
  updates: (prefix: string) => `${prefix}updates`,
  sync: (prefix: string) => `${prefix}sync`,
  relay: (prefix: string, relayId: string) => `${prefix}relay:${relayId}`,
  relays: (prefix: string) => `${prefix}relays`,
} as const;

function writePosition(encoder: encoding.Encoder, position: Position): void {
  encoding.writeVarUint(encoder, position.epoch);
  encoding.writeVarUint(encoder, position.seq);
}

export function encodeClusterMessage(message: ClusterMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, CLUSTER_PROTOCOL_VERSION);
  encoding.writeVarUint(encoder, ClusterKind[message.kind]);
  encoding.writeVarString(encoder, message.relay);
  encoding.writeVarString(encoder, message.room);
  switch (message.kind) {
    case 'update':
      encoding.writeVarUint8Array(encoder, message.frame);
      writePosition(encoder, message);
      encoding.writeVarUint(encoder, message.at);
      encoding.writeVarUint(encoder, message.author === null ? 0 : message.author + 1);
      encoding.writeUint8(encoder, message.quiet ? 1 : 0);
      break;
    case 'awareness':
      encoding.writeVarUint8Array(encoder, message.frame);
      break;
    case 'syncRequest':
      encoding.writeVarUint(encoder, SyncReason[message.reason]);
      encoding.writeVarUint8Array(encoder, message.stateVector);
      encoding.writeVarUint8Array(encoder, message.deleteDigest);
      writePosition(encoder, message);
      break;
    case 'syncReply':
      encoding.writeVarUint8Array(encoder, message.update);
      encoding.writeVarUint8Array(encoder, message.stateVector);
      encoding.writeVarUint8Array(encoder, message.deleteDigest);
      encoding.writeVarUint8Array(encoder, message.awareness);
      writePosition(encoder, message);
      break;
    case 'heartbeat':
      encoding.writeVarString(encoder, message.boot);
      encoding.writeVarUint(encoder, message.intervalMs);
      encoding.writeVarString(encoder, message.store);
      encoding.writeVarUint(encoder, message.epoch);
      encoding.writeVarUint(encoder, message.acks);
      break;
    case 'replicated':
      encoding.writeVarUint(encoder, message.epoch);
      encoding.writeVarUint(encoder, message.rooms.length);
      for (const [room, seq] of message.rooms) {
        encoding.writeVarString(encoder, room);
        encoding.writeVarUint(encoder, seq);
      }
      break;
    case 'directoryRequest':
      encoding.writeVarUint(encoder, message.since + 1); // since may be -1 (nothing yet)
      encoding.writeVarUint(encoder, message.limit);
      break;
    case 'directoryPage':
      encoding.writeVarString(encoder, message.store);
      encoding.writeVarUint(encoder, message.since + 1);
      encoding.writeVarUint(encoder, message.entries.length);
      for (const [room, change] of message.entries) {
        encoding.writeVarString(encoder, room);
        encoding.writeVarUint(encoder, change);
      }
      encoding.writeUint8(encoder, message.more ? 1 : 0);
      break;
    default:
      message satisfies never;
  }
  return encoding.toUint8Array(encoder);
}

export class ClusterMessageError extends Error {
  override name = 'ClusterMessageError';
}

/** Entries in one list field at most (a directory page is far smaller). */
const MAX_LIST = 100_000;

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
    const checked = <T>(value: T): T => {
      if (decoder.pos > bytes.length) throw new ClusterMessageError('truncated');
      return value;
    };
    const bytesField = () => checked(decoding.readVarUint8Array(decoder));
    const uint = () => checked(decoding.readVarUint(decoder));
    const text = () => checked(decoding.readVarString(decoder));
    const position = (): Position => ({ epoch: uint(), seq: uint() });
    const count = () => {
      const n = uint();
      if (n > MAX_LIST) throw new ClusterMessageError('list too long');
      return n;
    };
    switch (kind) {
      case 'update': {
        const frame = bytesField();
        const { epoch, seq } = position();
        const at = uint();
        const author = uint();
        const quiet = checked(decoding.readUint8(decoder)) === 1;
        return { kind, relay, room, frame, epoch, seq, at, author: author === 0 ? null : author - 1, quiet };
      }
      case 'awareness':
        return { kind, relay, room, frame: bytesField() };
      case 'syncRequest': {
        const reason = REASON_NAMES[uint()];
        if (!reason) throw new ClusterMessageError('unknown sync reason');
        const stateVector = bytesField();
        const deleteDigest = bytesField();
        return { kind, relay, room, reason, stateVector, deleteDigest, ...position() };
      }
      case 'syncReply': {
        const update = bytesField();
        const stateVector = bytesField();
        const deleteDigest = bytesField();
        const awareness = bytesField();
        return { kind, relay, room, update, stateVector, deleteDigest, awareness, ...position() };
      }
      case 'heartbeat':
        return { kind, relay, room, boot: text(), intervalMs: uint(), store: text(), epoch: uint(), acks: uint() };
      case 'replicated': {
        const epoch = uint();
        const rooms: Array<[string, number]> = [];
        for (let i = count(); i > 0; i--) rooms.push([text(), uint()]);
        return { kind, relay, room, epoch, rooms };
      }
      case 'directoryRequest':
        return { kind, relay, room, since: uint() - 1, limit: uint() };
      case 'directoryPage': {
        const store = text();
        const since = uint() - 1;
        const entries: Array<[string, number]> = [];
        for (let i = count(); i > 0; i--) entries.push([text(), uint()]);
        const more = checked(decoding.readUint8(decoder)) === 1;
        return { kind, relay, room, store, since, entries, more };
      }
      default:
        throw new ClusterMessageError('unknown message kind');
    }
  } catch (error) {
    if (error instanceof ClusterMessageError) throw error;
    throw new ClusterMessageError(`does not decode: ${(error as Error).message}`);
  }
}
