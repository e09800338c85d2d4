import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyTextChange, diffText, transformIndex } from './titleBinding';

describe('title binding', () => {
  it('diffs to the smallest replaced range', () => {
    expect(diffText('Project Report', 'Project Q1 Report')).toEqual({ index: 8, remove: 0, insert: 'Q1 ' });
    expect(diffText('abc', 'ac')).toEqual({ index: 1, remove: 1, insert: '' });
    expect(diffText('aaa', 'aaaa')).toEqual({ index: 3, remove: 0, insert: 'a' });
  });

  it('applies local typing to the Y.Text', () => {
    const doc = new Y.Doc();
    const text = doc.getText('title');
    applyTextChange(text, '', 'Hello', 'me');
    applyTextChange(text, 'Hello', 'Hello World', 'me');
    applyTextChange(text, 'Hello World', 'Hi World', 'me');
    expect(text.toString()).toBe('Hi World');
  });

  it('moves the caret with remote inserts and deletes before it, not after', () => {
    expect(transformIndex([{ insert: 'abc' }], 2)).toBe(5);
    expect(transformIndex([{ retain: 5 }, { insert: 'x' }], 2)).toBe(2);
    expect(transformIndex([{ retain: 2 }, { insert: 'x' }], 2)).toBe(2);
    expect(transformIndex([{ delete: 3 }], 5)).toBe(2);
    expect(transformIndex([{ retain: 1 }, { delete: 10 }], 5)).toBe(1);
    expect(transformIndex([{ retain: 1 }, { delete: 1 }, { insert: 'yy' }], 4)).toBe(5);
  });
});
