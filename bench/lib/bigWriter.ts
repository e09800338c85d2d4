/**
 * Writes a big document through one raw-protocol client: `paragraphs`
 * paragraphs of ~90 characters in Slate's structure (the shape
 * bench/bigDocument.ts writes), sent as update pieces; resolves once the
 * server holds them (and, on Concord, has saved them). Used by the benchmarks
 * that open such a document (openBytes.ts, classOpen.ts).
 */
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../../src/protocol/document';
import { splitUpdate } from '../../src/protocol/updatePieces';
import { LoadClient } from './loadClient';
import { sentence } from './sentences';
import type { RunningServer } from './servers';

export interface Written {
  /** The writer, still connected (so the server keeps the room loaded). */
  writer: LoadClient;
  /** The document's V1 state, in bytes. */
  v1: number;
  /** The body's length (blocks). */
  text: number;
}

export async function writeParagraphs(server: RunningServer, room: string, paragraphs: number): Promise<Written> {
  const writer = new LoadClient({ url: server.url(room, { acks: true }), room, dialect: server.dialect, keepDoc: true });
  await writer.opened.then(() => writer.synced);
  const doc = writer.doc!;
  const content = doc.get(CONTENT_ROOT, Y.XmlText);
  const before = Y.encodeStateVector(doc);
  for (let start = 0; start < paragraphs; start += 500) {
    const nodes: Array<{ type: string; children: Array<{ text: string }> }> = [];
    for (let i = start; i < Math.min(paragraphs, start + 500); i++) nodes.push({ type: 'paragraph', children: [{ text: `${i + 1}. ${sentence(i + 1, 85)}` }] });
    doc.transact(() => content.applyDelta([{ retain: content.length }, ...slateNodesToInsertDelta(nodes as never)], { sanitize: false }));
  }
  for (const piece of splitUpdate(Y.encodeStateAsUpdate(doc, before))) writer.sendUpdate(piece);
  const answered = writer.step2Received;
  writer.sendStep1(Y.encodeStateVector(doc));
  await writer.until(() => writer.step2Received > answered, 'the server to hold it', 120_000);
  if (server.kind === 'concord') await writer.until(() => writer.acked >= writer.updateFramesSent, 'saved', 120_000);
  return { writer, v1: Y.encodeStateAsUpdate(doc).length, text: content.length };
}
