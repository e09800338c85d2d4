/**
 * CPU profiles of browser pages in benchmarks (PROFILE_DIR=/some/dir): the
 * page's V8 profiler through the Chrome DevTools Protocol, written as
 * .cpuprofile files that Chrome's DevTools (Performance panel) opens. Build
 * the app unminified to read them (`npx vite build --minify false --outDir
 * /tmp/dist-plain`, then STATIC_DIR=/tmp/dist-plain).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

export const PROFILE_DIR = process.env.PROFILE_DIR ?? null;

/** Starts `page`'s CPU profiler (100 µs sampling); the returned function stops it and writes `<name>.cpuprofile`. */
export async function startProfiler(page: Page): Promise<(name: string) => Promise<string>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  return async (name) => {
    const { profile } = await cdp.send('Profiler.stop');
    mkdirSync(PROFILE_DIR ?? '.', { recursive: true });
    const file = join(PROFILE_DIR ?? '.', `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}

/** startProfiler when PROFILE_DIR is set; otherwise a stop that does nothing. */
export async function maybeProfile(page: Page): Promise<(name: string) => Promise<void>> {
  if (!PROFILE_DIR) return async () => {};
  const stop = await startProfiler(page);
  return async (name) => console.log(`CPU profile: ${await stop(name)}`);
}
