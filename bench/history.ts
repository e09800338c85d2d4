/**
 * `npm run bench -- history` (issue 13): what keeping the past costs.
 *
 * 1. The automerge-paper trace (259,778 edits, bench/data/) typed into a
 *    document of the editor's shape (one paragraph block), one Yjs update per
 *    edit, stored through the relay's own storage path: appends in batches,
 *    compaction every COMPACT_AFTER_UPDATES (500) entries, which folds the log
 *    into versions. The trace has no usable times (all within one second), so
 *    the typist is given one: an edit every 200 ms and a 10 s pause after every
 *    260th edit, i.e. about 1,000 versions.
 * 2. Storage per 1,000 edits: history as kept (merged versions) against two
 *    other designs measured on the same edits: the raw update log kept
 *    forever (as SQLite rows), and a Yjs document with gc off plus a Yjs
 *    snapshot (state vector + delete set) per version.
 * 3. Opening the document (what the relay reads on first use) with and without
 *    that history in the file: history is read only when asked for.
 * 4. History load: GET /api/docs/<room>/history from a running relay, then
 *    building every version (src/history/model.ts), in Node and in Chromium
 *    (click History → the view is drawn).
 * 5. Scrub time per step: computing a version in Node, and in Chromium from
 *    the slider's input event to the version on screen (DOM committed), on
 *    the trace (~1,000 versions of one long paragraph) and on a 1,000-version
 *    document of three writers with blocks, lists and marks.
 *
 * The browser parts need a built app (npm run build) and a Chromium; they are
 * skipped, and said so, otherwise. QUICK=1 uses the first 20,000 edits.
 */
import { chromium, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';
import { CHROMIUM_ARGS, findChromium } from '../e2e/support/browser';
import { startConcord } from '../server/app';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/log';
import { openSqliteStorage, type SqliteStorage } from '../server/storage/sqlite';
import { CONTENT_ROOT } from '../src/protocol/document';
import { seedUpdate } from '../src/protocol/seed';
import { HistoryModel } from '../src/common/history/model';
import { randomSession } from '../src/history/testing/randomSession';
import { decodeBytes, type HistoryPayload } from '../src/common/history/wire';
import { QUICK, fmt, kib, median, ms, percentile, report, waitForQuiet } from './lib/report';
import { TRACE_PATH } from './lib/trace';

const COMPACT_AFTER_UPDATES = 500;
const EDIT_EVERY_MS = 200;
const EDITS_PER_VERSION = 260;
const PAUSE_MS = 10_000;
const START = Date.UTC(2025, 0, 6, 9);
const APPEND_BATCH = 64;
const TRACE_ROOM = 'automerge-paper';
const WRITERS_ROOM = 'three-writers';
const DIST = fileURLToPath(new URL('../dist', import.meta.url));

interface Edit {
  update: Uint8Array;
  at: number;
  author: number | null;
  quiet: boolean;
}

/** The trace typed into one paragraph of a document shaped like the editor's. */
function traceEdits(limit: number): { edits: Edit[]; client: number; text: string } {
  const trace = JSON.parse(gunzipSync(readFileSync(TRACE_PATH)).toString('utf8')) as { txns: Array<{ patches: Array<[number, number, string]> }> };
  const doc = new Y.Doc();
  doc.clientID = 271_828;
  Y.applyUpdate(doc, seedUpdate());
  const block = (doc.get(CONTENT_ROOT, Y.XmlText).toDelta() as Array<{ insert: Y.XmlText }>)[0].insert;
  const edits: Edit[] = [{ update: seedUpdate(), at: START - 1_000, author: null, quiet: false }];
  let pending: Uint8Array | null = null;
  doc.on('update', (update: Uint8Array) => (pending = update));
  const count = Math.min(limit, trace.txns.length);
  for (let i = 0; i < count; i++) {
    doc.transact(() => {
      for (const [position, deleted, inserted] of trace.txns[i].patches) {
        if (deleted > 0) block.delete(position, deleted);
        if (inserted) block.insert(position, inserted);
      }
    });
    edits.push({ update: pending!, at: START + i * EDIT_EVERY_MS + Math.floor(i / EDITS_PER_VERSION) * PAUSE_MS, author: doc.clientID, quiet: false });
  }
  return { edits, client: doc.clientID, text: block.toString() };
}

/** Stores edits as the relay does: batched appends, compaction (and so history folding) every 500 entries. */
function ingest(storage: SqliteStorage, room: string, edits: readonly Edit[]): { seconds: number; compactionSeconds: number; compactions: number } {
  const relayDoc = new Y.Doc();
  let inLog = 0;
  let compactionMs = 0;
  let compactions = 0;
  const started = performance.now();
  for (let from = 0; from < edits.length; from += APPEND_BATCH) {
    const batch = edits.slice(from, from + APPEND_BATCH);
    for (const edit of batch) Y.applyUpdate(relayDoc, edit.update);
    storage.append(batch.map((edit) => ({ room, update: edit.update, at: edit.at, author: edit.author, quiet: edit.quiet })));
    inLog += batch.length;
    if (inLog >= COMPACT_AFTER_UPDATES) {
      const t = performance.now();
      storage.compact(room, Y.encodeStateAsUpdate(relayDoc));
      compactionMs += performance.now() - t;
      compactions++;
      inLog = 0;
    }
  }
  relayDoc.destroy();
  return { seconds: (performance.now() - started) / 1_000, compactionSeconds: compactionMs / 1_000, compactions };
}

/** Bytes SQLite uses for each table and index of the file (dbstat), by name. */
function tableBytes(file: string): Map<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    return new Map(
      db.prepare<[], { name: string; bytes: number }>('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all().map((row) => [row.name, row.bytes]),
    );
  } finally {
    db.close();
  }
}

