import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import { encodeSyncStep2, encodeUpdate } from '../protocol/codec';
import { encodeStored, decodeStored } from '../protocol/stored';
import { describeCopies, RelayCopies } from './relayCopies';
import { SaveTracker } from './saveTracker';

function receive(copies: RelayCopies, frames: number, required: number, relays: string[]): void {
  const decoder = decoding.createDecoder(encodeStored({ frames, required, relays }));
  decoding.readVarUint(decoder); // the type
  copies.received(decoder);
}

describe('which relays hold this tab’s edits (stored, message 102)', () => {
  it('round-trips the message', () => {
    expect(decodeStored(encodeStored({ frames: 300, required: 2, relays: ['eu-1', 'us-1'] }))).toEqual({ frames: 300, required: 2, relays: ['eu-1', 'us-1'] });
  });

  it('edits committed on fewer relays than required are neither saving nor saved', () => {
    const tracker = new SaveTracker(() => {});
    const copies = new RelayCopies();
    tracker.socketOpened();
    tracker.frameSent(encodeSyncStep2(Uint8Array.of(0, 0))); // the handshake: frame 1
    tracker.frameSent(encodeUpdate(Uint8Array.of(0, 0))); // the provider sends an edit (frame 2)…
    tracker.localEdit(true); // …then the tracker counts it
    tracker.ackReceived(1);
    expect(tracker.pending).toBe(1);
    expect(copies.status(tracker).fewerThanRequired).toBe(false); // not told anything: a single relay
    receive(copies, 1, 2, ['A']);
    expect(copies.status(tracker).fewerThanRequired).toBe(false); // frame 2 not covered yet
    receive(copies, 2, 2, ['A']);
    expect(copies.status(tracker)).toMatchObject({ fewerThanRequired: true, relays: ['A'], required: 2 });
    expect(describeCopies(copies.status(tracker))).toBe('Your latest edits are on A only: not counted as saved until 2 relays hold them.');
    tracker.ackReceived(2);
    receive(copies, 2, 2, ['A', 'B']);
    expect(copies.status(tracker)).toMatchObject({ fewerThanRequired: false, current: true });
    expect(describeCopies(copies.status(tracker))).toBe('Your edits are stored on relays A, B.');
    copies.socketOpened();
    expect(copies.status(tracker).relays).toEqual([]);
  });

  it('with one copy required, names the relays and says when the newest are on the tab’s relay only', () => {
    const tracker = new SaveTracker(() => {});
    const copies = new RelayCopies();
    tracker.socketOpened();
    tracker.frameSent(encodeUpdate(Uint8Array.of(0, 0)));
    tracker.localEdit(true);
    tracker.ackReceived(1);
    receive(copies, 1, 1, ['A', 'B']);
    tracker.frameSent(encodeUpdate(Uint8Array.of(0, 0)));
    tracker.localEdit(true);
    tracker.ackReceived(2);
    expect(copies.status(tracker)).toMatchObject({ current: false, fewerThanRequired: false });
    expect(describeCopies(copies.status(tracker))).toBe('Your edits up to a moment ago are stored on relays A, B; the newest on A so far.');
  });
});
