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
import * as Y from 'yjs';
import { CONTENT_ROOT } from '../src/protocol/document';
import { writeParagraphs } from './lib/bigWriter';
import { LoadClient } from './lib/loadClient';
import { fmt, kib, median, ms } from './lib/report';
import { startServer, type RunningServer } from './lib/servers';

const PARAGRAPHS = Number(process.env.PARAGRAPHS ?? 10_000);
const TRIALS = 5;

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
  const written = await writeParagraphs(concord, 'big', PARAGRAPHS);
  const writtenReference = await writeParagraphs(reference, 'big', PARAGRAPHS); // no seed there: its text is one paragraph shorter
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
