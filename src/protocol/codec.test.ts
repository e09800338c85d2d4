/**
 * The wire codec (docs/PROTOCOL.md, "Messages"): frames are byte-for-byte what
 * y-protocols writes, decode back, and what does not decode is refused with
 * the part that failed; unknown types are reported, not refused (rule R9).
 */
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { readAwarenessEntries, writeAwarenessEntries } from './awarenessEntries';
import {
  MalformedFrame,
  asUpdateFrame,
  awarenessOfFrame,
  decodeSaved,
  encodeAwareness,
  encodeQueryAwareness,
  encodeSaved,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  isUpdateFrame,
  readFrame,
  updateOfFrame,
} from './codec';
import { MessageType, SyncStep } from './constants';

function yProtocols(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

const doc = new Y.Doc();
doc.getText('title').insert(0, 'héllo');
const update = Y.encodeStateAsUpdate(doc);
const stateVector = Y.encodeStateVector(doc);

describe('wire codec', () => {
  it('builds the same bytes as y-protocols', () => {
    expect(encodeSyncStep1(stateVector)).toEqual(
      yProtocols((e) => {
        encoding.writeVarUint(e, MessageType.sync);
        syncProtocol.writeSyncStep1(e, doc);
      }),
    );
    expect(encodeSyncStep2(update)).toEqual(
      yProtocols((e) => {
        encoding.writeVarUint(e, MessageType.sync);
        syncProtocol.writeSyncStep2(e, doc);
      }),
    );
    expect(encodeUpdate(update)).toEqual(
      yProtocols((e) => {
        encoding.writeVarUint(e, MessageType.sync);
        syncProtocol.writeUpdate(e, update);
      }),
    );
    expect(encodeQueryAwareness()).toEqual(Uint8Array.of(MessageType.queryAwareness));
  });

  it('reads back every frame it builds', () => {
    expect(readFrame(encodeSyncStep1(stateVector))).toEqual({ type: 'sync', step: SyncStep.step1, payload: stateVector });
    expect(readFrame(encodeSyncStep2(update))).toEqual({ type: 'sync', step: SyncStep.step2, payload: update });
    expect(readFrame(encodeUpdate(update))).toEqual({ type: 'sync', step: SyncStep.update, payload: update });
    expect(readFrame(encodeAwareness(Uint8Array.of(0)))).toEqual({ type: 'awareness', update: Uint8Array.of(0) });
    expect(readFrame(encodeQueryAwareness())).toEqual({ type: 'queryAwareness' });
    expect(decodeSaved(encodeSaved(7, stateVector))).toEqual({ type: MessageType.saved, committedUpdateFrames: 7, stateVector });
    expect(updateOfFrame(encodeSyncStep2(update))).toEqual(update);
    expect(updateOfFrame(encodeSyncStep1(stateVector))).toBeNull();
    expect(awarenessOfFrame(encodeAwareness(Uint8Array.of(0)))).toEqual(Uint8Array.of(0));
    expect(awarenessOfFrame(encodeUpdate(update))).toBeNull();
  });

  it('saved is [100, committedUpdateFrames, stateVector]', () => {
    expect(encodeSaved(300, Uint8Array.of(1, 5, 9))).toEqual(Uint8Array.of(100, 0xac, 0x02, 3, 1, 5, 9));
  });

  it('reports unknown message types instead of refusing them', () => {
    expect(readFrame(Uint8Array.of(42, 1, 2))).toEqual({ type: 'unknown', messageType: 42 });
    expect(readFrame(Uint8Array.of(0xac, 0x02))).toEqual({ type: 'unknown', messageType: 300 });
    expect(readFrame(Uint8Array.of(MessageType.auth, 0))).toEqual({ type: 'unknown', messageType: MessageType.auth });
  });

  it.each([
    ['an empty frame', [], 'type'],
    ['a truncated type varint', [0x80], 'type'],
    ['an unknown sync step', [0, 9, 1, 0], 'sync'],
    ['a payload length past the frame', [0, 2, 100, 1, 2], 'sync'],
    ['an empty payload', [0, 2, 0], 'sync'],
    ['a missing awareness payload', [1], 'awareness'],
  ])('refuses %s, naming the part', (_name, bytes, part) => {
    let error: unknown;
    try {
      readFrame(Uint8Array.from(bytes as number[]));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MalformedFrame);
    expect((error as MalformedFrame).part).toBe(part);
  });

  it('relabels a step 2 as an update without touching the original', () => {
    const step2 = encodeSyncStep2(update);
    const relabelled = asUpdateFrame(step2);
    expect(relabelled).toEqual(encodeUpdate(update));
    expect(step2[1]).toBe(SyncStep.step2);
    expect(isUpdateFrame(step2) && isUpdateFrame(relabelled)).toBe(true);
    expect(isUpdateFrame(encodeSyncStep1(stateVector))).toBe(false);
  });

  it('reads and writes awareness entries as y-protocols encodes them', () => {
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awareness.setLocalState({ user: { name: 'Zoë', color: '#123456' } });
    const encoded = awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]);
    const entries = readAwarenessEntries(encoded);
    const state = '{"user":{"name":"Zoë","color":"#123456"}}';
    const clock = awareness.meta.get(awareness.clientID)!.clock;
    // stateBytes: the UTF-8 JSON (ë takes two bytes) and its one-byte length prefix.
    expect(entries).toEqual([{ clientId: awareness.clientID, clock, state, stateBytes: 1 + Buffer.byteLength(state) }]);
    expect(writeAwarenessEntries(entries)).toEqual(encoded);
    expect(() => readAwarenessEntries(Uint8Array.of(200, 1))).toThrow();
    awareness.destroy();
  });
});
