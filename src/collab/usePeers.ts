import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { peerUser, type PresenceUser } from '../protocol/presence';
import { frameBatch } from './frameBatch';

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

const samePeers = (a: Peer[], b: Peer[]) =>
  a.length === b.length &&
  a.every((peer, i) => peer.clientId === b[i].clientId && JSON.stringify(peer.user) === JSON.stringify(b[i].user));

/**
 * The other users present in this document, kept current from awareness.
 * Awareness changes with every caret move of every peer (hundreds a second in
 * a class of 30); the list is read at most once per animation frame and the
 * page re-renders only when someone came, left or changed name or colour.
 */
export function usePeers(awareness: Awareness | null): Peer[] {
  const [peers, setPeers] = useState<Peer[]>([]);
  useEffect(() => {
    if (!awareness) return;
    const read = () => {
      const next = readPeers(awareness);
      setPeers((previous) => (samePeers(previous, next) ? previous : next));
    };
    const batch = frameBatch(read);
    read();
    awareness.on('change', batch.schedule);
    return () => {
      batch.cancel();
      awareness.off('change', batch.schedule);
    };
  }, [awareness]);
  return peers;
}
