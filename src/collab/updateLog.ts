/**
 * Recent updates in and out of this replica, for the replication inspector:
 * size, direction, whose edits they carry, and whether they arrived while this
 * tab had edits the relay had not stored yet (concurrent with ours).
 */
import type * as Y from 'yjs';

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

/**
 * The Yjs client ids that gained structs in `transaction`: the ones an update
 * of it carries. Read from the state vectors Yjs keeps for every transaction,
 * not by decoding the update: a first sync of a 10,000-paragraph document is a
 * 1.3 MB update, and decoding it again cost ~30 ms of the open.
 */
export function clientsWithNewStructs(transaction: Y.Transaction): number[] {
  const clients: number[] = [];
  transaction.afterState.forEach((clock, client) => {
    if (clock > (transaction.beforeState.get(client) ?? 0)) clients.push(client);
  });
  return clients;
}

export class UpdateLog {
  private entries: LoggedUpdate[] = [];
  private nextId = 1;

  /** Logs `update`, made by `transaction` (the fourth argument of Y.Doc's 'update' event). */
  add(direction: LoggedUpdate['direction'], update: Uint8Array, transaction: Y.Transaction, concurrent: boolean): void {
    this.entries = [
      ...this.entries.slice(-(MAX_ENTRIES - 1)),
      { id: this.nextId++, at: Date.now(), direction, bytes: update.byteLength, clients: clientsWithNewStructs(transaction), concurrent },
    ];
  }

  get recent(): readonly LoggedUpdate[] {
    return this.entries;
  }
}
