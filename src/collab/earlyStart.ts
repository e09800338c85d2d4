/**
 * Opening a document as early as the page can. The entry module (main.tsx)
 * calls this for `/d/<room>` while the editor's code is still downloading and
 * compiling: the access check, then the replica (IndexedDB and the WebSocket
 * sync of the whole document), run meanwhile instead of after it. The page
 * takes both over when it renders (useAccess, useReplica). Measured on a
 * 10,000-paragraph document (bench/openTimeline.ts): the socket opened
 * 100-240 ms sooner; with 50 ms of network latency the whole document was on
 * screen ~170 ms sooner (median of 8 opens); on loopback, within noise.
 */
import { startAccessCheck } from './access';

/** Starts the access check at once (this module is small: part of the entry chunk), then the replica once its code is here. */
export function openDocumentEarly(room: string): void {
  const replicaCode = import('./useReplica');
  void startAccessCheck(room).then(async (access) => {
    // A page without access shows why and opens nothing.
    if (access.state === 'granted') (await replicaCode).prefetchReplica(room);
  });
}
