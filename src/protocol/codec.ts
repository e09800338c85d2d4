/**
 * Encoding and decoding of Concord's own frames and of the frame headers the
 * relay needs to look at. y-protocols does the rest.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType, SyncStep } from './constants';

/** The `saved` ack, as the client reads it. */
export interface SavedAck {
  type: typeof MessageType.saved;
  /** How many of this socket's update-bearing frames are durably stored. */
  committedUpdateFrames: number;
  /** The room's stored state vector (Yjs encoding) at that commit. */
  stateVector: Uint8Array;
}

export function encodeSaved(committedUpdateFrames: number, stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.saved);
  encoding.writeVarUint(encoder, committedUpdateFrames);
  encoding.writeVarUint8Array(encoder, stateVector);
  return encoding.toUint8Array(encoder);
}

/** Reads a `saved` frame body; the decoder is positioned after the message type. */
export function readSavedBody(decoder: decoding.Decoder): SavedAck {
  const committedUpdateFrames = decoding.readVarUint(decoder);
  const stateVector = decoding.readVarUint8Array(decoder);
  return { type: MessageType.saved, committedUpdateFrames, stateVector };
}

export function decodeSaved(frame: Uint8Array): SavedAck {
  const decoder = decoding.createDecoder(frame);
  const type = decoding.readVarUint(decoder);
  if (type !== MessageType.saved) throw new Error(`not a saved frame: type ${type}`);
  return readSavedBody(decoder);
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
