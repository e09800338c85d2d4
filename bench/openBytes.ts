/**
 * Bytes and time to open a 10,000-paragraph document (the shape bench/bigDocument.ts
 * writes: ~90 characters a paragraph, Slate's structure, 1.4 MB as a V1 update):
 * a client with an empty Y.Doc connects and applies the server's sync step 2.
 * Concord as a stock client gets it (V1) and as its tabs ask (compact sync,
 * `?sync=v2z`), the reference server (V1), alternating, median of 5.
 *
 *   npx tsx bench/openBytes.ts        (not part of npm run bench)
 */
import { loadavg } from 'node:os';
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../src/protocol/document';
import { splitUpdate } from '../src/protocol/updatePieces';
import { LoadClient } from './lib/loadClient';
import { fmt, kib, median, ms } from './lib/report';
import { sentence } from './lib/sentences';
import { startServer, type RunningServer } from './lib/servers';

const PARAGRAPHS = Number(process.env.PARAGRAPHS ?? 10_000);
const TRIALS = 5;

async function write(server: RunningServer, room: string): Promise<{ v1: number; text: number }> {
  const writer = new LoadClient({ url: server.url(room, { acks: true }), room, dialect: server.dialect, keepDoc: true });
  await writer.opened.then(() => writer.synced);
  const doc = writer.doc!;
  const content = doc.get(CONTENT_ROOT, Y.XmlText);
  const before = Y.encodeStateVector(doc);
  for (let start = 0; start < PARAGRAPHS; start += 500) {
    const nodes: Array<{ type: string; children: Array<{ text: string }> }> = [];
    for (let i = start; i < Math.min(PARAGRAPHS, start + 500); i++) nodes.push({ type: 'paragraph', children: [{ text: `${i + 1}. ${sentence(i + 1, 85)}` }] });
    doc.transact(() => content.applyDelta([{ retain: content.length }, ...slateNodesToInsertDelta(nodes as never)], { sanitize: false }));
  }
  for (const piece of splitUpdate(Y.encodeStateAsUpdate(doc, before))) writer.sendUpdate(piece);
  const answered = writer.step2Received;
  writer.sendStep1(Y.encodeStateVector(doc));
  await writer.until(() => writer.step2Received > answered, 'the server to hold it', 120_000);
  if (server.kind === 'concord') await writer.until(() => writer.acked >= writer.updateFramesSent, 'saved', 120_000);
  const result = { v1: Y.encodeStateAsUpdate(doc).length, text: content.length };
  return result;
}

async function open(server: RunningServer, room: string, compactSync: boolean, expectedLength: number) {
  const client = new LoadClient({ url: server.url(room), room, dialect: server.dialect, keepDoc: true, compactSync });
  await client.opened.then(() => client.synced);
  const trial = { ms: client.syncedAt - client.startedAt, bytes: client.bytesReceived };
  if (client.doc!.get(CONTENT_ROOT, Y.XmlText).length !== expectedLength) throw new Error(`${server.kind}: the opened document differs`);
  await client.close();
  return trial;
}

const load = loadavg().map((n) => n.toFixed(1)).join(' ');
const concord = await startServer('concord');
const reference = await startServer('reference');
try {
  const written = await write(concord, 'big');
  const writtenReference = await write(reference, 'big'); // no seed there: its text is one paragraph shorter
  const runs: Record<string, Array<{ ms: number; bytes: number }>> = { 'Concord, stock client (V1)': [], 'Concord, compact sync (its tabs)': [], 'reference (V1)': [] };
  for (let i = 0; i < TRIALS; i++) {
    runs['Concord, stock client (V1)'].push(await open(concord, 'big', false, written.text));
    runs['Concord, compact sync (its tabs)'].push(await open(concord, 'big', true, written.text));
    runs['reference (V1)'].push(await open(reference, 'big', false, writtenReference.text));
  }
  const ref = median(runs['reference (V1)'].map((r) => r.ms));
  console.log(`${fmt(PARAGRAPHS)} paragraphs, V1 state ${fmt(written.v1)} B; load average at start ${load}, at end ${loadavg().map((n) => n.toFixed(1)).join(' ')}`);
  console.log('| client | payload KiB (% of V1 state) | connect → synced ms, median (× ref) | each trial ms |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, trials] of Object.entries(runs)) {
    const bytes = median(trials.map((t) => t.bytes));
    const time = median(trials.map((t) => t.ms));
    console.log(`| ${name} | ${kib(bytes)} (${fmt((100 * bytes) / written.v1, 1)} %) | ${ms(time)} (${(time / ref).toFixed(2)}×) | ${trials.map((t) => ms(t.ms)).join(' / ')} |`);
  }
} finally {
  await concord.stop();
  await reference.stop();
}
process.exit(0);
