/**
 * A tab's side of a classroom: it names itself to the relay with a student id
 * and listens for the relay's classroom notice (message 101: partitioned or
 * not, and in which group).
 *
 * The id is per browser (localStorage), not per tab: the tabs of one browser
 * share one local replica (IndexedDB), so they must be in the same group — a
 * second tab in the other group would carry the first group's writes across
 * the partition as soon as it loaded them. It also brings a reloaded tab back
 * to its group.
 *
 * Attached to a replica's provider before it connects. Documents that are not
 * classrooms never get a notice; the id costs them nothing.
 */
import { useSyncExternalStore } from 'react';
import type * as decoding from 'lib0/decoding';
import type { WebsocketProvider } from 'y-websocket';
import { CLASSROOM_MESSAGE, STUDENT_QUERY_PARAM, readClassroomNotice, type ClassroomNotice } from '../protocol/classroom';
import { newRoomId } from '../protocol/constants';

const STUDENT_ID_KEY = 'concord.student';

/** This browser's student id. */
export function studentId(storage: Storage = localStorage): string {
  let id = storage.getItem(STUDENT_ID_KEY);
  if (!id || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    id = newRoomId();
    storage.setItem(STUDENT_ID_KEY, id);
  }
  return id;
}

interface Channel {
  notice: ClassroomNotice | null;
  listeners: Set<() => void>;
}

const channels = new WeakMap<WebsocketProvider, Channel>();

/** Sends this tab's student id with every (re)connection and keeps the relay's latest classroom notice. */
export function attachClassroomChannel(provider: WebsocketProvider): void {
  const channel: Channel = { notice: null, listeners: new Set() };
  channels.set(provider, channel);
  provider.params = { ...provider.params, [STUDENT_QUERY_PARAM]: studentId() };
  provider.messageHandlers[CLASSROOM_MESSAGE] = (_encoder: unknown, decoder: decoding.Decoder) => {
    channel.notice = readClassroomNotice(decoder);
    // The relay regrouped this tab (4307, then this notice): renew presence with
    // a new clock, or peers that saw this tab before would ignore its state
    // (y-protocols skips an awareness clock it has already seen).
    const state = provider.awareness.getLocalState();
    if (state !== null) provider.awareness.setLocalState(state);
    for (const listener of channel.listeners) listener();
  };
}

/** The relay's latest classroom notice to this tab (null: not a classroom, or not heard yet). */
export function useClassroomNotice(provider: WebsocketProvider | null): ClassroomNotice | null {
  return useSyncExternalStore(
    (listener) => {
      const channel = provider ? channels.get(provider) : undefined;
      if (!channel) return () => {};
      channel.listeners.add(listener);
      return () => channel.listeners.delete(listener);
    },
    () => (provider ? (channels.get(provider)?.notice ?? null) : null),
  );
}
