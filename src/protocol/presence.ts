/**
 * The presence wire schema: what a Concord tab publishes in its awareness
 * state under `user`, and what the relay writes into it. Tabs write it
 * (src/collab/presence.ts), tabs read their peers' (src/collab/usePeers.ts,
 * the editor's carets), the relay stamps viewers (server/relay/presence.ts)
 * and history keeps authors from it (server/history/presenceAuthors.ts).
 *
 * An awareness state is whatever a peer sent, so a reader never trusts it:
 * `peerUser` keeps only a well-formed `user`, with its name bounded.
 */
import { Role } from './constants';

/** The awareness state field that holds a tab's PresenceUser. */
export const PRESENCE_FIELD = 'user';

/** Longest name a tab publishes or shows; longer names are cut. */
export const MAX_NAME_LENGTH = 40;

/** Presence data each tab publishes in awareness under `user`. */
export interface PresenceUser extends Record<string, unknown> {
  /** Shown next to the person's caret and in the presence list. */
  name: string;
  /** `#rrggbb`: caret, label and authorship tint. */
  color: string;
  /**
   * Written by the relay, never by a tab: `"viewer"` on the state of a socket
   * opened with a document's view key, whatever that client claimed
   * (docs/PROTOCOL.md, "Viewers"). Absent for editors.
   */
  role?: Role;
}

/** True when `value` has a string name and a `#rrggbb` colour (extra fields are allowed). */
export function isPresenceUser(value: unknown): value is PresenceUser {
  const user = value as PresenceUser | null | undefined;
  return typeof user?.name === 'string' && typeof user?.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color);
}

/** Trims and bounds a name typed by the user; an empty name keeps the previous one. */
export function cleanName(name: string, previous: string): string {
  const clean = name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
  return clean === '' ? previous : clean;
}

/** Reads a peer's presence from an awareness state, tolerating anything a peer might send. */
export function peerUser(state: Record<string, unknown> | null | undefined): PresenceUser | null {
  const user = state?.[PRESENCE_FIELD];
  if (!isPresenceUser(user)) return null;
  const peer: PresenceUser = { name: String(user.name).slice(0, MAX_NAME_LENGTH), color: user.color };
  if (user.role === Role.viewer) peer.role = Role.viewer;
  return peer;
}
