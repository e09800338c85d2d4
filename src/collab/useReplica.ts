import { useEffect, useState, useSyncExternalStore } from 'react';
import { attachClassroomChannel } from './studentChannel';
import { trackRelayClocks } from './relayClocks';
import { createReplica, type Replica, type ReplicaStatus } from './replica';

/** A replica with everything a document page attaches to it, connecting. */
function openReplica(room: string): Replica {
  const created = createReplica(room);
  attachClassroomChannel(created.provider); // a classroom's partition notices; the student id goes with every connection
  trackRelayClocks(created); // the inspector's relay column, from what the relay sends too
  created.connect();
  return created;
}

/** Replicas opened before their page rendered (earlyStart.ts), by room; and rooms whose page has rendered already. */
const prefetched = new Map<string, Replica>();
const claimed = new Set<string>();

/** Opens `room`'s replica now, for the page's `useReplica` to take over (unless that page has already made its own). */
export function prefetchReplica(room: string): void {
  if (claimed.has(room) || prefetched.has(room)) return;
  prefetched.set(room, openReplica(room));
}

function takeReplica(room: string): Replica {
  claimed.add(room);
  const early = prefetched.get(room);
  prefetched.delete(room);
  return early ?? openReplica(room);
}

/**
 * The replica of `room` for this component's lifetime. Created in the effect
 * (not during render) so StrictMode's mount–unmount–mount leaves exactly one
 * live provider.
 */
export function useReplica(room: string): Replica | null {
  const [replica, setReplica] = useState<Replica | null>(null);
  useEffect(() => {
    const created = takeReplica(room);
    setReplica(created);
    return () => {
      created.destroy();
      setReplica(null);
    };
  }, [room]);
  return replica;
}

const CONNECTING: ReplicaStatus = {
  connection: 'connecting',
  save: 'saved',
  pending: 0,
  loaded: false,
  switchedOff: false,
  copies: { relays: [], current: false, required: 1, fewerThanRequired: false },
  delayMs: 0,
  reconnectAt: null,
  refusal: null,
};

export function useReplicaStatus(replica: Replica | null): ReplicaStatus {
  return useSyncExternalStore(
    (listener) => replica?.subscribe(listener) ?? (() => {}),
    () => replica?.status() ?? CONNECTING,
  );
}
