/** The documents recently opened in this browser, for the start page. */
const STORAGE_KEY = 'concord.recent';
const MAX_RECENT = 12;

export interface RecentDocument {
  room: string;
  title: string;
  openedAt: number;
}

export function loadRecent(storage: Storage = localStorage): RecentDocument[] {
  try {
    const list = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(list)
      ? list.filter((d): d is RecentDocument => typeof d?.room === 'string' && typeof d?.openedAt === 'number')
      : [];
  } catch {
    return [];
  }
}

export function rememberDocument(room: string, title: string, storage: Storage = localStorage): void {
  const others = loadRecent(storage).filter((d) => d.room !== room);
  const list = [{ room, title, openedAt: Date.now() }, ...others].slice(0, MAX_RECENT);
  storage.setItem(STORAGE_KEY, JSON.stringify(list));
}
