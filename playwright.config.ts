import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from './e2e/support/browser';
import { RELAY_NODE_FLAGS } from './server/relayNodeFlags';

// One relay for the suite, on its own port and a fresh data directory.
// Specs that kill a relay start their own (e2e/support/relay.ts).
const port = Number(process.env.E2E_PORT ?? 4317);
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'concord-e2e-'));
process.env.E2E_DATA_DIR = dataDir; // workers re-read this config: keep one directory

export default defineConfig({
  // Concord's own suite (on the concurrency kit, testing/), and the kit's example suite as a user would copy it.
  projects: [
    { name: 'e2e', testDir: 'e2e' },
    { name: 'examples', testDir: 'examples' },
  ],
  fullyParallel: true,
  workers: process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) : 2,
  retries: 0, // no retries: a flaky convergence test is a bug report
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS },
    viewport: { width: 1280, height: 720 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `node ${RELAY_NODE_FLAGS.join(' ')} --import tsx server/main.ts`,
    url: `http://127.0.0.1:${port}/healthz`,
    env: { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', STATIC_DIR: process.env.E2E_STATIC_DIR ?? 'dist' },
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
