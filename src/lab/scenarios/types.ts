/**
 * What a scenario is: who takes part, how far each one is from the server,
 * and a script of user actions that both sides (OT and CRDT) replay on the
 * same simulated network. Later issues add scenarios through the registry.
 */
export type UserId = string;

/**
 * One thing a user does. Positions are UTF-16 indexes into that user's own
 * text. An insert without `pos` types at the user's caret, which sits right
 * after the last thing they typed and stays glued to it when others' text
 * arrives (as in an editor).
 */
export type UserAction =
  | { kind: 'insert'; user: UserId; pos?: number; text: string }
  | { kind: 'delete'; user: UserId; pos: number; len: number }
  | { kind: 'offline'; user: UserId }
  | { kind: 'online'; user: UserId }
  /** A late joiner fetches the document from the server. */
  | { kind: 'join'; user: UserId };

export interface TimedAction {
  at: number;
  action: UserAction;
}

export interface Participant {
  id: UserId;
  name: string;
  city: string;
  /** One-way delay to the server. */
  delayMs: number;
  /** Yjs clientID with the default rule; the flip switch reverses the order. */
  clientId: number;
  /** Colour of this user's ops in the diagram. */
  color: string;
  /** Set for a late joiner: not part of the document until its `join` action. */
  late?: boolean;
}

export interface Scenario {
  id: string;
  title: string;
  /** One or two sentences: what to watch. Shown under the controls. */
  caption: string;
  participants: Participant[];
  /** Text everyone starts with (already on the server and in every replica). */
  initialText: string;
  script: TimedAction[];
  /** Free mode: users get text boxes and the teacher sets the delays. */
  interactive?: boolean;
}

/** The server's node id on the network (the OT server, the Yjs relay). */
export const SERVER = 'server';
