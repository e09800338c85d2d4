import { alice, bob } from './people';
import type { Scenario } from './types';

/** The chapter's offline write (§3): a device acts as a leader while disconnected. */
export const offline: Scenario = {
  id: 'offline',
  title: 'Offline',
  caption:
    'Bob boards a plane and keeps editing "Report" offline while Alice edits online. ' +
    'When Bob lands, OT replays his queued op against everything he missed; Yjs just merges the updates.',
  participants: [alice, bob],
  initialText: 'Report',
  script: [
    { at: 0, action: { kind: 'offline', user: 'Bob' } },
    { at: 50, action: { kind: 'insert', user: 'Bob', pos: 0, text: 'Annual ' } },
    { at: 100, action: { kind: 'insert', user: 'Alice', pos: 0, text: 'Q1 ' } },
    { at: 300, action: { kind: 'insert', user: 'Alice', pos: 9, text: ' draft' } },
    { at: 400, action: { kind: 'insert', user: 'Bob', pos: 13, text: '!' } },
    { at: 800, action: { kind: 'online', user: 'Bob' } },
  ],
};
