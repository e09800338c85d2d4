/**
 * For the tools that look inside a big document's page (openTimeline.ts,
 * pageAllocation.ts): a relay in this process on a fresh data directory
 * (STATIC_DIR picks the build it serves), Chromium, and a room holding `size`
 * paragraphs written as bigDocument.ts writes them.
 */
import { chromium, type Browser } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConcord } from '../../server/app';
import { loadConfig } from '../../server/config';
import { CHROMIUM_ARGS, findChromium } from '../../e2e/support/browser';
import { seedDocument } from '../bigDocument';

export interface BigDocumentLab {
  /** The relay's http origin. */
  url: string;
  browser: Browser;
  room: string;
  close(): Promise<void>;
}

export async function bigDocumentLab(prefix: string, size: number): Promise<BigDocumentLab> {
  const dataDir = mkdtempSync(join(tmpdir(), `concord-${prefix}-`));
  const concord = await startConcord(
    loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...(process.env.STATIC_DIR ? { STATIC_DIR: process.env.STATIC_DIR } : {}) }),
  );
  const browser = await chromium.launch({ executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS });
  const close = async () => {
    await browser.close();
    await concord.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const room = `${prefix}-${Date.now().toString(36)}`;
    await seedDocument(concord.url.replace(/^http/, 'ws') + '/ws', room, size);
    return { url: concord.url, browser, room, close };
  } catch (error) {
    await close();
    throw error;
  }
}
