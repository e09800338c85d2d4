/**
 * IndexedDB writes are asynchronous: edits made a moment before the tab is
 * closed or reloaded can still be in flight and be dropped with the page (seen
 * in tests: a reload right after typing lost the last dozen keystrokes). So
 * when the page goes away, this journal writes synchronously to localStorage
 * everything the document gained in the last few seconds — as one Yjs update
 * against a state vector sampled earlier, so it has no gaps in any writer's
 * clock — and the next load of the same document applies and removes it. Yjs
 * updates are idempotent: whatever did reach IndexedDB is harmless to apply again.
 */
import * as Y from 'yjs';

/** How often the state vector is sampled; the journal covers one to two of these. */
const CHECKPOINT_MS = 5_000;
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
  /** The state vectors of the last two checkpoints, older first. */
  private checkpoints: Uint8Array[];
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly room: string,
    private readonly doc: Y.Doc,
  ) {
    this.checkpoints = [Y.encodeStateVector(doc)];
    this.timer = setInterval(() => {
      this.checkpoints = [this.checkpoints.at(-1)!, Y.encodeStateVector(doc)];
    }, CHECKPOINT_MS);
  }

  /** Writes what the document gained since the older checkpoint; call on `pagehide`. */
  flush(): void {
    try {
      const recent = Y.encodeStateAsUpdate(this.doc, this.checkpoints[0]);
      localStorage.setItem(key(this.room), toBase64(recent));
    } catch {
      // storage full or unavailable: IndexedDB is still the primary copy
    }
  }

  /**
   * Applies and removes what a previous page of this document left behind;
   * call once the local copy is loaded. Use an origin IndexedDB persistence
   * stores (not its own), so the restored edits are written there too.
   */
  restore(origin: unknown): void {
    this.checkpoints = [Y.encodeStateVector(this.doc)]; // the loaded copy is on disk already
    const stored = localStorage.getItem(key(this.room));
    if (stored === null) return;
    localStorage.removeItem(key(this.room));
    try {
      Y.applyUpdate(this.doc, fromBase64(stored), origin);
    } catch {
      // corrupt entry: drop it
    }
  }

  destroy(): void {
    clearInterval(this.timer);
  }
}
