/**
 * Who made an update, as the relay stores it for history: the Yjs client id of
 * the tab that sent it. A tab's presence (awareness) is published under its
 * Y.Doc's client id, the same id its new structs carry, so the socket's one
 * awareness client is the author; a deletion carries no client id of its own,
 * which is why the socket is asked first. Without presence (a bare client, or
 * an update from another relay) the first client whose structs it carries is
 * the author; a pure deletion from another relay has none (null).
 */
import type * as Y from 'yjs';
import { STORED_POSITION_PREFIX } from '../../src/protocol/document';
import type { ScannedUpdate } from '../relay/updateScan';

/** What history keeps of an update besides its bytes and time. */
export interface EditMeta {
  author: number | null;
  /**
   * True when it changed nothing a reader sees: only the carets each tab
   * stores in the body's root attributes (src/editor/stableSelection.ts). Such
   * an update never starts a version or makes anyone its author.
   */
  quiet: boolean;
}

/** True when `transaction` changed only stored positions. */
export function onlyStoredPositions(transaction: Y.Transaction | null): boolean {
  if (!transaction || transaction.changed.size === 0) return false;
  for (const [type, keys] of transaction.changed) {
    if (type._item !== null) return false; // a block (a nested type) changed
    for (const key of keys) if (key === null || !key.startsWith(STORED_POSITION_PREFIX)) return false;
  }
  return true;
}

export function editMeta(scan: ScannedUpdate, awarenessClients: ReadonlySet<number> | null, transaction: Y.Transaction | null): EditMeta {
  return { author: updateAuthor(scan, awarenessClients), quiet: onlyStoredPositions(transaction) };
}

export function updateAuthor(scan: ScannedUpdate, awarenessClients: ReadonlySet<number> | null): number | null {
  if (awarenessClients && awarenessClients.size > 0) {
    if (awarenessClients.size === 1) return awarenessClients.values().next().value as number;
    // Several presences on one socket (a test harness, a bot): the one whose structs these are.
    for (const range of scan.clients) if (awarenessClients.has(range.client)) return range.client;
  }
  return scan.clients.length > 0 ? scan.clients[0].client : null;
}
