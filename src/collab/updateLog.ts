/**
 * Recent updates in and out of this replica, for the replication inspector:
 * size, direction, whose edits they carry, and whether they arrived while this
 * tab had edits the relay had not stored yet (concurrent with ours).
 */
import * as Y from 'yjs';

export interface LoggedUpdate {
  id: number;
  at: number;
  direction: 'in' | 'out' | 'local-store';
  bytes: number;
  /** Yjs client ids whose structs this update carries. */
  clients: number[];
  /** Arrived while this tab had unsaved edits of its own: neither side had seen the other's. */
  concurrent: boolean;
}

const MAX_ENTRIES = 40;

export class UpdateLog {
  private entries: LoggedUpdate[] = [];
  private nextId = 1;

  add(direction: LoggedUpdate['direction'], update: Uint8Array, concurrent: boolean): void {
    let clients: number[] = [];
    try {
      clients = [...Y.parseUpdateMeta(update).from.keys()];
    } catch {
      // a delete-only or unparsable update: no struct authors to show
    }
    this.entries = [
      ...this.entries.slice(-(MAX_ENTRIES - 1)),
      { id: this.nextId++, at: Date.now(), direction, bytes: update.byteLength, clients, concurrent },
    ];
  }

  get recent(): readonly LoggedUpdate[] {
    return this.entries;
  }
}
