/**
 * Remote propagation latency between two browser contexts: alice types N
 * characters one at a time; we timestamp when each one appears in alice's DOM
 * and when it appears in bob's DOM (both pages read the same clock:
 * performance.timeOrigin + performance.now()). Prints median and p99.
 *
 *   npm run bench -- propagation        (or: node --import tsx bench/propagation.ts)
 *
 * Needs a built app (npm run build) and a Chromium (see e2e/support/browser.ts).
 */
import { chromium, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConcord } from '../server/app';
import { loadConfig } from '../server/config';
import { CHROMIUM_ARGS, findChromium } from '../e2e/support/browser';

const KEYSTROKES = Number(process.env.KEYSTROKES ?? 300);
const TYPING_DELAY_MS = Number(process.env.TYPING_DELAY_MS ?? 30);

async function recordLengths(page: Page): Promise<void> {
  await page.evaluate(() => {
    const editor = document.querySelector('[data-slate-editor]')!;
    const samples: Array<[number, number]> = [];
    (window as unknown as { __samples: typeof samples }).__samples = samples;
    // (No named inner functions: tsx would wrap them in a helper the page does not have.)
    new MutationObserver(() =>
      samples.push([performance.timeOrigin + performance.now(), (editor.textContent ?? '').replace(/\uFEFF/g, '').length]),
    ).observe(editor, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

function firstTimes(samples: Array<[number, number]>, from: number, count: number): number[] {
  const times: number[] = [];
  for (let target = from + 1; target <= from + count; target++) {
    const hit = samples.find(([, length]) => length >= target);
    times.push(hit ? hit[0] : NaN);
  }
  return times;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function benchPropagation(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'concord-bench-'));
  const concord = await startConcord(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }));
  const browser = await chromium.launch({ executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS });
  try {
    const room = `bench-${Date.now().toString(36)}`;
    const [alice, bob] = await Promise.all(
      [0, 1].map(async () => {
        const page = await (await browser.newContext()).newPage();
        await page.goto(`${concord.url}/d/${room}`);
        await page.waitForSelector('[data-slate-editor]');
        return page;
      }),
    );
    await recordLengths(alice);
    await recordLengths(bob);
    await alice.click('[data-slate-editor]');
    const text = 'abcdefghijklmnopqrstuvwxyz '.repeat(Math.ceil(KEYSTROKES / 27)).slice(0, KEYSTROKES);
    await alice.keyboard.type(text, { delay: TYPING_DELAY_MS });
    await bob.waitForFunction(
      (n) => (document.querySelector('[data-slate-editor]')!.textContent ?? '').replace(/\uFEFF/g, '').length >= n,
      KEYSTROKES,
    );
    const samples = (page: Page) => page.evaluate(() => (window as unknown as { __samples: Array<[number, number]> }).__samples);
    const sent = firstTimes(await samples(alice), 0, KEYSTROKES);
    const seen = firstTimes(await samples(bob), 0, KEYSTROKES);
    const latencies = sent.map((t, i) => seen[i] - t).filter(Number.isFinite).sort((a, b) => a - b);
    console.log(`\nRemote propagation, alice's DOM → bob's DOM, ${latencies.length} keystrokes at ${TYPING_DELAY_MS} ms apart`);
    console.table({
      'median (ms)': percentile(latencies, 50).toFixed(1),
      'p90 (ms)': percentile(latencies, 90).toFixed(1),
      'p99 (ms)': percentile(latencies, 99).toFixed(1),
      'max (ms)': latencies.at(-1)!.toFixed(1),
    });
  } finally {
    await browser.close();
    await concord.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPropagation();
