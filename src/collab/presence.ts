/**
 * Who this tab is to the others: a friendly random name and a colour, editable
 * and remembered in localStorage, published in awareness under `user` (the
 * wire schema, PresenceUser, is src/protocol/presence.ts).
 */
import { cleanName, isPresenceUser, type PresenceUser } from '../protocol/presence';

const STORAGE_KEY = 'concord.user';

const ADJECTIVES = ['Curious', 'Brave', 'Quiet', 'Swift', 'Clever', 'Gentle', 'Bold', 'Sunny', 'Witty', 'Calm', 'Keen', 'Merry'];
const ANIMALS = ['Otter', 'Falcon', 'Panda', 'Heron', 'Lynx', 'Badger', 'Koala', 'Orca', 'Fox', 'Ibex', 'Wren', 'Yak'];

/** Colours that read well as caret labels with white text, also on a projector. */
export const PRESENCE_COLOURS = ['#d9480f', '#1971c2', '#2f9e44', '#9c36b5', '#c2255c', '#0c8599', '#e67700', '#5f3dc4'];

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

export function randomUser(): PresenceUser {
  return { name: `${pick(ADJECTIVES)} ${pick(ANIMALS)}`, color: pick(PRESENCE_COLOURS) };
}

export function loadUser(storage: Storage = localStorage): PresenceUser {
  try {
    const stored = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null');
    if (isPresenceUser(stored)) return { name: cleanName(stored.name, 'Anonymous'), color: stored.color };
  } catch {
    // unreadable: start fresh below
  }
  const user = randomUser();
  saveUser(user, storage);
  return user;
}

export function saveUser(user: PresenceUser, storage: Storage = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(user));
}