const sum = (map: Map<string, number>, names: string[]) => names.reduce((total, name) => total + (map.get(name) ?? 0), 0);
const HISTORY_TABLES = ['history_rooms', 'sqlite_autoindex_history_rooms_1', 'history_versions', 'sqlite_autoindex_history_versions_1', 'history_authors', 'sqlite_autoindex_history_authors_1'];

/** The raw log kept forever, as rows of the relay's `updates` table (with time and author), measured in SQLite. */
function rawLogBytes(dir: string, edits: readonly Edit[]): number {
  const file = join(dir, 'raw-log.sqlite');
  const db = new Database(file);
  db.exec(`CREATE TABLE updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, room TEXT NOT NULL, data BLOB NOT NULL, at INTEGER, author INTEGER) STRICT;
           CREATE INDEX updates_by_room ON updates (room, seq);`);
  const insert = db.prepare('INSERT INTO updates (room, data, at, author) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const edit of edits) insert.run(TRACE_ROOM, edit.update, edit.at, edit.author);
  })();
  const bytes = db.prepare<[], { bytes: number }>("SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name IN ('updates', 'updates_by_room')").get()!.bytes;
  db.close();
  return bytes;
}

/** A gc-off Yjs document plus one Yjs snapshot per version: bytes of the state and of all snapshots. */
function snapshotDesignBytes(edits: readonly Edit[], versionEnds: ReadonlySet<number>): { state: number; snapshots: number } {
  const doc = new Y.Doc({ gc: false });
  let snapshots = 0;
  edits.forEach((edit, i) => {
    Y.applyUpdate(doc, edit.update);
    if (versionEnds.has(i)) snapshots += Y.encodeSnapshot(Y.snapshot(doc)).byteLength;
  });
  const state = Y.encodeStateAsUpdate(doc).byteLength;
  doc.destroy();
  return { state, snapshots };
}

/** What the relay does to open a document: read snapshot + log, apply them. */
function openTime(file: string, room: string): number {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const storage = openSqliteStorage(file);
    const started = performance.now();
    const stored = storage.load(room);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
    times.push(performance.now() - started);
    doc.destroy();
    storage.close();
  }
  return median(times);
}

