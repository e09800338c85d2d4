/**
 * Big documents in a real browser, at 1,000 / 10,000 / 30,000 paragraphs of
 * ~90 characters (SIZES=1000,10000 to choose; QUICK=1: 1,000 only):
 *
 *  1. Open: from navigation start of a fresh browser context (no IndexedDB)
 *     on /d/<room> until the first paragraph's text, and the last one's, is in
 *     the editor DOM (stamped in the page by a MutationObserver installed by an
 *     init script; the first and last paragraphs carry unique markers).
 *  2. Typing: ~100 keystrokes, ~60 ms apart, in the middle paragraph. Local
 *     apply per keystroke, measured in the page from its keydown (the handler's
 *     time, as the app's own readout does, and the event's timeStamp, which also
 *     counts time the event waited for a busy main thread) to the WebSocket send
 *     of the Y.Doc update it made (the provider sends from the doc's 'update'
 *     event, synchronously at delay 0), plus the app's own readout
 *     [data-testid=local-apply-ms] sampled on every render (equal consecutive
 *     values collapse into one sample).
 *  3. Longest main-thread task ('longtask' PerformanceObserver) and tasks over
 *     50 ms during typing, in the typing tab and in a second, watching tab.
 *  4. Propagation: each keystroke's new paragraph length, stamped when it
 *     appears in each tab's DOM by an observer scoped to that paragraph, with
 *     performance.timeOrigin + performance.now() (one clock for both tabs).
 *  5. Replace all: Ctrl+A in the typing tab, then one letter typed over the
 *     selection; time from that key's event until each tab shows the one-block
 *     document, then from Ctrl+Z until each tab has every block back (stamped
 *     in the pages by an observer of the editor, block count on each change).
 *  6. Paste: 15,000 lines (~1.3 MB) of plain text pasted (a ClipboardEvent with
 *     text/plain only, which slate-react hands to insertData) into the typing
 *     tab; time until its last line is in the typing tab's DOM, in the watching
 *     tab's DOM, and until the typing tab shows saved. Each wait gives up after
 *     PASTE_TIMEOUT_MS (default 60 s) and says so.
 *
 *   npm run build && npm run bench -- big-document
 *   SIZES=1000,10000 npm run bench -- big-document
 *
 * The document is written by a Node y-websocket client in updates of 500
 * paragraphs each, under the relay's default limits (so the paste meets them too).
 *
 * The relay runs in its own process, as `npm start` runs it. RELAY=in-process
 * runs it in this one instead, beside Playwright's client (how this benchmark
 * ran before: Playwright's handling of both pages' traffic then delays the
 * relay's answers, ~100–300 ms of an open at 10,000 paragraphs).
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { startConcord } from '../server/app';
import { loadConfig } from '../server/config';
import { CHROMIUM_ARGS, findChromium } from '../e2e/support/browser';
import { CONTENT_ROOT } from '../src/protocol/document';
import { startRelayProcess } from '../testing/relay';
import { maybeProfile } from './lib/profiler';
import { sentence } from './lib/sentences';
import { fmt, machineLine, mib, percentile, QUICK, report, sleep, waitForQuiet } from './lib/report';

const SIZES = (process.env.SIZES ?? (QUICK ? '1000' : '1000,10000,30000'))
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n >= 3);
const KEYSTROKES = Number(process.env.KEYSTROKES ?? 100);
const TYPING_INTERVAL_MS = Number(process.env.TYPING_INTERVAL_MS ?? 60);
const PASTE_LINES = Number(process.env.PASTE_LINES ?? 15_000);
const PASTE_TIMEOUT_MS = Number(process.env.PASTE_TIMEOUT_MS ?? 60_000);
const SEED_CHUNK = 500;

const MARK = {
  first: 'FIRSTPARA-q7Kx',
  middle: 'MIDDLEPARA-k3Vw',
  last: 'LASTPARA-z9Jm',
  pasteLast: 'PASTELAST-x4Rb',
};

// ---------------------------------------------------------------- text

function paragraphText(i: number, size: number): string {
  const marker = i === 0 ? MARK.first : i === size - 1 ? MARK.last : i === Math.floor(size / 2) ? MARK.middle : `${i + 1}.`;
  return `${marker} ${sentence(i + 1, 88 - marker.length)}`;
}

function pasteText(): string {
  const lines: string[] = [];
  for (let i = 0; i < PASTE_LINES; i++) {
    const marker = i === PASTE_LINES - 1 ? MARK.pasteLast : `p${i + 1}`;
    lines.push(`${marker} ${sentence(1_000_003 + i, 86 - marker.length)}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- helpers

/** When both the paste's last line and the last line before it were in a tab's DOM (undefined until both). */
function allPasted(state: { seen: Record<string, number> } | null | undefined): number | undefined {
  const last = state?.seen.paste;
  const middle = state?.seen.pasteMiddle;
  return last !== undefined && middle !== undefined ? Math.max(last, middle) : undefined;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Resolves with the value, or with a failure after `ms` (the promise is left to settle on its own). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `${what}: timeout after ${fmt(ms / 1000)} s` }), ms);
  });
  const settled = promise.then(
    (value): Outcome<T> => ({ ok: true, value }),
    (error: Error): Outcome<T> => ({ ok: false, error: `${what}: ${error.message.split('\n')[0]}` }),
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Page code is passed as strings: tsx would wrap named functions in a helper the page does not have. */
function inPage<T>(page: Page, js: string, ms = 30_000, what = 'page'): Promise<Outcome<T>> {
  return within(page.evaluate(js) as Promise<T>, ms, what);
}

const fmtMs = (value: number) => (Number.isFinite(value) ? fmt(value, value < 10 ? 1 : 0) : '–');
const pair = (values: number[]) =>
  values.length ? `${fmtMs(percentile(values, 50))} / ${fmtMs(percentile(values, 99))}` : '–';

/** Installed before any page script: stamps, observers and a WebSocket subclass that sees every frame sent. */
const INIT_SCRIPT = String.raw`(() => {
  if (window.top !== window || window.__bench) return;
  const M = ${JSON.stringify(MARK)};
  const now = () => performance.timeOrigin + performance.now();
  const B = (window.__bench = {
    first: null, firstFrame: null, last: null, seen: {}, longtasks: [], keydowns: [], updates: [],
    bigSends: [], closes: [], lengths: [], readouts: [], saveStates: [],
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push([performance.timeOrigin + e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { B.longtaskError = String(e); }
  window.addEventListener('keydown', (e) => B.keydowns.push([performance.timeOrigin + e.timeStamp, now()]), true);

  const NativeSocket = window.WebSocket;
  window.WebSocket = class BenchSocket extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('close', (e) => B.closes.push([now(), e.code, e.reason]));
    }
    send(data) {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
        : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (bytes && bytes[0] === 0 && bytes[1] === 2) B.updates.push([now(), bytes.byteLength]);
      if (bytes && bytes.byteLength > 65536) B.bigSends.push([now(), bytes[0], bytes[1], bytes.byteLength]);
      return super.send(data);
    }
  };

  // Open: when the first and last paragraphs' text enters the DOM (checked on added nodes only).
  const load = new MutationObserver((records) => {
    for (const r of records) {
      const nodes = r.type === 'characterData' ? [r.target] : r.addedNodes;
      for (const n of nodes) {
        const text = n.textContent;
        if (!text) continue;
        if (B.first === null && text.includes(M.first)) {
          B.first = now();
          requestAnimationFrame(() => (B.firstFrame = now()));
        }
        if (B.last === null && text.includes(M.last)) B.last = now();
      }
    }
    if (B.first !== null && B.last !== null) load.disconnect();
  });
  load.observe(document, { subtree: true, childList: true, characterData: true });

  /** Stamps when a text containing marker first enters the DOM, as B.seen[key]. */
  B.watchText = (marker, key) => {
    const root = document.querySelector('[data-slate-editor]') || document.body;
    if ((root.textContent || '').includes(marker)) { B.seen[key] = now(); return; }
    const o = new MutationObserver((records) => {
      for (const r of records) {
        const nodes = r.type === 'characterData' ? [r.target] : r.addedNodes;
        for (const n of nodes) {
          if ((n.textContent || '').includes(marker)) { B.seen[key] = now(); o.disconnect(); return; }
        }
      }
    });
    o.observe(root, { subtree: true, childList: true, characterData: true });
  };

  const findBlock = (marker) => {
    for (const el of document.querySelectorAll('[data-slate-editor] [data-block-type]')) {
      if ((el.textContent || '').includes(marker)) return el;
    }
    return null;
  };
  const blockLength = (el) => (el.textContent || '').replace(/\uFEFF/g, '').length;
  /** Records [time, length] of the paragraph holding marker on every change to it (observer scoped to it). */
  B.watchParagraph = (marker) => {
    const editor = document.querySelector('[data-slate-editor]');
    let target = findBlock(marker);
    if (!editor || !target) return -1;
    const record = () => B.lengths.push([now(), blockLength(target)]);
    const own = new MutationObserver(record);
    own.observe(target, { subtree: true, childList: true, characterData: true });
    // If Slate replaces the element, find it again (a scan, only when the root's children change).
    new MutationObserver(() => {
      if (target.isConnected) return;
      const again = findBlock(marker);
      if (!again) return;
      target = again;
      own.disconnect();
      own.observe(target, { subtree: true, childList: true, characterData: true });
      record();
    }).observe(editor, { childList: true });
    return blockLength(target);
  };
  /** The app's own readout of the last edit's local apply time, on every render of it. */
  B.watchReadout = () => {
    const box = document.querySelector('.network-controls');
    if (!box) return false;
    const read = () => {
      const el = document.querySelector('[data-testid=local-apply-ms]');
      const value = el ? Number((el.textContent || '').replace(/[^\d.]/g, '')) : NaN;
      const at = now();
      const prev = B.readouts[B.readouts.length - 1];
      if (Number.isFinite(value) && (!prev || prev[1] !== value)) B.readouts.push([at, value]);
    };
    new MutationObserver(read).observe(box, { subtree: true, childList: true, characterData: true });
    return true;
  };
  B.watchSaveState = () => {
    const read = () => {
      const el = document.querySelector('[data-testid=save-status]');
      const state = el ? el.getAttribute('data-state') : null;
      const prev = B.saveStates[B.saveStates.length - 1];
      if (!prev || prev[1] !== state) B.saveStates.push([now(), state]);
    };
    read();
    const header = document.querySelector('.document-header') || document.body;
    new MutationObserver(read).observe(header, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  };
  /** Stamps B.seen[key] when the editor's block count is first at most (or at least) n, checked on each change to it. */
  B.watchBlocks = (bound, n, key) => {
    const root = document.querySelector('[data-slate-editor]');
    if (!root) return false;
    const check = () => {
      const count = root.querySelectorAll('[data-block-type]').length;
      if (bound === 'atMost' ? count <= n : count >= n) { B.seen[key] = now(); o.disconnect(); return true; }
      return false;
    };
    const o = new MutationObserver(check);
    if (!check()) o.observe(root, { subtree: true, childList: true });
    return true;
  };
  B.blocks = () => document.querySelectorAll('[data-slate-editor] [data-block-type]').length;
  B.paste = (text, marker) => {
    const target = findBlock(marker);
    const leaf = (target && target.querySelector('[data-slate-string]')) || target || document.querySelector('[data-slate-editor]');
    const data = new DataTransfer();
    data.setData('text/plain', text);
    const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    const start = now();
    leaf.dispatchEvent(event);
    return { start, end: now(), handled: event.defaultPrevented };
  };
})();`;

interface PageStamps {
  timeOrigin: number;
  first: number | null;
  firstFrame: number | null;
  last: number | null;
}

interface Tab {
  page: Page;
  /** Date.now() when the page's renderer crashed (e.g. out of memory). */
  crashedAt?: number;
  open: { first: number; firstFrame: number; last: number; error?: string };
}

async function openTab(browser: Browser, url: string, size: number): Promise<Tab> {
  const context = await browser.newContext();
  await context.addInitScript({ content: INIT_SCRIPT });
  const page = await context.newPage();
  const tab: Tab = { page, open: { first: NaN, firstFrame: NaN, last: NaN } };
  page.on('crash', () => (tab.crashedAt ??= Date.now()));
  const timeoutMs = Math.max(60_000, size * 8);
  const open = tab.open;
  const stopProfile = await maybeProfile(page); // PROFILE_DIR: the open's CPU profile (bench/lib/profiler.ts)
  const navigated = await within(page.goto(url, { timeout: timeoutMs }), timeoutMs, 'navigation');
  if (!navigated.ok) open.error = navigated.error;
  const deadline = Date.now() + timeoutMs;
  let stamps: PageStamps | null = null;
  while (Date.now() < deadline) {
    const read = await inPage<PageStamps>(
      page,
      '({ timeOrigin: performance.timeOrigin, first: __bench.first, firstFrame: __bench.firstFrame, last: __bench.last })',
      Math.max(1_000, deadline - Date.now()),
      'reading load stamps',
    );
    if (read.ok) {
      stamps = read.value;
      if (stamps.last !== null && stamps.firstFrame !== null) break;
    }
    await sleep(100);
  }
  if (stamps) {
    const since = (t: number | null) => (t === null ? NaN : t - stamps!.timeOrigin);
    open.first = since(stamps.first);
    open.firstFrame = since(stamps.firstFrame);
    open.last = since(stamps.last);
  }
  if (!Number.isFinite(open.last)) open.error ??= `last paragraph not in the DOM after ${fmt(timeoutMs / 1000)} s`;
  await stopProfile(`open-${size}-${Date.now().toString(36)}`);
  return tab;
}

// ---------------------------------------------------------------- replace all

/**
 * Step 5: Ctrl+A and one letter in the typing tab, then Ctrl+Z; each tab's
 * moment of showing one block, then all of them again, against the key
 * events' timeStamps. Leaves the document as it was (the paste comes next).
 */
async function replaceAllAndUndo(typing: Tab, watching: Tab, add: (figure: string, typing: string, watching?: string) => void, summary: string[]): Promise<void> {
  const count = await inPage<number>(typing.page, '__bench.blocks()');
  if (!count.ok) return add('replace all', `could not count blocks (${count.error})`);
  const blocks = count.value;
  const keyAt = async (press: () => Promise<void>): Promise<number> => {
    const before = await inPage<number>(typing.page, '__bench.keydowns.length');
    await press();
    const stamp = await inPage<number>(typing.page, `__bench.keydowns[${before.ok ? before.value : 0}]?.[0] ?? NaN`);
    return stamp.ok ? stamp.value : NaN;
  };
  const waitSeen = async (key: string, ms: number): Promise<Array<number | undefined>> => {
    await Promise.all(
      [typing, watching].map((tab) => within(tab.page.waitForFunction(`__bench.seen[${JSON.stringify(key)}] !== undefined`, undefined, { timeout: ms, polling: 100 }), ms + 5_000, key)),
    );
    return Promise.all([typing, watching].map(async (tab) => {
      const seen = await inPage<number | null>(tab.page, `__bench.seen[${JSON.stringify(key)}] ?? null`);
      return seen.ok && seen.value !== null ? seen.value : undefined;
    }));
  };
  const cells = (key: number, at: Array<number | undefined>) => at.map((value) => (value !== undefined && Number.isFinite(key) ? fmt(value - key) : 'never'));

  await typing.page.keyboard.press('Control+a');
  await inPage(typing.page, '0'); // the selection has settled
  await sleep(300);
  for (const tab of [typing, watching]) await inPage(tab.page, `__bench.watchBlocks('atMost', 1, 'replaced')`);
  const letter = await keyAt(() => typing.page.keyboard.press('Q'));
  const replaced = cells(letter, await waitSeen('replaced', 60_000));
  add(`replace all: select all, type a letter → one block in the DOM (ms; ${fmt(blocks)} blocks before)`, replaced[0], replaced[1]);

  await sleep(600); // past the undo manager's capture window: the undo takes back exactly the replacement
  for (const tab of [typing, watching]) await inPage(tab.page, `__bench.watchBlocks('atLeast', ${blocks}, 'restored')`);
  const undo = await keyAt(() => typing.page.keyboard.press('Control+z'));
  const restored = cells(undo, await waitSeen('restored', 60_000));
  add('replace all, then one undo → every block back in the DOM (ms)', restored[0], restored[1]);
  summary.push(`replace all → own DOM ${replaced[0]} ms, watching ${replaced[1]} ms; undo → ${restored[0]} / ${restored[1]} ms`);
  if (replaced.includes('never') || restored.includes('never')) throw new Error('replace all and undo did not finish in both tabs');
  await sleep(500);
}

// ---------------------------------------------------------------- seeding

/** Writes `size` paragraphs after the relay's seed paragraph, SEED_CHUNK per update; returns the document's size as one update. */
export async function seedDocument(wsUrl: string, room: string, size: number): Promise<{ bytes: number; updates: number }> {
  const connect = async (doc: Y.Doc) => {
    const provider = new WebsocketProvider(wsUrl, room, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    const synced = await within(new Promise<void>((resolve) => provider.once('sync', () => resolve())), 30_000, 'seeding client sync');
    if (!synced.ok) {
      provider.destroy();
      throw new Error(synced.error);
    }
    return provider;
  };
  const doc = new Y.Doc();
  const provider = await connect(doc);
  const content = doc.get(CONTENT_ROOT, Y.XmlText);
  const blocksBefore = content.toDelta().length;
  let updates = 0;
  for (let start = 0; start < size; start += SEED_CHUNK) {
    const nodes: Array<{ type: string; children: Array<{ text: string }> }> = [];
    for (let i = start; i < Math.min(size, start + SEED_CHUNK); i++) nodes.push({ type: 'paragraph', children: [{ text: paragraphText(i, size) }] });
    doc.transact(() => {
      content.applyDelta([{ retain: content.length }, ...slateNodesToInsertDelta(nodes as Parameters<typeof slateNodesToInsertDelta>[0])], { sanitize: false });
    });
    updates++;
    // Let the socket drain now and then rather than queue megabytes at once.
    while ((provider.ws?.bufferedAmount ?? 0) > 256 * 1024) await sleep(5);
  }
  const bytes = Y.encodeStateAsUpdate(doc).byteLength;
  // The relay has it all when a fresh client sees every block.
  const expected = blocksBefore + size;
  const deadline = Date.now() + 60_000;
  let seen = 0;
  while (Date.now() < deadline) {
    const check = new Y.Doc();
    const probe = await connect(check);
    seen = check.get(CONTENT_ROOT, Y.XmlText).toDelta().length;
    probe.destroy();
    check.destroy();
    if (seen >= expected) break;
    await sleep(500);
  }
  provider.destroy();
  doc.destroy();
  if (seen < expected) throw new Error(`the relay holds ${seen} of ${expected} blocks after seeding`);
  return { bytes, updates };
}

// ---------------------------------------------------------------- one size

interface BenchPage {
  lengths: Array<[number, number]>;
  keydowns: Array<[number, number]>;
  updates: Array<[number, number]>;
  longtasks: Array<[number, number]>;
  readouts: Array<[number, number]>;
  closes: Array<[number, number, string]>;
  bigSends: Array<[number, number, number, number]>;
  saveStates: Array<[number, string | null]>;
  seen: Record<string, number>;
  longtaskError?: string;
}

const readBench = (page: Page, ms = 30_000) =>
  inPage<BenchPage>(
    page,
    '({ lengths: __bench.lengths, keydowns: __bench.keydowns, updates: __bench.updates, longtasks: __bench.longtasks, readouts: __bench.readouts, closes: __bench.closes, bigSends: __bench.bigSends, saveStates: __bench.saveStates, seen: __bench.seen, longtaskError: __bench.longtaskError })',
    ms,
    'reading page figures',
  );

/** First time each length from base+1 to base+count is reached. */
function lengthTimes(lengths: Array<[number, number]>, base: number, count: number): number[] {
  const times: number[] = [];
  let j = 0;
  for (let k = 1; k <= count; k++) {
    while (j < lengths.length && lengths[j][1] < base + k) j++;
    times.push(j < lengths.length ? lengths[j][0] : NaN);
  }
  return times;
}

const finite = (xs: number[]) => xs.filter(Number.isFinite);

async function relayLimitsHit(baseUrl: string): Promise<Record<string, number>> {
  const hits: Record<string, number> = {};
  try {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    for (const match of text.matchAll(/^concord_limits_hit_total\{limit="([^"]+)"\} (\d+)/gm)) hits[match[1]] = Number(match[2]);
  } catch {
    // no metrics: nothing to report
  }
  return hits;
}

interface SizeResult {
  rows: string[][];
  summary: string;
}

async function benchSize(browser: Browser, baseUrl: string, size: number): Promise<SizeResult> {
  const rows: string[][] = [];
  const add = (figure: string, typing: string, watching = '') => rows.push([figure, typing, watching]);
  const summary: string[] = [];
  const room = `big-${size}-${Date.now().toString(36)}`;
  const tabs: Tab[] = [];
  try {
    report.progress(`${fmt(size)} paragraphs: writing the document`);
    const seedStarted = performance.now();
    const seeded = await seedDocument(baseUrl.replace(/^http/, 'ws') + '/ws', room, size);
    add('document', `${mib(seeded.bytes)} MiB as one Yjs update; written in ${seeded.updates} updates in ${fmt((performance.now() - seedStarted) / 1000, 1)} s`);

    // 1. Open (typing tab first, alone; then the watching tab, with the typing tab open).
    report.progress(`${fmt(size)} paragraphs: opening the typing tab`);
    const typing = await openTab(browser, `${baseUrl}/d/${room}`, size);
    tabs.push(typing);
    report.progress(`${fmt(size)} paragraphs: opening the watching tab`);
    const watching = await openTab(browser, `${baseUrl}/d/${room}`, size);
    tabs.push(watching);
    const openCell = (tab: Tab, key: 'first' | 'firstFrame' | 'last') =>
      Number.isFinite(tab.open[key]) ? fmt(tab.open[key]) : `never (${tab.open.error ?? 'timeout'})`;
    add('open: navigation → first paragraph in DOM (ms)', openCell(typing, 'first'), openCell(watching, 'first'));
    add('open: navigation → next animation frame after it (ms)', openCell(typing, 'firstFrame'), openCell(watching, 'firstFrame'));
    add('open: navigation → last paragraph in DOM (ms)', openCell(typing, 'last'), openCell(watching, 'last'));
    summary.push(`open first ${openCell(typing, 'first')} ms / last ${openCell(typing, 'last')} ms`);
    if (!Number.isFinite(typing.open.last) || !Number.isFinite(watching.open.last)) throw new Error('the document did not open in both tabs');

    // 2–4. Typing in the middle paragraph.
    report.progress(`${fmt(size)} paragraphs: typing ${KEYSTROKES} keystrokes`);
    const middle = typing.page.locator('[data-slate-editor] [data-block-type]', { hasText: MARK.middle });
    const clicked = await within(
      (async () => {
        await middle.scrollIntoViewIfNeeded({ timeout: 30_000 });
        await middle.click({ timeout: 30_000 });
      })(),
      60_000,
      'clicking the middle paragraph',
    );
    if (!clicked.ok) throw new Error(clicked.error);
    await sleep(1_000); // the click's selection update, and anything still settling after the open
    const bases = await Promise.all(
      [typing, watching].map((tab) => inPage<number>(tab.page, `__bench.watchParagraph(${JSON.stringify(MARK.middle)})`, 30_000, 'watching the paragraph')),
    );
    const baseTyping = bases[0].ok ? bases[0].value : -1;
    const baseWatching = bases[1].ok ? bases[1].value : -1;
    if (baseTyping < 0 || baseWatching < 0) throw new Error('middle paragraph not found in both tabs');
    await inPage(typing.page, '__bench.watchReadout()');
    const profiles = await Promise.all([typing.page, watching.page].map(maybeProfile));
    const typingStart = performance.timeOrigin + performance.now();
    const keysStart = performance.now();
    let sentKeys = 0;
    for (let i = 0; i < KEYSTROKES; i++) {
      const wait = keysStart + i * TYPING_INTERVAL_MS - performance.now();
      if (wait > 0) await sleep(wait);
      const pressed = await within(typing.page.keyboard.press(String.fromCharCode(97 + (i % 26))), 30_000, 'key press');
      if (!pressed.ok) break;
      sentKeys++;
    }
    const typedMs = performance.now() - keysStart;
    await profiles[0](`typing-${size}`);
    await profiles[1](`watching-${size}`);
    const arrived = await within(
      watching.page.waitForFunction(
        `(__bench.lengths.at(-1)?.[1] ?? 0) >= ${baseWatching + sentKeys}`,
        undefined,
        { timeout: 60_000, polling: 100 },
      ),
      65_000,
      'keystrokes reaching the watching tab',
    );
    await sleep(1_000);
    const typingEnd = performance.timeOrigin + performance.now();
    add('typing', `${sentKeys} keystrokes in ${fmt(typedMs / 1000, 1)} s (mean ${fmt(typedMs / Math.max(1, sentKeys))} ms apart; one waits for the previous to be dispatched)`);

    // A tab still busy with a backlog answers late: wait for it, and go on without the watching tab if need be.
    const [typed, watched] = await Promise.all([readBench(typing.page, 120_000), readBench(watching.page, 120_000)]);
    if (!typed.ok) throw new Error(typed.error);
    const t = typed.value;
    const w: BenchPage = watched.ok
      ? watched.value
      : { lengths: [], keydowns: [], updates: [], longtasks: [], readouts: [], closes: [], bigSends: [], saveStates: [], seen: {} };
    if (!watched.ok) add('watching tab', `its figures could not be read: ${watched.error}`);
    const keydowns = t.keydowns.filter(([, handler]) => handler >= typingStart).slice(0, sentKeys);
    const updateAfter = (from: number, until: number) => t.updates.find(([at]) => at >= from && at < until)?.[0] ?? NaN;
    const applied = keydowns.map(([, handler], k) => updateAfter(handler, keydowns[k + 1]?.[1] ?? Infinity));
    const applyFromHandler = finite(applied.map((at, k) => at - keydowns[k][1]));
    const applyFromEvent = finite(applied.map((at, k) => at - keydowns[k][0]));
    const readouts = t.readouts.filter(([at]) => at >= typingStart).map(([, value]) => value);
    const ownDom = lengthTimes(t.lengths, baseTyping, sentKeys);
    const otherDom = lengthTimes(w.lengths, baseWatching, sentKeys);
    const keyToOwnDom = finite(ownDom.map((at, k) => at - (keydowns[k]?.[0] ?? NaN)));
    const propagation = finite(otherDom.map((at, k) => at - ownDom[k]));
    const keyToOtherDom = finite(otherDom.map((at, k) => at - (keydowns[k]?.[0] ?? NaN)));
    add(`local apply: keydown handler → Y.Doc update sent, p50 / p99 (ms; ${applyFromHandler.length} keys)`, pair(applyFromHandler));
    add('local apply: key event timeStamp → update sent, p50 / p99 (ms)', pair(applyFromEvent));
    add(`local apply: the app's readout (local-apply-ms), p50 / p99 (ms; ${readouts.length} distinct renders)`, pair(readouts));
    add('key event timeStamp → character in own DOM, p50 / p99 (ms)', pair(keyToOwnDom));
    add(
      `propagation: typing tab DOM → watching tab DOM, p50 / p99 (ms; ${propagation.length} keys)`,
      '',
      arrived.ok ? pair(propagation) : `${pair(propagation)} (${arrived.error})`,
    );
    add('propagation: key event timeStamp → watching tab DOM, p50 / p99 (ms)', '', pair(keyToOtherDom));
    const during = (tasks: Array<[number, number]>) => tasks.filter(([at, duration]) => at + duration >= typingStart && at <= typingEnd).map(([, d]) => d);
    const longTyping = during(t.longtasks);
    const longWatching = during(w.longtasks);
    const longest = (tasks: number[]) => (tasks.length ? fmt(Math.max(...tasks)) : t.longtaskError ? `– (${t.longtaskError})` : 'none over 50');
    add('longest main-thread task while typing (ms)', longest(longTyping), longest(longWatching));
    add('tasks over 50 ms while typing (count)', fmt(longTyping.length), fmt(longWatching.length));
    // When they ran, from the first key: a task at the start is the open settling, one every N keys a periodic cost.
    const when = (tasks: Array<[number, number]>) =>
      tasks
        .filter(([at, duration]) => at + duration >= typingStart && at <= typingEnd)
        .map(([at, duration]) => `+${fmt(at - typingStart)} (${fmt(duration)})`)
        .join(', ') || '–';
    add('tasks over 50 ms while typing: ms after the first key (duration)', when(t.longtasks), when(w.longtasks));
    summary.push(
      `local apply p50/p99 ${pair(applyFromHandler)} ms (app readout ${pair(readouts)})`,
      `longest task ${longest(longTyping)} / ${longest(longWatching)} ms (typing/watching), ${longTyping.length} / ${longWatching.length} over 50 ms`,
      `propagation p50/p99 ${pair(propagation)} ms`,
    );

    // 5. Replace all, and undo it.
    report.progress(`${fmt(size)} paragraphs: select all, type a letter, undo`);
    await replaceAllAndUndo(typing, watching, add, summary);

    // 6. Paste.
    report.progress(`${fmt(size)} paragraphs: pasting ${fmt(PASTE_LINES)} lines`);
    const limitsBefore = await relayLimitsHit(baseUrl);
    const text = pasteText();
    // The last line and the last of the lines before it: a paste may arrive in any order
    // (Concord sends its ends first, then the middle in pieces), so "all of it" is the later of the two.
    const watchBoth = `__bench.watchText(${JSON.stringify(MARK.pasteLast)}, 'paste'); __bench.watchText(${JSON.stringify(`p${PASTE_LINES - 1} `)}, 'pasteMiddle')`;
    await inPage(typing.page, `__bench.watchSaveState(); ${watchBoth}`);
    await inPage(watching.page, watchBoth);
    const closesBefore = t.closes.length;
    const bigSendsBefore = t.bigSends.length;
    const pasteStartedNode = Date.now();
    const pasted = await within(
      typing.page.evaluate(([body, marker]) => (window as unknown as { __bench: { paste(a: string, b: string): { start: number; end: number; handled: boolean } } }).__bench.paste(body, marker), [text, MARK.middle] as const),
      PASTE_TIMEOUT_MS,
      'paste event',
    );
    let pasteStart = NaN;
    if (pasted.ok) {
      pasteStart = pasted.value.start;
      add(
        `paste: ${fmt(PASTE_LINES)} lines, ${mib(Buffer.byteLength(text))} MiB: paste handler ran (ms)`,
        `${fmt(pasted.value.end - pasted.value.start)}${pasted.value.handled ? '' : ' (not handled by the editor!)'}`,
      );
    } else {
      add(`paste: ${fmt(PASTE_LINES)} lines: paste handler`, `did not return (${pasted.error})`);
    }
    // Wait (from the paste) for: its last line in each tab, and the typing tab saved again.
    const deadline = pasteStartedNode + PASTE_TIMEOUT_MS;
    const final: { t: BenchPage | null; w: BenchPage | null } = { t: null, w: null };
    let savedAt = NaN;
    while (Date.now() < deadline) {
      const [a, b] = await Promise.all([readBench(typing.page, Math.max(1_000, deadline - Date.now())), readBench(watching.page, 5_000)]);
      if (a.ok) final.t = a.value;
      if (b.ok) final.w = b.value;
      const saved = final.t?.saveStates.find(([at, state], i, all) => at >= pasteStart && state === 'saved' && all.slice(0, i).some(([, s]) => s === 'saving'));
      if (saved) savedAt = saved[0];
      if (allPasted(final.t) && allPasted(final.w) && Number.isFinite(savedAt)) break;
      if (typing.crashedAt !== undefined) break; // nothing more will come from it
      await sleep(250);
    }
    const never =
      typing.crashedAt !== undefined
        ? `never (the typing tab crashed ${fmt((typing.crashedAt - pasteStartedNode) / 1000, 1)} s after the paste began)`
        : `never (timeout ${fmt(PASTE_TIMEOUT_MS / 1000)} s)`;
    const since = (at: number | undefined) => (at !== undefined && Number.isFinite(at) && Number.isFinite(pasteStart) ? at - pasteStart : NaN);
    const cell = (at: number | undefined) => (Number.isFinite(since(at)) ? fmt(since(at)) : never);
    const inline = (at: number | undefined) => (Number.isFinite(since(at)) ? `${fmt(since(at))} ms` : never);
    add('paste → all its lines in the DOM (ms)', cell(allPasted(final.t)), cell(allPasted(final.w)));
    add('paste → typing tab shows saved (ms)', cell(savedAt));
    const pasteTasks = (tasks: Array<[number, number]> | undefined) =>
      Number.isFinite(pasteStart) ? (tasks ?? []).filter(([at, duration]) => at + duration >= pasteStart).map(([, d]) => d) : [];
    const unknown = typing.crashedAt !== undefined ? '– (the typing tab crashed)' : !Number.isFinite(pasteStart) ? '– (no paste)' : null;
    const pasteLongest = (tasks: number[]) => unknown ?? (tasks.length ? `${fmt(Math.max(...tasks))} (${tasks.length} over 50 ms)` : 'none over 50');
    add('paste: longest main-thread task after the paste (ms)', pasteLongest(pasteTasks(final.t?.longtasks)), pasteLongest(pasteTasks(final.w?.longtasks)));
    const closes = (final.t?.closes ?? []).slice(closesBefore).map(([, code]) => code);
    const bigSends = (final.t?.bigSends ?? []).slice(bigSendsBefore);
    const codes = [...new Set(closes)].map((code) => `${code} ×${closes.filter((c) => c === code).length}`).join(', ');
    add(
      'paste: typing tab frames over 64 KiB sent / socket closes since',
      unknown ?? `${bigSends.length} (largest ${bigSends.length ? mib(Math.max(...bigSends.map((s) => s[3]))) + ' MiB' : '–'}) / ${closes.length ? codes : 'none'}`,
    );
    const limitsAfter = await relayLimitsHit(baseUrl);
    const hits = Object.entries(limitsAfter)
      .map(([limit, n]) => [limit, n - (limitsBefore[limit] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([limit, n]) => `${limit} ×${n}`);
    add('paste: relay limits hit (concord_limits_hit_total)', hits.join(', ') || 'none');
    summary.push(`paste → own DOM ${inline(allPasted(final.t))}, → watching tab ${inline(allPasted(final.w))}, → saved ${inline(savedAt)}`);
  } catch (error) {
    const crashed = tabs.filter((tab) => tab.crashedAt !== undefined).length ? ' (a tab crashed)' : '';
    add('stopped', (error as Error).message.split('\n')[0] + crashed);
    summary.push(`stopped: ${(error as Error).message.split('\n')[0]}${crashed}`);
  } finally {
    for (const tab of tabs) await within(tab.page.context().close(), 30_000, 'closing');
  }
  return { rows, summary: `big-document ${fmt(size)} ¶: ${summary.join(' · ')}` };
}

// ---------------------------------------------------------------- entry

/** The relay the pages talk to: its own process (default), or this one (RELAY=in-process). */
async function startRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const staticDir: Record<string, string> = process.env.STATIC_DIR ? { STATIC_DIR: process.env.STATIC_DIR } : {};
  if (process.env.RELAY === 'in-process') {
    const dataDir = mkdtempSync(join(tmpdir(), 'concord-big-document-'));
    const concord = await startConcord(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error', ...staticDir }));
    return {
      url: concord.url,
      async close() {
        await concord.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const relay = await startRelayProcess({ env: { LOG_LEVEL: 'error', ...staticDir }, removeDataOnStop: true });
  return { url: relay.url, close: () => relay.stop() };
}

export async function benchBigDocument(): Promise<void> {
  const concord = await startRelay();
  const browser = await chromium.launch({ executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS });
  const summaries: string[] = [];
  try {
    for (const size of SIZES) {
      await waitForQuiet(30_000);
      const loadBefore = loadavg();
      const started = performance.now();
      const result = await benchSize(browser, concord.url, size);
      report.section(
        `Big document: ${fmt(size)} paragraphs`,
        `Two fresh browser contexts on one document of ${fmt(size)} paragraphs (~90 characters each), relay at its default limits, ${process.env.RELAY === 'in-process' ? 'in the benchmark\'s process' : 'in its own process'}. ` +
          `${KEYSTROKES} keystrokes ~${TYPING_INTERVAL_MS} ms apart in the middle paragraph, then a ${fmt(PASTE_LINES)}-line plain-text paste. ` +
          `Load average before ${loadBefore.map((n) => n.toFixed(1)).join(' ')}, after ${loadavg().map((n) => n.toFixed(1)).join(' ')}; took ${fmt((performance.now() - started) / 1000)} s.`,
      );
      report.table(['figure', 'typing tab', 'watching tab'], result.rows);
      report.note(result.summary);
      summaries.push(result.summary);
    }
    if (summaries.length > 1) report.note(`\n${summaries.join('\n')}`);
  } finally {
    await browser.close();
    await concord.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(machineLine());
  await benchBigDocument();
  process.exit(0);
}
