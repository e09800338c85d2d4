/**
 * Who this tab is to the others: a friendly random name and a colour, editable
 * and remembered in localStorage, published in awareness under `user`.
 */
import type { PresenceUser } from '../editor/schema';

const STORAGE_KEY = 'concord.user';

const ADJECTIVES = ['Curious', 'Brave', 'Quiet', 'Swift', 'Clever', 'Gentle', 'Bold', 'Sunny', 'Witty', 'Calm', 'Keen', 'Merry'];
const ANIMALS = ['Otter', 'Falcon', 'Panda', 'Heron', 'Lynx', 'Badger', 'Koala', 'Orca', 'Fox', 'Ibex', 'Wren', 'Yak'];

/** Colours that read well as caret labels with white text, also on a projector. */
export const PRESENCE_COLOURS = ['#d9480f', '#1971c2', '#2f9e44', '#9c36b5', '#c2255c', '#0c8599', '#e67700', '#5f3dc4'];

export const MAX_NAME_LENGTH = 40;

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

export function randomUser(): PresenceUser {
  return { name: `${pick(ADJECTIVES)} ${pick(ANIMALS)}`, color: pick(PRESENCE_COLOURS) };
}

/** Trims and bounds a name typed by the user; an empty name keeps the previous one. */
export function cleanName(name: string, previous: string): string {
  const clean = name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
  return clean === '' ? previous : clean;
}

function isUser(value: unknown): value is PresenceUser {
  const user = value as PresenceUser;
  return typeof user?.name === 'string' && typeof user?.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color);
}

export function loadUser(storage: Storage = localStorage): PresenceUser {
  try {
    const stored = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null');
    if (isUser(stored)) return { name: cleanName(stored.name, 'Anonymous'), color: stored.color };
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

/** Reads a peer's presence from an awareness state, tolerating anything a peer might send. */
export function peerUser(state: Record<string, unknown> | undefined): PresenceUser | null {
  const user = state?.user;
  if (!isUser(user)) return null;
  const peer: PresenceUser = { name: String(user.name).slice(0, MAX_NAME_LENGTH), color: user.color };
  // The relay stamps role "viewer" on view-only sockets (src/protocol/constants.ts Role).
  if (user.role === 'viewer') peer.role = 'viewer';
  return peer;
}
