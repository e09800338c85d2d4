/**
 * Decides "saving" vs "saved" for one tab from facts, never from timers:
 * "saved" means every local edit was sent on the current socket AND the relay
 * acked, after its storage commit, at least as many update frames as we sent.
 *
 * Both sides count update-bearing sync frames (step 2 and update: see
 * `isUpdateFrame`) per socket. A step 2 answers the relay's step 1 with
 * everything it lacks, so sending one covers all edits made while offline.
 *
 * It also times each local edit: how long it took to apply locally, and how
 * long until the relay's `saved` covered it (the classroom latency readout).
 */
import { isUpdateFrame } from '../protocol/codec';
import { SyncStep } from '../protocol/constants';

export type SaveState = 'saving' | 'saved';

export interface EditTiming {
  /** When the edit was applied locally (performance.now()). */
  at: number;
  /** Input event → applied to the local replica, ms (null if no input event was seen). */
  localApplyMs: number | null;
  /** Applied locally → relay's `saved`, ms; null while waiting. */
  savedMs: number | null;
  /** Made while the tab had no open socket. */
  offline: boolean;
}

const MAX_TIMINGS = 20;

export class SaveTracker {
  /** Update frames sent on the current socket. */
  private sent = 0;
  /** The relay's count of this socket's update frames that are durable. */
  private acked = 0;
  /** Local edits not yet carried by any frame on an open socket (offline edits, or lost with a socket). */
  private unsentEdits = 0;
  /** For each sent, unacked edit: the number of the update frame that carries it, oldest first. */
  private inFlight: number[] = [];
  /** Recent local edits for the latency readout, newest last; `frame` as above (0 = not yet sent). */
  private edits: Array<EditTiming & { frame: number }> = [];

  constructor(private readonly onChange: () => void) {}

  get state(): SaveState {
    return this.pending > 0 ? 'saving' : 'saved';
  }

  /** Local edits the relay has not durably stored yet (the badge count). */
  get pending(): number {
    return this.unsentEdits + this.inFlight.length;
  }

  get timings(): readonly EditTiming[] {
    return this.edits;
  }

  /** The relay's count of this socket's update frames acked as saved. */
  get ackedFrames(): number {
    return this.acked;
  }

  /** True when every unsaved edit went out on this socket within its first `frames` update frames (relayCopies.ts). */
  unsavedSentWithin(frames: number): boolean {
    return this.unsentEdits === 0 && this.inFlight.every((frame) => frame <= frames);
  }

  /**
   * A local edit happened. `sentImmediately` if the provider sent it on an open
   * socket (then it is the last frame counted by `frameSent`).
   */
  localEdit(sentImmediately: boolean, localApplyMs: number | null = null): void {
    const edit = { at: performance.now(), localApplyMs, savedMs: null, offline: !sentImmediately, frame: 0 };
    if (sentImmediately) {
      edit.frame = this.sent;
      this.inFlight.push(this.sent);
    } else {
      this.unsentEdits++;
    }
    this.edits.push(edit);
    if (this.edits.length > MAX_TIMINGS) this.edits.shift();
    this.onChange();
  }

  frameSent(frame: Uint8Array): void {
    if (!isUpdateFrame(frame)) return;
    this.sent++;
    if (frame[1] === SyncStep.step2) {
      // A step 2 carries everything the relay lacks, including every unsent edit.
      if (this.unsentEdits === 0) return;
      for (const edit of this.edits) if (edit.frame === 0) edit.frame = this.sent;
      for (let i = 0; i < this.unsentEdits; i++) this.inFlight.push(this.sent);
      this.unsentEdits = 0;
      this.onChange();
    }
  }

  ackReceived(committedUpdateFrames: number): void {
    this.acked = Math.max(this.acked, committedUpdateFrames);
    while (this.inFlight.length > 0 && this.inFlight[0] <= this.acked) this.inFlight.shift();
    const now = performance.now();
    for (const edit of this.edits) {
      if (edit.frame > 0 && edit.frame <= this.acked && edit.savedMs === null) edit.savedMs = now - edit.at;
    }
    this.onChange();
  }

  socketOpened(): void {
    this.sent = 0;
    this.acked = 0;
  }

  socketClosed(): void {
    // Whatever was sent but not acked is resent by the next handshake's step 2.
    this.unsentEdits += this.inFlight.length;
    this.inFlight = [];
    for (const edit of this.edits) if (edit.frame > 0 && edit.savedMs === null) edit.frame = 0;
    this.sent = 0;
    this.acked = 0;
    this.onChange();
  }
}
