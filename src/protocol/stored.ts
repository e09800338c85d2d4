/**
 * `stored` (message 102, relay → client, only with `acks=1` and only from a
 * relay in a cluster): on which relays a socket's committed update frames are.
 *
 * `[102, varuint frames, varuint required, varuint n, n × varString relayId]`:
 * this socket's first `frames` update frames are durably stored on each of the
 * `relays` (the sending relay first); `required` is the relay's
 * REPLICATION_ACKS, how many relays must hold a frame before `saved` covers it.
 * With fewer relays than `required` the tab shows its edits as saved on those
 * relays only, not as "saved"; the `saved` ack follows once enough relays hold
 * them. A single relay never sends it (docs/PROTOCOL.md, "Between relays").
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const STORED_MESSAGE = 102;

export interface StoredNotice {
  frames: number;
  required: number;
  relays: string[];
}

export function encodeStored(notice: StoredNotice): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, STORED_MESSAGE);
  writeStoredBody(encoder, notice);
  return encoding.toUint8Array(encoder);
}

function writeStoredBody(encoder: encoding.Encoder, notice: StoredNotice): void {
  encoding.writeVarUint(encoder, notice.frames);
  encoding.writeVarUint(encoder, notice.required);
  encoding.writeVarUint(encoder, notice.relays.length);
  for (const relay of notice.relays) encoding.writeVarString(encoder, relay);
}

/** Reads the body (the decoder is past the message type). Throws on a truncated body. */
export function readStoredBody(decoder: decoding.Decoder): StoredNotice {
  const frames = decoding.readVarUint(decoder);
  const required = decoding.readVarUint(decoder);
  const count = decoding.readVarUint(decoder);
  if (count > 64) throw new Error('stored: too many relays');
  const relays: string[] = [];
  for (let i = 0; i < count; i++) relays.push(decoding.readVarString(decoder));
  if (decoder.pos > decoder.arr.length) throw new Error('stored: truncated');
  return { frames, required, relays };
}

export function decodeStored(frame: Uint8Array): StoredNotice {
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== STORED_MESSAGE) throw new Error('not a stored frame');
  return readStoredBody(decoder);
}
