import { describe, expect, it } from 'vitest';
import { isValidRoomId, newRoomId } from './constants';

describe('room ids', () => {
  it('new room ids are valid, 16 characters, and do not repeat', () => {
    const ids = new Set(Array.from({ length: 1_000 }, () => newRoomId()));
    expect(ids.size).toBe(1_000);
    for (const id of ids) {
      expect(id).toHaveLength(16);
      expect(isValidRoomId(id)).toBe(true);
    }
  });

  it.each(['', 'a b', 'a/b', 'x'.repeat(65), 'é'])('refuses %j', (room) => {
    expect(isValidRoomId(room)).toBe(false);
  });
});
