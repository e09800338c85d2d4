/**
 * Cutting a big update into pieces (src/protocol/updatePieces.ts), in Node:
 * a 10,000-paragraph document as one 1.3 MiB update, split ROUNDS times (default 6) in a row
 * (the first runs are V8 warming up). A tab pays this once per big change it
 * sends (a paste, the undo of one, an offline backlog).
 *
 *   npx tsx bench/updatePieces.ts
 *
 * Not part of `npm run bench` (a tool).
 */
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import * as Y from 'yjs';
import { splitUpdate } from '../src/protocol/updatePieces';
import { sentence } from './lib/sentences';

type Paragraph = { type: 'paragraph'; children: Array<{ text: string }> };

const doc = new Y.Doc();
const root = doc.get('content', Y.XmlText);
const paragraphs: Paragraph[] = [];
for (let i = 0; i < 10_000; i++) paragraphs.push({ type: 'paragraph', children: [{ text: sentence(i, 90) }] });
root.applyDelta(slateNodesToInsertDelta(paragraphs), { sanitize: false });
const update = Y.encodeStateAsUpdate(doc);
for (let round = 0; round < Number(process.env.ROUNDS ?? 6); round++) {
  const startedAt = performance.now();
  const pieces = splitUpdate(update);
  console.log(`${(update.byteLength / 1_048_576).toFixed(2)} MiB → ${pieces.length} pieces in ${(performance.now() - startedAt).toFixed(0)} ms`);
}
