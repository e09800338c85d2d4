/**
 * IndexedDB writes are asynchronous: an edit made a moment before the tab is
 * closed or reloaded can still be in flight and be dropped with the page. This
 * journal keeps the last seconds of local updates in memory and, when the page
 * goes away, writes them synchronously to localStorage; the next load of the
 * same document applies and removes them. Yjs updates are idempotent, so an
 * update that did reach IndexedDB is harmless when applied again.
 */
import * as Y from 'yjs';

const WINDOW_MS = 3_000;
const key = (room: string) => `concord.unsaved.${room}`;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export class UnloadJournal {
  private recent: Array<{ at: number; update: Uint8Array }> = [];

  constructor(private readonly room: string) {}

  /** Records a local update (call for every update this tab makes or loads offline). */
  record(update: Uint8Array): void {
    const now = performance.now();
    while (this.recent.length > 0 && now - this.recent[0].at > WINDOW_MS) this.recent.shift();
    this.recent.push({ at: now, update });
  }

  /** Writes the recent updates synchronously; call on `pagehide`. */
  flush(): void {
    if (this.recent.length === 0) return;
    try {
      const merged = Y.mergeUpdates(this.recent.map((entry) => entry.update));
      localStorage.setItem(key(this.room), toBase64(merged));
    } catch {
      // storage full or unavailable: IndexedDB is still the primary copy
    }
  }

  /** Applies and removes what a previous page of this document left behind. */
  restore(doc: Y.Doc, origin: unknown): void {
    const stored = localStorage.getItem(key(this.room));
    if (stored === null) return;
    localStorage.removeItem(key(this.room));
    try {
      Y.applyUpdate(doc, fromBase64(stored), origin);
    } catch {
      // corrupt entry: drop it
    }
  }
}