async function fetchHistory(port: number, room: string): Promise<{ serverMs: number; parseMs: number; buildMs: number; bytes: number; model: HistoryModel; payload: HistoryPayload }> {
  let started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/api/docs/${room}/history`);
  const text = await response.text();
  const serverMs = performance.now() - started;
  started = performance.now();
  const payload = JSON.parse(text) as HistoryPayload;
  const base = payload.base ? decodeBytes(payload.base) : null;
  const updates = payload.versions.map((version) => decodeBytes(version.update));
  const parseMs = performance.now() - started;
  started = performance.now();
  const model = HistoryModel.build(base, updates);
  return { serverMs, parseMs, buildMs: performance.now() - started, bytes: text.length, model, payload };
}

function scrubCompute(model: HistoryModel): { sequential: number[]; random: number[] } {
  const sequential: number[] = [];
  for (let index = 0; index <= model.lastIndex; index++) {
    const started = performance.now();
    model.render(index);
    sequential.push(performance.now() - started);
  }
  const random: number[] = [];
  let seed = 42;
  for (let i = 0; i < 300; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const started = performance.now();
    model.render(seed % (model.lastIndex + 1));
    random.push(performance.now() - started);
  }
  if (process.env.HISTORY_DEBUG) {
    const top = sequential.map((ms, index) => [index, ms] as const).sort((x, y) => y[1] - x[1]).slice(0, 6);
    console.log('  slowest steps (index, ms):', top.map(([i, ms]) => `${i}:${ms.toFixed(1)}`).join(' '), 'random max', Math.max(...random).toFixed(1));
  }
  return { sequential, random };
}

/** In the page: moves the slider to each version in turn and times input event → version committed to the DOM. */
async function scrubInBrowser(page: Page, versions: number[]): Promise<number[]> {
  return page.evaluate(async (targets) => {
    const slider = document.querySelector<HTMLInputElement>('[data-testid=history-slider]')!;
    const view = document.querySelector<HTMLElement>('[data-testid=history-view]')!;
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    const times: number[] = [];
    for (const target of targets) {
      const shown = new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => {
          if (view.dataset.version === String(target)) {
            observer.disconnect();
            resolve();
          }
        });
        observer.observe(view, { attributes: true, attributeFilter: ['data-version'] });
      });
      const started = performance.now();
      setValue.call(slider, String(target));
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      if (view.dataset.version !== String(target)) await shown;
      times.push(performance.now() - started);
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    }
    return times;
  }, versions);
}

async function browserFigures(port: number, room: string, label: string): Promise<string[][]> {
  const executablePath = findChromium();
  if (!executablePath) return [[label, 'skipped: no Chromium', '', '', '', '']];
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`http://127.0.0.1:${port}/d/${room}`);
    await page.locator('[data-slate-editor]').waitFor({ timeout: 120_000 });
    const started = Date.now();
    await page.getByTestId('history-toggle').click();
    await page.locator('[data-testid=history-view], [data-testid=history-error]').first().waitFor({ timeout: 120_000 });
    if (await page.getByTestId('history-error').count()) throw new Error(`history failed in the page: ${await page.getByTestId('history-error').textContent()}`);
    const loadMs = Date.now() - started;
    const slider = page.getByTestId('history-slider');
    const min = Number(await slider.getAttribute('min'));
    const max = Number(await slider.getAttribute('max'));
    const steps = QUICK ? 60 : 300;
    const sequential = await scrubInBrowser(page, Array.from({ length: Math.min(steps, max - min) }, (_, i) => max - 1 - i));
    let seed = 7;
    const jumps = await scrubInBrowser(
      page,
      Array.from({ length: steps }, () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return min + (seed % (max - min + 1));
      }),
    );
    return [
      [
        label,
        `${max - min} versions`,
        ms(loadMs),
        `${ms(median(sequential))} / ${ms(percentile(sequential, 95))}`,
        `${ms(median(jumps))} / ${ms(percentile(jumps, 95))}`,
        ms(Math.max(...sequential, ...jumps)),
      ],
    ];
  } finally {
    await browser.close();
  }
}

