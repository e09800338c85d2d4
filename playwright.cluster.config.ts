import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './e2e/support/browser';

// `npm run test:cluster`: several relays and a real Redis (e2e-cluster/). Not part of
// `npm test`: the default config's testDir is e2e/. Each test starts its own Redis and
// relays on free ports, so nothing is shared with other runs on this machine.
export default defineConfig({
  testDir: 'e2e-cluster',
  fullyParallel: false,
  workers: 1, // every test runs a Redis, two or three relays and up to two browsers: one at a time on 2 cores
  retries: 0, // no retries: a flaky convergence test is a bug report
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    launchOptions: { executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS },
    viewport: { width: 1280, height: 720 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
