/**
 * On which relays this tab's edits are stored, from the relay's `stored`
 * messages (src/protocol/stored.ts; only relays in a cluster send them).
 *
 * - `relays`: the relays holding this tab's committed edits up to the newest
 *   one the last `stored` covered, the tab's own relay first.
 * - `fewerThanRequired`: every edit this tab has not seen `saved` for is
 *   committed, but on fewer relays than the relay's REPLICATION_ACKS (the
 *   others did not confirm in time). The badge shows that instead of
 *   "Saving…": the edits are on disk, on those relays only, and not "saved"
 *   as promised; `saved` follows once enough relays hold them.
 *
 * Counts are per socket, like `saved`: a new socket starts with nothing known.
 */
import type * as decoding from 'lib0/decoding';
import { readStoredBody, type StoredNotice } from '../protocol/stored';

export interface RelayCopiesStatus {
  /** Relays known to hold this tab's committed edits (empty: not told, e.g. a single relay). */
  relays: string[];
  /** `relays` covers every edit of this tab its relay has acked (false: the newest are on the tab's relay, the others not yet confirmed). */
  current: boolean;
  /** REPLICATION_ACKS of the tab's relay (1 when not told). */
  required: number;
  /** Unsaved edits are all committed, but on fewer relays than `required`. */
  fewerThanRequired: boolean;
}

export class RelayCopies {
  private notice: StoredNotice | null = null;

  /** Reads a `stored` message body (the decoder is past the type). */
  received(decoder: decoding.Decoder): void {
    this.notice = readStoredBody(decoder);
  }

  socketOpened(): void {
    this.notice = null;
  }

  /** `tracker`: the tab's SaveTracker (what it sent on this socket, what was acked). */
  status(tracker: { readonly pending: number; readonly ackedFrames: number; unsavedSentWithin(frames: number): boolean }): RelayCopiesStatus {
    const notice = this.notice;
    if (!notice) return { relays: [], current: false, required: 1, fewerThanRequired: false };
    return {
      relays: notice.relays,
      current: notice.frames >= tracker.ackedFrames,
      required: notice.required,
      fewerThanRequired: notice.relays.length < notice.required && tracker.pending > 0 && tracker.unsavedSentWithin(notice.frames),
    };
  }
}

/** The replication inspector's sentence: on which relays this tab's edits are stored. */
export function describeCopies(copies: RelayCopiesStatus): string {
  const [own] = copies.relays;
  if (!own) return 'Stored by the relay this tab is connected to; no other relay has reported a copy (yet).';
  const list = copies.relays.join(', ');
  if (copies.fewerThanRequired) {
    return `Your latest edits are on ${list} only: not counted as saved until ${copies.required} relays hold them.`;
  }
  if (copies.current) return `Your edits are stored on ${copies.relays.length === 1 ? 'relay' : 'relays'} ${list}.`;
  return `Your edits up to a moment ago are stored on relays ${list}; the newest on ${own} so far.`;
}
