/**
 * What a tab allocates on a big document: the JavaScript heap after the open
 * (and after a full collection), the bytes allocated while opening, and the
 * bytes allocated per keystroke typed in the middle paragraph, each by the
 * functions that allocated them (Chrome's sampling heap profiler, objects the
 * collector already freed included). Garbage is what the collector later
 * pauses typing for, so this is where to look when tasks over 50 ms show up
 * in `npm run bench -- big-document` as "(garbage collector)".
 *
 *   npm run build && npx tsx bench/pageAllocation.ts
 *   SIZE=10000 KEYS=50 STATIC_DIR=/tmp/unminified-build npx tsx bench/pageAllocation.ts
 *
 * An unminified build (`npx vite build --minify false --outDir …`) gives
 * readable function names. Not part of `npm run bench`: a tool.
 */
import type { CDPSession } from '@playwright/test';
import { bigDocumentLab } from './lib/bigDocumentLab';

const SIZE = Number(process.env.SIZE ?? 10_000);
const KEYS = Number(process.env.KEYS ?? 50);
const TOP = Number(process.env.TOP ?? 20);

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

async function startSampling(cdp: CDPSession): Promise<void> {
  await cdp.send('HeapProfiler.enable');
  // Objects already collected count too: they are the garbage.
  await cdp.send('HeapProfiler.startSampling', {
    samplingInterval: 8192,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  } as never);
}

/** Stops sampling and prints bytes (divided by `per`) by allocating function: self, then inclusive. */
async function stopSampling(cdp: CDPSession, title: string, per: number, unit: string): Promise<void> {
  const { profile } = (await cdp.send('HeapProfiler.stopSampling')) as unknown as { profile: { head: SamplingNode } };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let all = 0;
  const walk = (node: SamplingNode, stack: Set<string>) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + node.selfSize);
    all += node.selfSize;
    const inner = new Set(stack).add(key);
    for (const frame of inner) inclusive.set(frame, (inclusive.get(frame) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child, inner);
  };
  walk(profile.head, new Set());
  const show = (bytes: number) => (bytes / per / 1024).toFixed(1).padStart(9);
  console.log(`\n## ${title}: ${show(all).trim()} ${unit}`);
  console.log(`by function (self), ${unit}:`);
  for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${show(bytes)}  ${key}`);
  console.log(`by function (inclusive), ${unit}:`);
  for (const [key, bytes] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP * 2)) console.log(`${show(bytes)}  ${key}`);
}

const { url: concordUrl, browser, room, close } = await bigDocumentLab('allocation', SIZE);
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const blocks = page.locator('[data-slate-editor] [data-block-type]');

  await startSampling(cdp);
  await page.goto(`${concordUrl}/d/${room}`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-slate-editor] [data-block-type]').length >= n, SIZE, { timeout: 60_000, polling: 50 });
  const opened = await cdp.send('Runtime.getHeapUsage');
  await stopSampling(cdp, `opening ${SIZE.toLocaleString('en')} paragraphs allocated`, 1024, 'MiB');
  await page.waitForTimeout(2_000);
  await cdp.send('HeapProfiler.collectGarbage');
  const collected = await cdp.send('Runtime.getHeapUsage');
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(`\nheap after the open: used ${mib(opened.usedSize)} MiB of ${mib(opened.totalSize)}; after a full collection ${mib(collected.usedSize)} of ${mib(collected.totalSize)}`);

  const middle = blocks.nth(Math.floor(SIZE / 2));
  await middle.scrollIntoViewIfNeeded();
  await middle.click();
  await page.waitForTimeout(1_000);
  await cdp.send('HeapProfiler.collectGarbage');
  await startSampling(cdp);
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.press(String.fromCharCode(97 + (i % 26)));
    await page.waitForTimeout(60);
  }
  await page.waitForTimeout(500);
  await stopSampling(cdp, `typing ${KEYS} keys allocated per keystroke`, KEYS, 'KiB');
  await context.close();
} finally {
  await close();
}
