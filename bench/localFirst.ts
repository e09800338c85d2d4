/**
 * Issue 4's figures, in a real browser:
 *  1. Reload with the relay down: time from navigation start until a ~100 kB
 *     document is on screen, read from this browser's IndexedDB.
 *  2. Local apply vs saved ack per keystroke, at 0 ms and at 500 ms injected
 *     one-way delay (the page's own readout: input → applied locally, and
 *     applied → the relay's `saved`). The ratio saved/local is the point:
 *     local writes do not wait for the network.
 *
 *   npm run bench -- local-first     (needs a built app: npm run build)
 */
import { chromium, type Page } from '@playwright/test';
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CHROMIUM_ARGS, findChromium } from '../e2e/support/browser';

const BLOCKS = 1_000;
const LINE = 'The chapter says every leader accepts writes locally and replicates them asynchronously. ';

async function startRelay(dataDir: string): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /:(\d+)\//.exec(out);
      if (match) resolve(Number(match[1]));
    });
  });
  return { port, stop: () => child.kill('SIGKILL') };
}

async function writeBigDocument(port: number, room: string): Promise<number> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/ws`, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  const body = Array.from({ length: BLOCKS }, (_, i) => ({ type: 'paragraph', children: [{ text: `${i} ${LINE}` }] }));
  (doc.get('content', Y.XmlText) as Y.XmlText).applyDelta(slateNodesToInsertDelta(body as Parameters<typeof slateNodesToInsertDelta>[0]), { sanitize: false });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const bytes = Y.encodeStateAsUpdate(doc).byteLength;
  provider.destroy();
  return bytes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

async function keystrokeTimings(page: Page, count: number): Promise<{ local: number[]; saved: number[] }> {
  const local: number[] = [];
  const saved: number[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.type('x');
    await page.waitForSelector('[data-testid=save-status][data-state=saved]');
    const read = async (id: string) => Number((await page.getByTestId(id).textContent())!.replace(/[^\d.]/g, ''));
    local.push(await read('local-apply-ms'));
    saved.push(await read('saved-ms'));
  }
  return { local, saved };
}

export async function benchLocalFirst(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'concord-local-first-'));
  let relay = await startRelay(dataDir);
  const browser = await chromium.launch({ executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS });
  try {
    const room = `local-first-${Date.now().toString(36)}`;
    const bytes = await writeBigDocument(relay.port, room);
    const page = await (await browser.newContext()).newPage();
    const url = `http://127.0.0.1:${relay.port}/d/${room}`;
    await page.goto(url);
    await page.waitForFunction((n) => document.querySelectorAll('[data-block-type]').length >= n, BLOCKS);
    await page.evaluate(() => navigator.serviceWorker.ready); // the app itself is cached for offline reloads
    await page.waitForTimeout(1_000); // let y-indexeddb finish writing
    relay.stop();
    const loads: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.reload();
      await page.waitForFunction((n) => document.querySelectorAll('[data-block-type]').length >= n, BLOCKS, { polling: 'raf' });
      loads.push(await page.evaluate(() => performance.now()));
    }
    console.log(`\nReload with the relay down: a ${(bytes / 1024).toFixed(0)} kB document (${BLOCKS} blocks) from IndexedDB`);
    console.table({ 'navigation → all blocks shown (ms)': { median: median(loads).toFixed(0), min: Math.min(...loads).toFixed(0), max: Math.max(...loads).toFixed(0) } });

    relay = await startRelay(dataDir);
    const typing = await (await browser.newContext()).newPage();
    await typing.goto(`http://127.0.0.1:${relay.port}/d/${room}-typing`);
    await typing.waitForSelector('[data-slate-editor]');
    await typing.click('[data-slate-editor]');
    const rows: Record<string, Record<string, string>> = {};
    for (const delay of [0, 500]) {
      await typing.getByTestId('delay').fill(String(delay));
      await typing.click('[data-slate-editor]'); // the slider had the focus
      const { local, saved } = await keystrokeTimings(typing, 15);
      rows[`${delay} ms one-way delay`] = {
        'local apply median (ms)': median(local).toFixed(1),
        'local apply p90 (ms)': p90(local).toFixed(1),
        'saved ack median (ms)': median(saved).toFixed(0),
        'saved ack p90 (ms)': p90(saved).toFixed(0),
        'saved / local': (median(saved) / median(local)).toFixed(0) + '×',
      };
    }
    console.log('\nPer keystroke (15 each): input → applied locally, and applied → relay `saved`');
    console.table(rows);
  } finally {
    await browser.close();
    relay.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLocalFirst();
