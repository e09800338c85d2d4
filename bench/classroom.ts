/**
 * A class of N in one document: N headless writers (stock y-websocket clients
 * with presence and a slate-yjs caret — the bots of testing/bots.ts — each typing ~4 characters a second into
 * a paragraph of its own) against two real browser tabs, one that types and
 * one that only watches. Reports, per tab, the main-thread tasks over 50 ms
 * and the longest one over the measuring window, and the typing tab's local
 * apply per keystroke (keydown → its update leaves on the WebSocket).
 *
 *   npm run build && npm run bench -- classroom        (WRITERS=30 CLASS_SECONDS=15 by default)
 *
 * A run with WRITERS=0 is the same page with nobody else typing: the peer
 * figure the others are read against.
 */
import { chromium, type Page } from '@playwright/test';
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import type { Descendant } from 'slate';
import * as Y from 'yjs';
import { CHROMIUM_ARGS, findChromium } from '../e2e/support/browser';
import { Bot } from '../testing/bots';
import { startConcord } from '../server/app';
import { loadConfig } from '../server/config';
import { PRESENCE_COLOURS } from '../src/collab/presence';
import { CONTENT_ROOT } from '../src/protocol/document';
import { QUICK, report } from './lib/report';

const WRITERS = Number(process.env.WRITERS ?? (QUICK ? 8 : 30));
const SECONDS = Number(process.env.CLASS_SECONDS ?? (QUICK ? 6 : 15));
const CHARS_PER_SECOND = 4;

/** Stamps long tasks and the keydown → update-sent time in a page (page code as a string: see bigDocument.ts). */
const INIT_SCRIPT = String.raw`(() => {
  if (window.top !== window || window.__class) return;
  const C = (window.__class = { longtasks: [], keydowns: [], sends: [] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) C.longtasks.push([performance.timeOrigin + e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  window.addEventListener('keydown', (e) => C.keydowns.push(performance.timeOrigin + e.timeStamp), true);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    send(data) {
      const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, 2) : data instanceof ArrayBuffer ? new Uint8Array(data, 0, 2) : null;
      if (bytes && bytes[0] === 0 && bytes[1] === 2) C.sends.push(performance.timeOrigin + performance.now());
      return super.send(data);
    }
  };
})()`;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
};

interface Writer {
  stop(): void;
}

/** One headless student (a bot, testing/bots.ts): types into paragraph `index + 1` and moves its caret there, like a tab would. */
async function startWriter(url: string, room: string, index: number): Promise<Writer> {
  // ~4 characters a second each (wpm counts 6 keystrokes a word), jittered so the writers do not beat in step; no pauses, no outages.
  const bot = new Bot({
    url,
    room,
    name: `Student ${index + 1}`,
    color: PRESENCE_COLOURS[index % PRESENCE_COLOURS.length],
    wpm: (CHARS_PER_SECOND * 60) / 6,
    block: index + 1,
    pauseMs: [0, 0],
    newParagraphChance: 0,
    offlineChance: 0,
    seed: index,
  });
  await bot.start();
  return bot;
}

async function openTab(browser: import('@playwright/test').Browser, url: string, room: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addInitScript(INIT_SCRIPT);
  await context.addInitScript((user) => localStorage.setItem('concord.user', user), JSON.stringify({ name, color: '#1971c2' }));
  const page = await context.newPage();
  page.on('crash', () => console.log(`  ! the ${name} tab crashed`));
  page.on('close', () => console.log(`  ! the ${name} tab closed`));
  await page.goto(`${url}/d/${room}`);
  await page.waitForSelector('[data-slate-editor]');
  await page.waitForSelector('[data-testid=connection-status][data-state=connected]');
  return page;
}

interface Figures {
  watchingOver50: number;
  watchingLongest: number;
  typingOver50: number;
  typingLongest: number;
  applyP50: number;
  applyP99: number;
  remoteCarets: number;
  /** Frames the relay received from and sent to all clients, per second of the window. */
  relayInPerSecond: number;
  relayOutPerSecond: number;
}

/** The relay's frame counters (its /metrics). */
async function relayFrames(url: string): Promise<{ in: number; out: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counter = (name: string) => Number(text.match(new RegExp(`^${name} (\\d+)`, 'm'))?.[1] ?? NaN);
  return { in: counter('concord_messages_in_total'), out: counter('concord_messages_out_total') };
}

