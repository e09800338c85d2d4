/**
 * Who made an update, as the relay stores it for history: the Yjs client id of
 * the tab that sent it. A tab's presence (awareness) is published under its
 * Y.Doc's client id, the same id its new structs carry, so the socket's one
 * awareness client is the author; a deletion carries no client id of its own,
 * which is why the socket is asked first. Without presence (a bare client, or
 * an update from another relay) the first client whose structs it carries is
 * the author; a pure deletion from another relay has none (null).
 */
import type { ScannedUpdate } from '../relay/updateScan';

export function updateAuthor(scan: ScannedUpdate, awarenessClients: ReadonlySet<number> | null): number | null {
  if (awarenessClients && awarenessClients.size > 0) {
    if (awarenessClients.size === 1) return awarenessClients.values().next().value as number;
    // Several presences on one socket (a test harness, a bot): the one whose structs these are.
    for (const range of scan.clients) if (awarenessClients.has(range.client)) return range.client;
  }
  return scan.clients.length > 0 ? scan.clients[0].client : null;
}
