import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_ROOT, TITLE_ROOT } from '../../src/protocol/document';
import { seedUpdate } from '../../src/protocol/seed';
import { writesSince } from './groupWrites';

/** The first block (a paragraph) of a seeded document, as slate-yjs lays it out. */
function firstBlock(doc: Y.Doc): Y.XmlText {
  return doc.get(CONTENT_ROOT, Y.XmlText).toDelta()[0].insert as Y.XmlText;
}

function fork(doc: Y.Doc, clientID: number): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  copy.clientID = clientID; // set after loading, as a tab that reloads its own writes would have it
  return copy;
}

describe('writesSince', () => {
  it("finds the runs a group typed after the split, not what was there before, and counts the group's deletions", () => {
    const room = new Y.Doc();
    room.clientID = 7;
    Y.applyUpdate(room, seedUpdate());
    firstBlock(room).insert(0, 'hello world');
    const split = Y.decodeStateVector(Y.encodeStateVector(room));

    const groupA = fork(room, 7); // the same writer goes on typing: its items may merge across the split
    firstBlock(groupA).insert(11, ' alpha');
    firstBlock(groupA).insert(0, 'bravo ');
    firstBlock(groupA).delete(6, 5); // "hello"
    groupA.get(TITLE_ROOT, Y.Text).insert(0, 'Notes');

    const writes = writesSince(groupA, split);
    expect(writes.inserted).toEqual(['Notes', 'bravo', 'alpha']);
    expect(writes.insertedChars).toBe('Notes'.length + 'bravo '.length + ' alpha'.length);
    const before = writesSince(room, split);
    expect(before.inserted).toEqual([]);
    expect(before.oldVisibleChars - writes.oldVisibleChars).toBe(5);
  });

  it('another group that wrote nothing reports nothing', () => {
    const room = new Y.Doc();
    Y.applyUpdate(room, seedUpdate());
    firstBlock(room).insert(0, 'shared');
    const split = Y.decodeStateVector(Y.encodeStateVector(room));
    const groupB = fork(room, 99);
    expect(writesSince(groupB, split)).toEqual({ inserted: [], insertedChars: 0, oldVisibleChars: 6 });
  });
});
