import { alice, bob } from './people';
import type { Scenario } from './types';

/** The chapter's title example (§4), as a text edit: a delete meets an insert inside it. */
export const insertVsDelete: Scenario = {
  id: 'insert-vs-delete',
  title: 'Insert vs delete',
  caption:
    'The title is "Project Report". Bob deletes "Project " while Alice types "Q1 " inside it, after "Proj". ' +
    'Neither side loses Alice\'s text: OT splits Bob\'s delete around it; Yjs keeps the deleted letters as tombstones.',
  participants: [alice, bob],
  initialText: 'Project Report',
  script: [
    { at: 0, action: { kind: 'delete', user: 'Bob', pos: 0, len: 8 } },
    { at: 0, action: { kind: 'insert', user: 'Alice', pos: 4, text: 'Q1 ' } },
  ],
};
