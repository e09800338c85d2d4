/** The documents recently opened in this browser, for the start page, with the key each was opened with. */
const STORAGE_KEY = 'concord.recent';
const MAX_RECENT = 12;

export interface RecentDocument {
  room: string;
  title: string;
  openedAt: number;
  /** The share key it was opened with (a protected document's edit or view key), so it opens again from the list. */
  key?: string;
  /** What that key grants. */
  role?: 'editor' | 'viewer';
}

export function loadRecent(storage: Storage = localStorage): RecentDocument[] {
  try {
    const list = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(list)
      ? list
          .filter((d): d is RecentDocument => typeof d?.room === 'string' && typeof d?.openedAt === 'number')
          .map((d) => (d.key === undefined || typeof d.key === 'string' ? d : { ...d, key: undefined }))
      : [];
  } catch {
    return [];
  }
}

/**
 * Puts `room` first in the list. `key`: the key this page was opened with, and `role` what
 * it grants; without one the entry keeps the key it had, and an edit key is not replaced by
 * a view key.
 */
export function rememberDocument(
  room: string,
  title: string,
  key: string | null = null,
  role: 'editor' | 'viewer' = 'editor',
  storage: Storage = localStorage,
): void {
  const previous = loadRecent(storage);
  const before = previous.find((d) => d.room === room);
  const keepBefore = before?.key !== undefined && (key === null || (role === 'viewer' && before.role !== 'viewer'));
  const others = previous.filter((d) => d.room !== room);
  const entry: RecentDocument = { room, title, openedAt: Date.now() };
  if (keepBefore) {
    entry.key = before!.key;
    entry.role = before!.role ?? 'editor';
  } else if (key) {
    entry.key = key;
    entry.role = role;
  }
  const list = [entry, ...others].slice(0, MAX_RECENT);
  storage.setItem(STORAGE_KEY, JSON.stringify(list));
}

/** The path that reopens a recent document (with its key, if it had one). */
export function recentDocumentPath(doc: RecentDocument): string {
  return doc.key ? `/d/${doc.room}?key=${encodeURIComponent(doc.key)}` : `/d/${doc.room}`;
}
