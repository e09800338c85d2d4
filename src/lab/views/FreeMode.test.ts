import { describe, expect, it } from 'vitest';
import { diffActions } from './FreeMode';

describe('free mode text box diff', () => {
  it('turns a box change into the smallest delete + insert', () => {
    expect(diffActions('Alice', 'Edit me', 'Edit me now')).toEqual([{ kind: 'insert', user: 'Alice', pos: 7, text: ' now' }]);
    expect(diffActions('Alice', 'Edit me', 'Edme')).toEqual([{ kind: 'delete', user: 'Alice', pos: 2, len: 3 }]);
    expect(diffActions('Bob', 'abc', 'aXc')).toEqual([
      { kind: 'delete', user: 'Bob', pos: 1, len: 1 },
      { kind: 'insert', user: 'Bob', pos: 1, text: 'X' },
    ]);
    expect(diffActions('Bob', 'same', 'same')).toEqual([]);
  });
});
