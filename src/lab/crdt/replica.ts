/**
 * One Yjs replica: a real Y.Doc with a fixed clientID, so runs are
 * reproducible and the tie-break (lower clientID goes left) is predictable.
 */
import * as Y from 'yjs';

/** Transaction origin for updates that came from the network (not re-sent). */
export const REMOTE = Symbol('remote');

/** The clientID that authors a scenario's initial text, outside any tie. */
export const SEED_CLIENT_ID = 100;

export class Replica {
  readonly doc: Y.Doc;
  readonly text: Y.Text;

  /**
   * @param onLocalUpdate called with each update this replica makes itself.
   */
  constructor(clientId: number, onLocalUpdate: (update: Uint8Array) => void = () => {}) {
    // gc off so the inspector can show what a tombstone held; with gc on Yjs
    // keeps the same item and drops only its content.
    this.doc = new Y.Doc({ gc: false });
    // Must be set before any edit: items are named clientID:clock.
    this.doc.clientID = clientId;
    this.text = this.doc.getText('text');
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) onLocalUpdate(update);
    });
  }

  insert(pos: number, text: string) {
    this.text.insert(Math.min(pos, this.text.length), text);
  }

  delete(pos: number, len: number) {
    const from = Math.min(pos, this.text.length);
    const n = Math.min(len, this.text.length - from);
    if (n > 0) this.text.delete(from, n);
  }

  applyRemote(update: Uint8Array) {
    Y.applyUpdate(this.doc, update, REMOTE);
  }

  toString(): string {
    return this.text.toString();
  }
}

/** The update that creates `text` as if one seed user had typed it. */
export function seedUpdate(text: string): Uint8Array | undefined {
  if (!text) return undefined;
  const r = new Replica(SEED_CLIENT_ID);
  r.insert(0, text);
  return Y.encodeStateAsUpdate(r.doc);
}
