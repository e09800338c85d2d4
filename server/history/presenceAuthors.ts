/**
 * Authorship that outlives presence: whenever a room's awareness shows a
 * client id with a `user: {name, color}` (src/protocol/presence.ts), the
 * history store remembers that mapping for the document, so text that client
 * wrote keeps its author's name and colour after the tab is gone, after a
 * relay restart and after compaction. Viewers write nothing and are skipped.
 */
import type { Awareness } from 'y-protocols/awareness';
import { MAX_NAME_LENGTH } from '../../src/protocol/presence';
import type { HistoryAuthor, HistoryStore } from './historyStore';

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

/** The `user` of an awareness state, if it is a well-formed author (not a viewer). */
export function authorOfState(state: unknown): HistoryAuthor | null {
  const user = (state as { user?: unknown } | null | undefined)?.user as Record<string, unknown> | undefined;
  if (!user || typeof user !== 'object') return null;
  if (typeof user.name !== 'string' || typeof user.color !== 'string' || !/^#[0-9a-f]{6}$/i.test(user.color)) return null;
  if (user.role === 'viewer') return null;
  const name = user.name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
  return name === '' ? null : { name, color: user.color.toLowerCase() };
}

/** Records every author `awareness` shows for `room` until it is destroyed; returns a function that stops sooner. */
export function recordPresenceAuthors(room: string, awareness: Awareness, history: HistoryStore): () => void {
  const record = ({ added, updated }: AwarenessChange) => {
    for (const client of [...added, ...updated]) {
      const author = authorOfState(awareness.getStates().get(client));
      if (author) history.recordAuthor(room, client, author);
    }
  };
  const stop = () => {
    awareness.off('change', record);
    awareness.off('destroy', stop);
    history.forgetRoom(room);
  };
  awareness.on('change', record);
  awareness.on('destroy', stop); // the room was unloaded
  return stop;
}
