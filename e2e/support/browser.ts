/**
 * Finding a Chromium for Playwright. Playwright's own browser download does
 * not work on our machines, so we prefer the system's (Debian `chromium`),
 * let CHROMIUM_PATH override it, and fall back to Playwright's bundled one.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(): string | null {
  const override = process.env.CHROMIUM_PATH;
  if (override) return existsSync(override) ? override : null;
  for (const path of SYSTEM_CHROMIUMS) if (existsSync(path)) return path;
  try {
    const bundled = chromium.executablePath();
    if (bundled && existsSync(bundled)) return bundled;
  } catch {
    // no bundled browser
  }
  return null;
}

/** Flags that let Chromium run headless as root on a machine with a closed network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
