import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { authorOfState } from './presenceAuthors';

describe('authors from presence', () => {
  it('V4: takes a well-formed user, trimmed; skips viewers and anything malformed', () => {
    expect(authorOfState({ user: { name: '  Ada   Lovelace ', color: '#ABCDEF' } })).toEqual({ name: 'Ada Lovelace', color: '#abcdef' });
    expect(authorOfState({ user: { name: 'x'.repeat(100), color: '#000000' } })!.name).toHaveLength(40);
    expect(authorOfState({ user: { name: 'Vi', color: '#000000', role: 'viewer' } })).toBeNull();
    for (const state of [null, {}, { user: 'Ada' }, { user: { name: 'Ada' } }, { user: { name: 'Ada', color: 'red' } }, { user: { name: '   ', color: '#000000' } }]) {
      expect(authorOfState(state)).toBeNull();
    }
  });
});

describe('HISTORY_RETENTION_DAYS', () => {
  const retention = (value?: string) => loadConfig(value === undefined ? {} : { HISTORY_RETENTION_DAYS: value }).historyRetentionDays;
  it('V7: defaults to keeping everything; takes whole days; refuses anything else naming the variable', () => {
    expect(retention()).toBeNull();
    expect(retention('')).toBeNull();
    expect(retention('30')).toBe(30);
    for (const bad of ['0', '-1', '1.5', 'forever', '40000']) {
      expect(() => retention(bad)).toThrow(ConfigError);
      expect(() => retention(bad)).toThrow(/HISTORY_RETENTION_DAYS/);
    }
  });
});