export async function benchHistory(): Promise<void> {
  await waitForQuiet(); // the machine is shared: timings wait for other work to settle (up to BENCH_QUIET_WAIT_MS)
  const dir = mkdtempSync(join(tmpdir(), 'concord-bench-history-'));
  const file = join(dir, 'concord.sqlite');
  try {
    report.progress('replaying the automerge-paper trace as Yjs updates');
    const { edits, client, text } = traceEdits(QUICK ? 20_000 : Number.POSITIVE_INFINITY);
    const editCount = edits.length - 1;
    const updateBytes = edits.reduce((total, edit) => total + edit.update.byteLength, 0);

    report.progress(`storing ${editCount} edits with compaction every ${COMPACT_AFTER_UPDATES}`);
    const storage = openSqliteStorage(file);
    storage.history.recordAuthor(TRACE_ROOM, client, { name: 'Martin', color: '#1971c2' });
    const ingestion = ingest(storage, TRACE_ROOM, edits);
    const stored = storage.history.read(TRACE_ROOM)!;
    const versionCount = stored.versions.length;
    // Which edit ends each version (for the snapshot design), from the version edit counts.
    const versionEnds = new Set<number>();
    let end = 0;
    for (const version of stored.versions) versionEnds.add((end += version.edits));

    report.progress('three-writer document with 1,000 versions');
    // Steps per version vary with who happens to write next: find a session long enough for 1,000 versions.
    let session = randomSession(13, { steps: 3_600, writers: 3, truth: false, pauseChance: 0.15 });
    {
      const probe = openSqliteStorage(':memory:');
      session.writers.forEach((client, i) => probe.history.recordAuthor(WRITERS_ROOM, client, { name: `W${i}`, color: '#000000' }));
      probe.append(session.entries.map((e) => ({ room: WRITERS_ROOM, update: e.update, at: e.at, author: e.author, quiet: e.quiet })));
      const versions = probe.history.read(WRITERS_ROOM)!.versions;
      probe.close();
      // Cut the session at the end of the 1,000th version.
      if (versions.length > 1_000) session = { ...session, entries: session.entries.filter((e) => e.at <= versions[999].endedAt) };
    }
    storage.history.recordAuthor(WRITERS_ROOM, session.writers[0], { name: 'Alice', color: '#d9480f' });
    storage.history.recordAuthor(WRITERS_ROOM, session.writers[1], { name: 'Bob', color: '#1971c2' });
    storage.history.recordAuthor(WRITERS_ROOM, session.writers[2], { name: 'Carol', color: '#2f9e44' });
    ingest(storage, WRITERS_ROOM, session.entries);
    const writersVersions = storage.history.read(WRITERS_ROOM)!.versions.length;
    session = null as never;
    storage.close();

    const tables = tableBytes(file);
    const historyBytes = sum(tables, HISTORY_TABLES);
    const versionPayload = stored.versions.reduce((total, v) => total + v.update.byteLength, 0) + (stored.base?.byteLength ?? 0);

    report.progress('measuring the other designs on the same edits');
    const raw = rawLogBytes(dir, edits);
    const snapshots = snapshotDesignBytes(edits, versionEnds);
    const perThousand = (bytes: number) => `${kib((bytes / editCount) * 1_000)} KiB`;

    report.section(
      'History: storage (automerge-paper trace)',
      `${fmt(editCount)} edits (${QUICK ? 'QUICK: a prefix of ' : ''}the automerge-paper trace, one paragraph, ${kib(updateBytes)} KiB of Yjs updates), ` +
        `one edit every ${EDIT_EVERY_MS} ms and a ${PAUSE_MS / 1_000} s pause every ${EDITS_PER_VERSION} edits → ${fmt(versionCount)} versions. ` +
        `Stored through server/storage/sqlite.ts with compaction every ${COMPACT_AFTER_UPDATES} entries (${ingestion.compactions} compactions, ` +
        `${fmt(ingestion.compactionSeconds, 1)} s of ${fmt(ingestion.seconds, 1)} s ingest spent compacting + folding). Sizes are SQLite pages (dbstat) where a table is named.`,
    );
    report.table(
      ['design', 'bytes', 'per 1,000 edits'],
      [
        ['**kept: versions as merged updates** (history_* tables, indexes included)', `${kib(historyBytes)} KiB`, perThousand(historyBytes)],
        ['  of which the versions’ merged updates', `${kib(versionPayload)} KiB`, perThousand(versionPayload)],
        ['raw update log kept forever (rows with time and author)', `${kib(raw)} KiB`, perThousand(raw)],
        [`gc-off Yjs state + a Yjs snapshot per version (${fmt(versionCount)})`, `${kib(snapshots.state + snapshots.snapshots)} KiB`, perThousand(snapshots.state + snapshots.snapshots)],
        ['  of which the snapshots (state vector + whole delete set each)', `${kib(snapshots.snapshots)} KiB`, perThousand(snapshots.snapshots)],
        ['for scale: the current document’s snapshot (gc on)', `${kib(sum(tables, ['snapshots', 'sqlite_autoindex_snapshots_1']))} KiB`, ''],
        ['for scale: the final text', `${kib(text.length)} KiB`, ''],
      ],
    );

    report.progress('document open time with and without the history in the file');
    const withHistory = openTime(file, TRACE_ROOM);
    const copy = join(dir, 'without-history.sqlite');
    const db = new Database(file);
    db.exec(`VACUUM INTO '${copy}'`);
    db.close();
    const stripped = new Database(copy);
    stripped.exec('DELETE FROM history_versions; DELETE FROM history_rooms; VACUUM;');
    stripped.close();
    const withoutHistory = openTime(copy, TRACE_ROOM);

    report.progress('history load through a running relay');
    const concord = await startConcord(
      loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', STATIC_DIR: existsSync(join(DIST, 'index.html')) ? DIST : join(dir, 'no-app') }),
      createLogger('silent'),
    );
    try {
      const loads = [];
      for (let i = 0; i < 5; i++) loads.push(await fetchHistory(concord.port, TRACE_ROOM));
      const { model } = loads[loads.length - 1];
      const built = model.render(model.lastIndex);
      const final = (built.blocks[0].children as Array<{ text: string }>).map((leaf) => leaf.text).join('');
      if (!QUICK && final !== text) throw new Error('history does not reproduce the trace');
      const writers = await fetchHistory(concord.port, WRITERS_ROOM);

      report.section(
        'History: opening a document and loading its history',
        'Opening = what the relay reads and applies to load a room (snapshot + log). History load = GET /api/docs/<room>/history on a running relay ' +
          '(read, group the log tail, serialise), then JSON parse + base64 decode, then building every version (model.ts); medians of 5, Node.',
      );
      report.table(
        ['', 'automerge-paper', '1,000-version three-writer document'],
        [
          ['open the document (history in the file)', `${ms(withHistory)} ms`, ''],
          ['open the document (history tables emptied)', `${ms(withoutHistory)} ms`, ''],
          ['history response (bytes)', `${kib(median(loads.map((l) => l.bytes)))} KiB`, `${kib(writers.bytes)} KiB`],
          ['relay: read + serialise', `${ms(median(loads.map((l) => l.serverMs)))} ms`, `${ms(writers.serverMs)} ms`],
          ['page: parse + decode', `${ms(median(loads.map((l) => l.parseMs)))} ms`, `${ms(writers.parseMs)} ms`],
          ['page: build every version', `${ms(median(loads.map((l) => l.buildMs)))} ms`, `${ms(writers.buildMs)} ms`],
          ['**history load, total**', `**${ms(median(loads.map((l) => l.serverMs + l.parseMs + l.buildMs)))} ms**`, `${ms(writers.serverMs + writers.parseMs + writers.buildMs)} ms`],
          ['versions', fmt(model.lastIndex), fmt(writersVersions)],
        ],
      );

      const traceScrub = scrubCompute(model);
      const writersScrub = scrubCompute(writers.model);
      report.section(
        'History: scrub time per step',
        'Computing a version (model.render) in Node: every version in order, and 300 random jumps. Then in Chromium: the slider’s input event until the ' +
          'version is committed to the DOM (history-view data-version), 300 steps back one version at a time and 300 random jumps; median / p95, ms. ' +
          'Browser load = click History → the view drawn (fetch + build + first render).',
      );
      report.table(
        ['document', 'versions', 'compute: step median / p95', 'compute: jump median / p95', 'compute max'],
        [
          ['automerge-paper (one 100 kB paragraph)', fmt(model.lastIndex), `${ms(median(traceScrub.sequential))} / ${ms(percentile(traceScrub.sequential, 95))}`, `${ms(median(traceScrub.random))} / ${ms(percentile(traceScrub.random, 95))}`, ms(Math.max(...traceScrub.sequential, ...traceScrub.random))],
          ['three writers, blocks and marks', fmt(writers.model.lastIndex), `${ms(median(writersScrub.sequential))} / ${ms(percentile(writersScrub.sequential, 95))}`, `${ms(median(writersScrub.random))} / ${ms(percentile(writersScrub.random, 95))}`, ms(Math.max(...writersScrub.sequential, ...writersScrub.random))],
        ],
      );
      if (!existsSync(join(DIST, 'index.html'))) {
        report.note('Browser figures skipped: no built app (npm run build).');
      } else {
        report.progress('scrubbing in Chromium');
        report.table(
          ['document (Chromium)', 'versions', 'load (click → drawn)', 'step median / p95', 'jump median / p95', 'max'],
          [...(await browserFigures(concord.port, WRITERS_ROOM, 'three writers, blocks and marks')), ...(await browserFigures(concord.port, TRACE_ROOM, 'automerge-paper'))],
        );
      }
      report.note(`Goal (issue 13): ≤ 50 ms per scrub step on a 1,000-version document; opening unchanged by history. Data file: ${fmt(statSync(file).size / 1024)} KiB.`);
    } finally {
      await concord.close();
    }
    if (!QUICK) {
      const out = fileURLToPath(new URL('./HISTORY-RESULTS.md', import.meta.url));
      const start = report.markdown.findIndex((line) => line.includes('## History: storage'));
      writeFileSync(out, `# History benchmark (npm run bench -- history)\n\n${new Date().toISOString()}\n${report.markdown.slice(start).join('\n')}`);
      console.log(`Wrote ${out}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
