/**
 * Decides "saving" vs "saved" for one tab from facts, never from timers:
 * "saved" means every local edit was sent on the current socket AND the relay
 * acked, after its storage commit, at least as many update frames as we sent.
 *
 * Both sides count update-bearing sync frames (step 2 and update: see
 * `isUpdateFrame`) per socket. A step 2 answers the relay's step 1 with
 * everything it lacks, so sending one covers all edits made while offline.
 */
import { isUpdateFrame } from '../protocol/codec';
import { SyncStep } from '../protocol/constants';

export type SaveState = 'saving' | 'saved';

export class SaveTracker {
  /** Update frames sent on the current socket. */
  private sent = 0;
  /** The relay's count of this socket's update frames that are durable. */
  private acked = 0;
  /** Local edits exist that were never sent on an open socket (offline edits, or lost with a socket). */
  private unsent = false;

  constructor(private readonly onChange: () => void) {}

  get state(): SaveState {
    return this.unsent || this.acked < this.sent ? 'saving' : 'saved';
  }

  /** Update frames sent but not yet acked, plus one if offline edits wait to be sent. */
  get pending(): number {
    return this.sent - this.acked + (this.unsent ? 1 : 0);
  }

  /** A local edit happened; `sentImmediately` if the provider had an open socket to send it on. */
  localEdit(sentImmediately: boolean): void {
    if (sentImmediately) return; // already counted by frameSent
    this.update(() => (this.unsent = true));
  }

  frameSent(frame: Uint8Array): void {
    if (!isUpdateFrame(frame)) return;
    this.update(() => {
      this.sent++;
      if (frame[1] === SyncStep.step2) this.unsent = false;
    });
  }

  ackReceived(committedUpdateFrames: number): void {
    this.update(() => (this.acked = Math.max(this.acked, committedUpdateFrames)));
  }

  socketOpened(): void {
    this.update(() => {
      this.sent = 0;
      this.acked = 0;
    });
  }

  socketClosed(): void {
    this.update(() => {
      // Whatever was not acked is resent by the next handshake's step 2.
      if (this.acked < this.sent) this.unsent = true;
      this.sent = 0;
      this.acked = 0;
    });
  }

  private update(change: () => void): void {
    const before = this.state;
    const pendingBefore = this.pending;
    change();
    if (this.state !== before || this.pending !== pendingBefore) this.onChange();
  }
}
