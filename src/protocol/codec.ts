/**
 * The wire codec: every frame Concord builds or parses, for the browser, the
 * relay, the cluster, the load generator and the tests (docs/PROTOCOL.md,
 * "Messages"). Built on y-protocols' message constants and lib0's encoders; no
 * other module writes or reads frame bytes by hand.
 *
 * A frame is `[varuint type][body]`. Sync bodies are `[varuint step][varUint8Array
 * payload]` (payload: a state vector for step 1, a Yjs update for step 2 and
 * update); an awareness body is one `varUint8Array` (a y-protocols awareness
 * update); query-awareness has no body; `saved` is `[varuint committedUpdateFrames]
 * [varUint8Array stateVector]`.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { MessageType, SyncStep } from './constants';

/** A decoded frame, as a union on `type`. Byte fields are views into the frame. */
export type Frame =
  | { type: 'sync'; step: SyncStep; payload: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'queryAwareness' }
  | ({ type: 'saved' } & Omit<SavedAck, 'type'>)
  /** A type this side does not handle (y-protocols' auth, or one added later): ignore it. */
  | { type: 'unknown'; messageType: number };

type SyncStep = (typeof SyncStep)[keyof typeof SyncStep];

/** The part of a frame that did not decode, for error counts and close reasons. */
export type FramePart = 'type' | 'sync' | 'awareness' | 'saved';

/** A frame that does not decode. */
export class MalformedFrame extends Error {
  override name = 'MalformedFrame';
  constructor(
    readonly part: FramePart,
    message: string,
  ) {
    super(message);
  }
}

/** The `saved` ack, as the client reads it. */
export interface SavedAck {
  type: typeof MessageType.saved;
  /** How many of this socket's update-bearing frames are durably stored. */
  committedUpdateFrames: number;
  /** The room's stored state vector (Yjs encoding) at that commit. */
  stateVector: Uint8Array;
}

function frameOf(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** `[0, 0, stateVector]`: what I have; answer with what I lack. */
export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return frameOf(MessageType.sync, (e) => {
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

/** `[0, 1, update]`: the answer to a step 1. */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return frameOf(MessageType.sync, (e) => {
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(e, update);
  });
}

/** `[0, 2, update]`: a live change. */
export function encodeUpdate(update: Uint8Array): Uint8Array {
  return frameOf(MessageType.sync, (e) => syncProtocol.writeUpdate(e, update));
}

/** `[1, awarenessUpdate]`. */
export function encodeAwareness(update: Uint8Array): Uint8Array {
  return frameOf(MessageType.awareness, (e) => encoding.writeVarUint8Array(e, update));
}

/** `[3]`: ask for every awareness state the other side knows. */
export function encodeQueryAwareness(): Uint8Array {
  return frameOf(MessageType.queryAwareness, () => {});
}

/** `[100, committedUpdateFrames, stateVector]`, relay → client. */
export function encodeSaved(committedUpdateFrames: number, stateVector: Uint8Array): Uint8Array {
  return frameOf(MessageType.saved, (e) => {
    encoding.writeVarUint(e, committedUpdateFrames);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

function readUint(decoder: decoding.Decoder, part: FramePart): number {
  try {
    return decoding.readVarUint(decoder);
  } catch {
    throw new MalformedFrame(part, 'truncated varint');
  }
}

/** A length-prefixed payload that must lie inside the frame and be non-empty (every payload we read has a length ≥ 1). */
function readPayload(decoder: decoding.Decoder, part: FramePart): Uint8Array {
  const length = readUint(decoder, part);
  if (length === 0 || length > decoder.arr.length - decoder.pos) throw new MalformedFrame(part, 'truncated or missing payload');
  return decoding.readUint8Array(decoder, length);
}

/** Reads a sync body (after the message type): step and payload. */
export function readSyncBody(decoder: decoding.Decoder): { step: SyncStep; payload: Uint8Array } {
  const step = readUint(decoder, 'sync');
  if (step !== SyncStep.step1 && step !== SyncStep.step2 && step !== SyncStep.update) {
    throw new MalformedFrame('sync', `unknown sync step ${step}`);
  }
  return { step, payload: readPayload(decoder, 'sync') };
}

/** Reads a `saved` frame body; the decoder is positioned after the message type. */
export function readSavedBody(decoder: decoding.Decoder): SavedAck {
  const committedUpdateFrames = readUint(decoder, 'saved');
  const stateVector = readPayload(decoder, 'saved');
  return { type: MessageType.saved, committedUpdateFrames, stateVector };
}

/**
 * Decodes one frame. Throws MalformedFrame if it does not decode; an unknown
 * message type is not an error (`{type: 'unknown'}`). Bytes after the body are ignored.
 */
export function readFrame(frame: Uint8Array): Frame {
  const decoder = decoding.createDecoder(frame);
  const messageType = readUint(decoder, 'type');
  switch (messageType) {
    case MessageType.sync:
      return { type: 'sync', ...readSyncBody(decoder) };
    case MessageType.awareness:
      return { type: 'awareness', update: readPayload(decoder, 'awareness') };
    case MessageType.queryAwareness:
      return { type: 'queryAwareness' };
    case MessageType.saved: {
      const { committedUpdateFrames, stateVector } = readSavedBody(decoder);
      return { type: 'saved', committedUpdateFrames, stateVector };
    }
    default:
      return { type: 'unknown', messageType };
  }
}

export function decodeSaved(frame: Uint8Array): SavedAck {
  const decoded = readFrame(frame);
  if (decoded.type !== 'saved') throw new MalformedFrame('type', 'not a saved frame');
  return { ...decoded, type: MessageType.saved };
}

/** The Yjs update inside a sync step 2 or update frame, or null for any other or malformed frame. */
export function updateOfFrame(frame: Uint8Array): Uint8Array | null {
  try {
    const decoded = readFrame(frame);
    return decoded.type === 'sync' && decoded.step !== SyncStep.step1 ? decoded.payload : null;
  } catch {
    return null;
  }
}

/** The awareness update inside an awareness frame, or null for any other or malformed frame. */
export function awarenessOfFrame(frame: Uint8Array): Uint8Array | null {
  try {
    const decoded = readFrame(frame);
    return decoded.type === 'awareness' ? decoded.update : null;
  } catch {
    return null;
  }
}

/**
 * True when a frame carries document content: a sync step 2 or a sync update.
 * Both sides count these frames to match `saved` acks to what was sent. Cheap:
 * looks at the first two bytes only (both types are single-byte varuints).
 */
export function isUpdateFrame(frame: Uint8Array): boolean {
  return (
    frame.length >= 2 &&
    frame[0] === MessageType.sync &&
    (frame[1] === SyncStep.step2 || frame[1] === SyncStep.update)
  );
}

/**
 * The same frame as a sync update: a step 2 relabelled (a peer must not take
 * someone else's step 2 for the end of its own handshake), an update as is.
 */
export function asUpdateFrame(frame: Uint8Array): Uint8Array {
  if (frame[1] === SyncStep.update) return frame;
  const copy = Uint8Array.from(frame);
  copy[1] = SyncStep.update; // both steps are single-byte varuints
  return copy;
}