async function classOf(browser: import('@playwright/test').Browser, url: string, writers: number): Promise<Figures> {
  const room = `class-${writers}-${Date.now().toString(36)}`;
  // The class document: a title paragraph, one paragraph per student, two for the tabs.
  const seedDoc = new Y.Doc();
  const seeder = new WebsocketProvider(`${url.replace('http', 'ws')}/ws`, room, seedDoc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  await new Promise<void>((resolve) => seeder.once('sync', () => resolve()));
  const body = seedDoc.get(CONTENT_ROOT, Y.XmlText);
  const blocks = Array.from({ length: writers + 2 }, (_, i) => ({ type: 'paragraph', children: [{ text: i < writers ? `Student ${i + 1}: ` : `Tab ${i - writers + 1}: ` }] }));
  body.applyDelta([{ retain: body.length }, ...slateNodesToInsertDelta(blocks as Descendant[])], { sanitize: false });
  await new Promise((resolve) => setTimeout(resolve, 500));
  seeder.destroy();

  const typing = await openTab(browser, url, room, 'Typist');
  const watching = await openTab(browser, url, room, 'Watcher');
  const class_ = await Promise.all(Array.from({ length: writers }, (_, i) => startWriter(url, room, i)));
  try {
    await typing.waitForTimeout(2_000); // everyone present, carets drawn
    const framesBefore = await relayFrames(url);
    const start = await typing.evaluate(() => performance.timeOrigin + performance.now());
    // The typist: a character every 150 ms at the end of its paragraph, for the window.
    const target = typing.locator('[data-slate-editor] [data-block-type]', { hasText: 'Tab 1:' });
    await target.click();
    await typing.keyboard.press('End');
    await typing.waitForTimeout(150);
    const keys = Math.floor((SECONDS * 1000) / 150);
    for (let i = 0; i < keys; i++) await typing.keyboard.type('abcdefgh '[i % 9], { delay: 0 }).then(() => typing.waitForTimeout(150));
    const end = await typing.evaluate(() => performance.timeOrigin + performance.now());
    const framesAfter = await relayFrames(url);
    const windowSeconds = (end - start) / 1000;
    const read = (page: Page) =>
      page.evaluate(() => (window as unknown as { __class: { longtasks: [number, number][]; keydowns: number[]; sends: number[] } }).__class);
    const [t, w] = await Promise.all([read(typing), read(watching)]);
    const inWindow = (tasks: [number, number][]) => tasks.filter(([at]) => at >= start && at <= end).map(([, d]) => d);
    const applies = t.keydowns
      .filter((at) => at >= start)
      .map((at) => (t.sends.find((sent) => sent >= at) ?? NaN) - at)
      .filter((ms) => Number.isFinite(ms) && ms < 1_000);
    const remoteCarets = await watching.locator('[data-testid=remote-caret]').count();
    return {
      watchingOver50: inWindow(w.longtasks).length,
      watchingLongest: Math.max(0, ...inWindow(w.longtasks)),
      typingOver50: inWindow(t.longtasks).length,
      typingLongest: Math.max(0, ...inWindow(t.longtasks)),
      applyP50: percentile(applies, 50),
      applyP99: percentile(applies, 99),
      remoteCarets,
      relayInPerSecond: (framesAfter.in - framesBefore.in) / windowSeconds,
      relayOutPerSecond: (framesAfter.out - framesBefore.out) / windowSeconds,
    };
  } finally {
    for (const writer of class_) writer.stop();
    await typing.context().close();
    await watching.context().close();
  }
}

export async function benchClassroom(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'concord-bench-classroom-'));
  const concord = await startConcord(
    loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error', ...(process.env.STATIC_DIR ? { STATIC_DIR: process.env.STATIC_DIR } : {}) }),
  );
  const browser = await chromium.launch({ executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS });
  try {
    const rows: Record<string, Figures> = {};
    for (const writers of [0, WRITERS]) {
      console.log(`  … ${writers} headless writers, ${SECONDS} s`);
      rows[`${writers} writers`] = await classOf(browser, concord.url, writers);
    }
    const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 1 : 0) : '–');
    const table = Object.entries(rows).map(([label, f]) => [
      label,
      `${f.watchingOver50} (longest ${ms(f.watchingLongest)} ms)`,
      `${f.typingOver50} (longest ${ms(f.typingLongest)} ms)`,
      `${ms(f.applyP50)} / ${ms(f.applyP99)}`,
      String(f.remoteCarets),
      `${Math.round(f.relayInPerSecond)} / ${Math.round(f.relayOutPerSecond)}`,
    ]);
    report.section(
      `Classroom: ${WRITERS} writers with carets`,
      `${WRITERS} stock y-websocket clients, each typing ~${CHARS_PER_SECOND} characters a second into its own paragraph with its caret in presence, ` +
        `against a typing tab (a key every 150 ms) and a watching tab, for ${SECONDS} s. The 0-writer row is the same pair of tabs alone.`,
    );
    report.table(['class', 'watching tab: tasks over 50 ms', 'typing tab: tasks over 50 ms', 'local apply p50 / p99 (ms)', 'carets drawn in the watching tab', 'relay frames in / out per second'], table);
  } finally {
    await browser.close();
    await concord.close();
  }
}
