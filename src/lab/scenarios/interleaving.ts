import { alice, bob } from './people';
import type { Scenario, TimedAction, UserId } from './types';

const TYPING_INTERVAL_MS = 40;

/** A user typing a word one key at a time: the first key at `pos`, the rest at the caret. */
function typeWord(user: UserId, word: string, pos: number): TimedAction[] {
  return [...word].map((text, i) => ({
    at: i * TYPING_INTERVAL_MS,
    action: i === 0 ? { kind: 'insert', user, pos, text } : { kind: 'insert', user, text },
  }));
}

export const interleaving: Scenario = {
  id: 'interleaving',
  title: 'Interleaving',
  caption:
    'Alice types "milk" and Bob types "eggs" at the same spot, one key every 40 ms. ' +
    'OT sends one op at a time and buffers the rest; Yjs chains each letter to the one before it. Do the words stay whole?',
  participants: [alice, bob],
  initialText: 'Buy: ',
  script: [...typeWord('Alice', 'milk', 5), ...typeWord('Bob', 'eggs', 5)].sort((a, b) => a.at - b.at),
};
