/**
 * What this tab knows the relay has, per writer (the inspector's "relay"
 * column). Two sources, both facts rather than guesses: the stored state
 * vector of the relay's last `saved` ack (which comes only after this tab's own
 * edits are committed), and every update the relay sent this tab: the relay
 * applies an update before it forwards it and commits it in the same tick, so
 * whatever arrives from it is on its side too. Without the second, a watching
 * tab that types nothing would show every other writer "behind" forever.
 */
import type * as Y from 'yjs';
import type { Replica } from './replica';

const seen = new WeakMap<Replica, Map<number, number>>();

/** Starts following what the relay sends `replica` (call before it connects: the first sync tells the most). */
export function trackRelayClocks(replica: Replica): void {
  const clocks = new Map<number, number>();
  seen.set(replica, clocks);
  // afterTransaction, not 'update': the clocks are in the transaction's state vector, and decoding
  // the update for them (Y.parseUpdateMeta) cost ~25 ms of a 10,000-paragraph document's first sync.
  replica.doc.on('afterTransaction', (transaction: Y.Transaction) => {
    if (transaction.origin !== replica.provider) return;
    transaction.afterState.forEach((clock, client) => {
      if (clock > (transaction.beforeState.get(client) ?? 0) && clock > (clocks.get(client) ?? 0)) clocks.set(client, clock);
    });
  });
}

/** The relay's clock per writer, as far as this tab knows: the larger of the acked and the received. */
export function relayClocks(replica: Replica): Map<number, number> {
  const merged = new Map(replica.relayStateVector());
  for (const [client, clock] of seen.get(replica) ?? []) {
    if (clock > (merged.get(client) ?? 0)) merged.set(client, clock);
  }
  return merged;
}
