/**
 * Text operations for the OT side, all built on ot-text-unicode (the ShareDB
 * text type). We never transform by hand: apply, transform and compose are the
 * library's. Positions in ot-text-unicode count Unicode code points.
 */
import { insert, remove, type, type TextOp } from 'ot-text-unicode';

export type { TextOp };

/** Which op stays left when two inserts tie at one position. */
export type Side = 'left' | 'right';

export const otType = type;

export function insertOp(pos: number, text: string): TextOp {
  // insert() drops the zero-length skip that ot-text-unicode would reject.
  return type.normalize(insert(pos, text));
}

export function deleteOp(doc: string, pos: number, len: number): TextOp {
  // Deleting by content (not count) keeps ops readable in the log: {d:"World"}.
  const chars = [...doc].slice(pos, pos + len).join('');
  return type.normalize(remove(pos, chars));
}

/** A short, readable description: `insert "World" @5`, `delete "ab" @2`. */
export function describeOp(op: TextOp): string {
  const parts: string[] = [];
  let pos = 0;
  for (const c of op) {
    if (typeof c === 'number') pos += c;
    else if (typeof c === 'string') {
      parts.push(`insert "${c}" @${pos}`);
      pos += [...c].length;
    } else {
      const text = typeof c.d === 'string' ? `"${c.d}"` : `${c.d} chars`;
      parts.push(`delete ${text} @${pos}`);
    }
  }
  return parts.length ? parts.join(', ') : 'no-op';
}

/** Converts a UTF-16 index (what text inputs and Yjs use) to a code point index. */
export function codePointIndex(text: string, utf16Index: number): number {
  return [...text.slice(0, utf16Index)].length;
}
