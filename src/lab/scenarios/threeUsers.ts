import { alice, bob, carol, dave } from './people';
import type { Scenario } from './types';

export const threeUsers: Scenario = {
  id: 'three-users',
  title: 'Three users',
  caption:
    'Alice, Bob and Carol all insert at position 0 at once; each is farther from the server. ' +
    'Then Dave (Paris) joins: OT sends him a snapshot; Yjs sends him every item, with ids and origins.',
  participants: [alice, bob, carol, dave],
  initialText: '',
  script: [
    { at: 0, action: { kind: 'insert', user: 'Alice', pos: 0, text: 'Hello' } },
    { at: 0, action: { kind: 'insert', user: 'Bob', pos: 0, text: 'World' } },
    { at: 0, action: { kind: 'insert', user: 'Carol', pos: 0, text: 'Hi' } },
    { at: 400, action: { kind: 'join', user: 'Dave' } },
  ],
};
