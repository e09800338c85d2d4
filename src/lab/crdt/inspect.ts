/**
 * Reads Yjs internals for the item inspector: one row per character with its
 * id (client:clock), left origin, right origin and deleted flag, plus state
 * vectors and counts. Yjs stores a run of typed characters as one Item; we
 * split it the way Yjs itself would if someone typed inside it.
 */
import * as Y from 'yjs';

export interface CharRow {
  char: string;
  id: string;
  origin: string;
  rightOrigin: string;
  deleted: boolean;
}

const fmt = (id: Y.ID | null) => (id ? `${id.client}:${id.clock}` : '—');

export function charRows(text: Y.Text): CharRow[] {
  const rows: CharRow[] = [];
  for (let item = text._start; item !== null; item = item.right) {
    const content = item.content;
    const chars = content instanceof Y.ContentString ? [...content.str] : Array(item.length).fill('·');
    chars.forEach((char, i) => {
      rows.push({
        char,
        id: `${item.id.client}:${item.id.clock + i}`,
        // Inside a run, each character's left origin is the one before it.
        origin: i === 0 ? fmt(item.origin) : `${item.id.client}:${item.id.clock + i - 1}`,
        rightOrigin: fmt(item.rightOrigin),
        deleted: item.deleted,
      });
    });
  }
  return rows;
}

/** The state vector as `{1: 5, 2: 5}`: how many items of each client this replica has. */
export function stateVector(doc: Y.Doc): Map<number, number> {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

export function formatStateVector(sv: Map<number, number>): string {
  const parts = [...sv].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}:${n}`);
  return `{${parts.join(', ')}}`;
}

export interface ItemCounts {
  /** Item structs Yjs keeps (a run typed in one go is one item). */
  items: number;
  /** Characters the items cover, deleted ones included. */
  chars: number;
  /** Deleted characters kept as tombstones. */
  tombstones: number;
}

export function itemCounts(doc: Y.Doc): ItemCounts {
  const counts: ItemCounts = { items: 0, chars: 0, tombstones: 0 };
  for (const structs of doc.store.clients.values()) {
    for (const s of structs) {
      if (!(s instanceof Y.Item)) continue;
      counts.items++;
      counts.chars += s.length;
      if (s.deleted) counts.tombstones += s.length;
    }
  }
  return counts;
}
