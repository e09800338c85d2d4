import { describe, expect, it } from 'vitest';
import { SyncStep } from '../protocol/constants';
import { SaveTracker } from './saveTracker';

const update = new Uint8Array([0, SyncStep.update, 2, 0, 0]);
const step2 = new Uint8Array([0, SyncStep.step2, 2, 0, 0]);
const step1 = new Uint8Array([0, SyncStep.step1, 1, 0]);
const awareness = new Uint8Array([1, 1, 0]);

describe('SaveTracker', () => {
  it('is saved only once the relay acked every update frame sent', () => {
    const tracker = new SaveTracker(() => {});
    tracker.socketOpened();
    tracker.frameSent(step1);
    tracker.frameSent(awareness);
    expect(tracker.state).toBe('saved');
    tracker.frameSent(step2);
    tracker.frameSent(update);
    expect(tracker.state).toBe('saving');
    tracker.ackReceived(1);
    expect(tracker.state).toBe('saving');
    tracker.ackReceived(2);
    expect(tracker.state).toBe('saved');
  });

  it('keeps offline edits as saving until a step 2 is sent and acked', () => {
    const tracker = new SaveTracker(() => {});
    tracker.localEdit(false);
    expect(tracker.state).toBe('saving');
    tracker.socketOpened();
    expect(tracker.state).toBe('saving');
    tracker.frameSent(update); // an update does not cover the offline edit
    tracker.ackReceived(1);
    expect(tracker.state).toBe('saving');
    tracker.frameSent(step2);
    expect(tracker.state).toBe('saving');
    tracker.ackReceived(2);
    expect(tracker.state).toBe('saved');
  });

  it('treats unacked frames of a closed socket as unsent', () => {
    const tracker = new SaveTracker(() => {});
    tracker.socketOpened();
    tracker.frameSent(step2);
    tracker.frameSent(update);
    tracker.ackReceived(1);
    tracker.socketClosed();
    expect(tracker.state).toBe('saving');
    tracker.socketOpened();
    tracker.frameSent(step2);
    tracker.ackReceived(1);
    expect(tracker.state).toBe('saved');
  });

  it('notifies on every change of state or pending count', () => {
    let changes = 0;
    const tracker = new SaveTracker(() => changes++);
    tracker.socketOpened();
    tracker.frameSent(step1);
    expect(changes).toBe(0);
    tracker.frameSent(step2);
    tracker.frameSent(update);
    tracker.ackReceived(2);
    expect(changes).toBe(3);
    expect(tracker.pending).toBe(0);
  });
});
