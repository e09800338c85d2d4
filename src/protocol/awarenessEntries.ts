/**
 * The entries of a y-protocols awareness update, read and written without an
 * Awareness instance: `[varuint count]` then per client `[varuint clientId]
 * [varuint clock][varString JSON state]` ("null" when the client left). The
 * relay reads them to check each state's size and to stamp viewers before the
 * update reaches y-protocols.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The state as JSON text. */
  state: string;
  /** Bytes of the state's JSON as encoded (UTF-8 plus its length prefix). */
  stateBytes: number;
}

/** Throws an Error (with the reason) if `update` is not a well-formed awareness update. */
export function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  // Each entry takes at least 3 bytes: refuse counts that cannot fit before allocating for them.
  if (count * 3 > update.length) throw new Error(`count ${count} does not fit`);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const start = decoder.pos;
    const state = decoding.readVarString(decoder);
    if (decoder.pos > update.length) throw new Error('truncated state');
    entries.push({ clientId, clock, state, stateBytes: decoder.pos - start });
  }
  return entries;
}

export function writeAwarenessEntries(entries: readonly Pick<AwarenessEntry, 'clientId' | 'clock' | 'state'>[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, state);
  }
  return encoding.toUint8Array(encoder);
}
