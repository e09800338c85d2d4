/**
 * The timeline of opening a big document, as a newcomer's tab sees it: page
 * and chunk requests, the access check, the socket, the relay's handling of
 * the handshake (join, step 1 → step 2, timed in this process), the first
 * frames, and when every block is in the DOM. RUNS fresh browser contexts in a
 * row; LATENCY=ms emulates network latency (Chrome DevTools Protocol) for a
 * network that is not loopback.
 *
 *   npm run build && npx tsx bench/openTimeline.ts
 *   SIZE=10000 RUNS=4 LATENCY=50 STATIC_DIR=/tmp/other-build npx tsx bench/openTimeline.ts
 *
 * Not part of `npm run bench`: a tool for finding where an open's time goes.
 */
import { Room } from '../server/relay/room';
import { Rooms } from '../server/relay/rooms';
import { bigDocumentLab } from './lib/bigDocumentLab';

const SIZE = Number(process.env.SIZE ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 3);
const LATENCY = process.env.LATENCY ? Number(process.env.LATENCY) : null;

let runStartedAt = 0;
const relayEvents: string[] = [];
const since = () => String(Date.now() - runStartedAt).padStart(5);

/** Times a relay method of this process (same clock as the page events). */
function timeRelay(prototype: object, name: string): void {
  const target = prototype as Record<string, (...args: unknown[]) => unknown>;
  const original = target[name];
  target[name] = function timed(this: unknown, ...args: unknown[]) {
    const start = Date.now();
    const at = since();
    const result = original.apply(this, args);
    relayEvents.push(`${at} relay ${name} took ${Date.now() - start} ms`);
    return result;
  };
}
timeRelay(Rooms.prototype, 'open');
timeRelay(Room.prototype, 'join');
timeRelay(Room.prototype, 'receiveStep1');

const { url: concordUrl, browser, room, close } = await bigDocumentLab('open', SIZE);
try {
  const totals: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    if (LATENCY !== null) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: LATENCY, downloadThroughput: -1, uploadThroughput: -1 });
    }
    const events: string[] = [];
    relayEvents.length = 0;
    runStartedAt = Date.now();
    page.on('request', (request) => events.push(`${since()} request ${request.url().replace(concordUrl, '')}`));
    page.on('requestfinished', (request) => events.push(`${since()} done    ${request.url().replace(concordUrl, '')}`));
    page.on('websocket', (socket) => {
      events.push(`${since()} socket  ${socket.url().replace(/^.*\/ws/, '/ws').replace(/\?.*/, '')}`);
      let frames = 0;
      socket.on('framereceived', (frame) => {
        if (frames++ < 4) events.push(`${since()} frame   ${frame.payload.length} B`);
      });
    });
    await page.goto(`${concordUrl}/d/${room}`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-slate-editor] [data-block-type]').length > n, SIZE, { timeout: 60_000, polling: 50 });
    const total = Date.now() - runStartedAt;
    totals.push(total);
    events.push(`${since()} every block in the DOM`);
    console.log(`--- run ${run + 1}${LATENCY !== null ? ` (latency ${LATENCY} ms)` : ''}\n${[...events, ...relayEvents].sort().join('\n')}`);
    await context.close();
  }
  const sorted = [...totals].sort((a, b) => a - b);
  console.log(`\nevery block in the DOM (ms from navigation): ${totals.join(', ')}; median ${sorted[Math.floor(sorted.length / 2)]}`);
} finally {
  await close();
}
