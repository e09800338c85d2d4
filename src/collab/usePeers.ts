import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type { PresenceUser } from '../editor/schema';
import { peerUser } from './presence';

export interface Peer {
  clientId: number;
  user: PresenceUser;
}

function readPeers(awareness: Awareness): Peer[] {
  const peers: Peer[] = [];
  awareness.getStates().forEach((state, clientId) => {
    if (clientId === awareness.clientID) return;
    const user = peerUser(state);
    if (user) peers.push({ clientId, user });
  });
  return peers.sort((a, b) => a.clientId - b.clientId);
}

/** The other users present in this document, kept current from awareness. */
export function usePeers(awareness: Awareness | null): Peer[] {
  const [peers, setPeers] = useState<Peer[]>([]);
  useEffect(() => {
    if (!awareness) return;
    const refresh = () => setPeers(readPeers(awareness));
    refresh();
    awareness.on('change', refresh);
    return () => awareness.off('change', refresh);
  }, [awareness]);
  return peers;
}
