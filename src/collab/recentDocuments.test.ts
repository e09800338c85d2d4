import { describe, expect, it } from 'vitest';
import { loadRecent, recentDocumentPath, rememberDocument } from './recentDocuments';

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
    clear: () => items.clear(),
    key: (i) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
  };
}

describe('recent documents', () => {
  it('keep the key a protected document was opened with, so it opens again from the start page', () => {
    const storage = memoryStorage();
    rememberDocument('secret', 'Plans', 'EDITKEY', 'editor', storage);
    rememberDocument('open', 'Notes', null, 'editor', storage);
    const [open, secret] = loadRecent(storage);
    expect(recentDocumentPath(secret)).toBe('/d/secret?key=EDITKEY');
    expect(recentDocumentPath(open)).toBe('/d/open');
  });

  it('a later visit without a key, or with the view key, does not lose the edit key', () => {
    const storage = memoryStorage();
    rememberDocument('secret', 'Plans', 'EDITKEY', 'editor', storage);
    rememberDocument('secret', 'Plans v2', null, 'editor', storage);
    expect(loadRecent(storage)[0]).toMatchObject({ title: 'Plans v2', key: 'EDITKEY' });
    rememberDocument('secret', 'Plans v2', 'VIEWKEY', 'viewer', storage);
    expect(loadRecent(storage)[0].key).toBe('EDITKEY');
    const other = memoryStorage();
    rememberDocument('shared', 'Read me', 'VIEWKEY', 'viewer', other);
    rememberDocument('shared', 'Read me', 'EDITKEY', 'editor', other);
    expect(loadRecent(other)[0]).toMatchObject({ key: 'EDITKEY', role: 'editor' });
  });
});
