import { describe, expect, it } from 'vitest';
import { SyncStep } from '../protocol/constants';
import { SaveTracker } from './saveTracker';

const update = new Uint8Array([0, SyncStep.update, 2, 0, 0]);
const step2 = new Uint8Array([0, SyncStep.step2, 2, 0, 0]);
const step1 = new Uint8Array([0, SyncStep.step1, 1, 0]);
const awareness = new Uint8Array([1, 1, 0]);

/** A tracker with the handshake done on an open socket. */
function connected(): SaveTracker {
  const tracker = new SaveTracker(() => {});
  tracker.socketOpened();
  tracker.frameSent(step1);
  tracker.frameSent(awareness);
  tracker.frameSent(step2);
  tracker.ackReceived(1);
  return tracker;
}

describe('SaveTracker', () => {
  it('is saved only once the relay acked the frame carrying each edit', () => {
    const tracker = connected();
    expect(tracker.state).toBe('saved');
    tracker.frameSent(update);
    tracker.localEdit(true);
    tracker.frameSent(update);
    tracker.localEdit(true);
    expect(tracker.state).toBe('saving');
    expect(tracker.pending).toBe(2);
    tracker.ackReceived(2);
    expect(tracker.pending).toBe(1);
    tracker.ackReceived(3);
    expect(tracker.state).toBe('saved');
  });

  it('counts offline edits until a step 2 carries them and is acked', () => {
    const tracker = new SaveTracker(() => {});
    tracker.localEdit(false);
    tracker.localEdit(false);
    expect(tracker.pending).toBe(2);
    tracker.socketOpened();
    tracker.frameSent(update); // an update frame does not cover offline edits
    tracker.ackReceived(1);
    expect(tracker.pending).toBe(2);
    tracker.frameSent(step2);
    expect(tracker.pending).toBe(2);
    tracker.ackReceived(2);
    expect(tracker.state).toBe('saved');
  });

  it('treats edits of a socket that closed before the ack as unsent', () => {
    const tracker = connected();
    tracker.frameSent(update);
    tracker.localEdit(true);
    tracker.socketClosed();
    expect(tracker.pending).toBe(1);
    tracker.socketOpened();
    tracker.frameSent(step2);
    tracker.ackReceived(1);
    expect(tracker.state).toBe('saved');
  });

  it('times each edit from local apply to the ack that covers it', () => {
    const tracker = connected();
    tracker.frameSent(update);
    tracker.localEdit(true, 1.5);
    const [edit] = tracker.timings;
    expect(edit.localApplyMs).toBe(1.5);
    expect(edit.savedMs).toBeNull();
    tracker.ackReceived(2);
    expect(tracker.timings[0].savedMs).toBeGreaterThanOrEqual(0);
  });
});
