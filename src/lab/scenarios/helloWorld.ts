import { alice, bob } from './people';
import type { Scenario } from './types';

/** The chapter's example (§7, Google Docs): both insert at position 0 at T=0. */
export const helloWorld: Scenario = {
  id: 'hello-world',
  title: 'Hello World',
  caption:
    'Alice (London) types "Hello" and Bob (New York) types "World", both at position 0, at the same moment. ' +
    'Watch the server transform Bob\'s insert from @0 to @5, while Yjs needs no transform: it orders the two items by clientID.',
  participants: [alice, bob],
  initialText: '',
  script: [
    { at: 0, action: { kind: 'insert', user: 'Alice', pos: 0, text: 'Hello' } },
    { at: 0, action: { kind: 'insert', user: 'Bob', pos: 0, text: 'World' } },
  ],
};
