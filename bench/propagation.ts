/**
 * Remote propagation latency between two browser contexts: alice types N
 * characters one at a time; we timestamp when each one appears in alice's DOM
 * and when it appears in bob's DOM (both pages read the same clock:
 * performance.timeOrigin + performance.now()). Prints median and p99.
 *
 * Then the path of each keystroke, stage by stage (the relay runs in this
 * process, on the same clock): keydown in alice's page → alice's DOM shows the
 * character (input: the browser's and Slate's input handling) → alice's
 * socket sends the update frame (encode: Slate's onChange, @slate-yjs, Yjs,
 * y-websocket; negative when the frame left before the DOM was observed) →
 * the relay receives it (send) → the relay hands the same frame to bob's
 * socket (relay: decode, scan, apply, queue for storage, forward) → bob's page
 * gets the message (deliver: the relay corks the socket until the end of its
 * tick, so the write itself is here, then two process hops through the
 * browser) → bob's DOM shows the character (apply:
 * y-websocket, Yjs, @slate-yjs, Slate, React's render and commit) → the
 * animation frame that draws it starts in bob's page (paint: mostly the wait
 * for the next frame, up to a refresh interval). "alice's DOM → bob's DOM" is
 * encode + send + relay + deliver + apply, the figure the headline table
 * gives; "keydown → bob's frame" is every stage. Frames are matched by their
 * order among update frames on each socket, keystroke frames told apart from
 * other updates (stored carets) at the relay by their ContentString.
 *
 * Inside apply (CPU profile of bob's page, PROFILE_DIR, an unminified build):
 * Yjs decoding and integrating the update and its observers, @slate-yjs
 * turning the event into Slate operations, Slate's normalizing, then React
 * rendering the changed text and committing it, where slate-react's layout
 * effect reads the DOM selection back (Chrome's Selection.isCollapsed lays the
 * page out first). "DOM shows it" is a MutationObserver's callback: it runs
 * when the task's microtasks are done, after React's layout effects, so work
 * moved from there into the frame lowers apply without drawing the character
 * any sooner; "keydown → bob's frame" is the figure that tells.
 *
 * Last, the floor: the same socket → relay → socket → DOM path between two
 * pages that do nothing else (`floor`), what any editor's path costs at least
 * on the machine the benchmark runs on.
 *
 *   npm run bench -- propagation        (or: node --import tsx bench/propagation.ts)
 *
 * Needs a built app (npm run build) and a Chromium (see e2e/support/browser.ts).
 */
import { chromium, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { startConcord } from '../server/app';
import { Connection } from '../server/relay/connection';
import { Room } from '../server/relay/room';
import { encodeUpdate, isUpdateFrame, updateOfFrame } from '../src/protocol/codec';
import { loadConfig } from '../server/config';
import { CHROMIUM_ARGS, findChromium } from '../e2e/support/browser';
import { maybeProfile } from './lib/profiler';

const KEYSTROKES = Number(process.env.KEYSTROKES ?? 300);
const TYPING_DELAY_MS = Number(process.env.TYPING_DELAY_MS ?? 30);

async function recordLengths(page: Page): Promise<void> {
  await page.evaluate(() => {
    const editor = document.querySelector('[data-slate-editor]')!;
    // [when the DOM changed, text length then, when the animation frame after it ran (NaN until it has)]
    const samples: Array<[number, number, number]> = [];
    const keydowns: number[] = [];
    (window as unknown as { __samples: typeof samples }).__samples = samples;
    (window as unknown as { __keydowns: typeof keydowns }).__keydowns = keydowns;
    document.addEventListener('keydown', () => keydowns.push(performance.timeOrigin + performance.now()), true);
    // (No named inner functions: tsx would wrap them in a helper the page does not have.)
    new MutationObserver(() => {
      const sample: [number, number, number] = [performance.timeOrigin + performance.now(), (editor.textContent ?? '').replace(/\uFEFF/g, '').length, NaN];
      samples.push(sample);
      // The frame that draws this change: when its animation-frame callbacks run (not the frame's
      // timestamp, which can be earlier than the change when the frame began before it).
      requestAnimationFrame(() => (sample[2] = performance.timeOrigin + performance.now()));
    }).observe(editor, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

type Sample = [at: number, length: number, frameAt: number];

/** For each of `count` characters, the first DOM sample that shows it (or undefined). */
function firstSamples(samples: Sample[], from: number, count: number): Array<Sample | undefined> {
  const hits: Array<Sample | undefined> = [];
  for (let target = from + 1; target <= from + count; target++) hits.push(samples.find(([, length]) => length >= target));
  return hits;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Page script (before the app loads): the times of update frames (sync type 0, step 2) this page's sockets send and receive. */
const SOCKET_STAMPS = `(() => {
  const sent = [], received = [];
  window.__sent = sent; window.__received = received;
  const isUpdate = (bytes) => bytes.length > 1 && bytes[0] === 0 && bytes[1] === 2;
  const Native = window.WebSocket;
  const send = Native.prototype.send;
  Native.prototype.send = function (data) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (bytes && this.url.includes('/ws/') && isUpdate(bytes)) sent.push(performance.timeOrigin + performance.now());
    return send.call(this, data);
  };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes('/ws/')) return;
      this.addEventListener('message', (event) => {
        const at = performance.timeOrigin + performance.now();
        if (event.data instanceof ArrayBuffer && isUpdate(new Uint8Array(event.data))) received.push(at);
      });
    }
  };
})();`;

/** A sync update frame (type 0, step 2: a live change), what the pages count too. */
const isLiveUpdate = (frame: Uint8Array) => isUpdateFrame(frame) && frame[1] === 2;

/** True if a Yjs update inserts text (a keystroke), not only map entries such as a stored caret. */
function insertsText(update: Uint8Array): boolean {
  for (const struct of Y.decodeUpdate(update).structs) if (struct instanceof Y.Item && struct.content instanceof Y.ContentString) return true;
  return false;
}

/** Relay-side stamps (same process, same clock): per update frame from alice and to bob, in order, and which carried text. */
function stampRelay() {
  const fromAlice: Array<{ at: number; text: boolean; frame: Uint8Array }> = [];
  const toBob: Array<{ at: number; frame: Uint8Array }> = [];
  let alice: Connection | null = null;
  let bob: Connection | null = null;
  const receive = Room.prototype.receive;
  Room.prototype.receive = function (this: Room, from: Connection, frame: Uint8Array) {
    if (from === alice && isLiveUpdate(frame)) {
      const update = updateOfFrame(frame);
      fromAlice.push({ at: performance.timeOrigin + performance.now(), text: update !== null && insertsText(update), frame });
    }
    return receive.call(this, from, frame);
  };
  // A frame for one socket goes through `send`, one for several through `sendFramed` (connection.ts).
  const send = Connection.prototype.send;
  const sendFramed = Connection.prototype.sendFramed;
  const stamp = (connection: Connection, frame: Uint8Array) => {
    if (connection === bob && isLiveUpdate(frame)) toBob.push({ at: performance.timeOrigin + performance.now(), frame });
  };
  Connection.prototype.send = function (this: Connection, frame: Uint8Array) {
    stamp(this, frame);
    return send.call(this, frame);
  };
  Connection.prototype.sendFramed = function (this: Connection, frame: Uint8Array, wire: Buffer) {
    stamp(this, frame);
    return sendFramed.call(this, frame, wire);
  };
  return {
    fromAlice,
    toBob,
    /** Which relay sockets are whose: the first two to join, in order. */
    setSockets(a: Connection, b: Connection) {
      alice = a;
      bob = b;
    },
    restore() {
      Room.prototype.receive = receive;
      Connection.prototype.send = send;
      Connection.prototype.sendFramed = sendFramed;
    },
  };
}

const stats = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

export async function benchPropagation(): Promise<void> {
  const relayStamps = stampRelay();
  const dataDir = mkdtempSync(join(tmpdir(), 'concord-bench-'));
  const concord = await startConcord(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...(process.env.STATIC_DIR ? { STATIC_DIR: process.env.STATIC_DIR } : {}) }));
  const browser = await chromium.launch({ executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS });
  try {
    const room = `bench-${Date.now().toString(36)}`;
    const open = async () => {
      const page = await (await browser.newContext()).newPage();
      await page.addInitScript(SOCKET_STAMPS);
      await page.goto(`${concord.url}/d/${room}`);
      await page.waitForSelector('[data-slate-editor]');
      return page;
    };
    const alice = await open();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const bob = await open();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sockets = [...(concord.rooms.peek(room)?.connections ?? [])];
    if (sockets.length !== 2) throw new Error(`expected 2 sockets in the room, found ${sockets.length}`);
    relayStamps.setSockets(sockets[0], sockets[1]); // alice's socket joined first
    // Count from here on both sides: the pages' frames so far (handshakes, stored carets) are not matched at the relay.
    for (const p of [alice, bob]) await p.evaluate(() => ((window as unknown as { __sent: number[] }).__sent.length = (window as unknown as { __received: number[] }).__received.length = 0));
    await recordLengths(alice);
    await recordLengths(bob);
    await alice.click('[data-slate-editor]');
    // PROFILE_DIR=/some/dir: both pages' CPU profiles while typing (bench/lib/profiler.ts).
    const profilers = await Promise.all([alice, bob].map(maybeProfile));
    const text = 'abcdefghijklmnopqrstuvwxyz '.repeat(Math.ceil(KEYSTROKES / 27)).slice(0, KEYSTROKES);
    await alice.keyboard.type(text, { delay: TYPING_DELAY_MS });
    await bob.waitForFunction(
      (n) => (document.querySelector('[data-slate-editor]')!.textContent ?? '').replace(/\uFEFF/g, '').length >= n,
      KEYSTROKES,
    );
    await profilers[0]('propagation-alice');
    await profilers[1]('propagation-bob');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the last change's frame
    const samples = (page: Page) => page.evaluate(() => (window as unknown as { __samples: Sample[] }).__samples);
    const aliceShown = firstSamples(await samples(alice), 0, KEYSTROKES);
    const bobShown = firstSamples(await samples(bob), 0, KEYSTROKES);
    const sent = aliceShown.map((sample) => sample?.[0] ?? NaN);
    const seen = bobShown.map((sample) => sample?.[0] ?? NaN);
    const latencies = sent.map((t, i) => seen[i] - t).filter(Number.isFinite).sort((a, b) => a - b);
    console.log(`\nRemote propagation, alice's DOM → bob's DOM, ${latencies.length} keystrokes at ${TYPING_DELAY_MS} ms apart`);
    console.table({
      'median (ms)': percentile(latencies, 50).toFixed(1),
      'p90 (ms)': percentile(latencies, 90).toFixed(1),
      'p99 (ms)': percentile(latencies, 99).toFixed(1),
      'max (ms)': latencies.at(-1)!.toFixed(1),
    });

    // The path, stage by stage, for keystrokes that can be followed through every stamp.
    type Stamps = Array<number>;
    const page = <T>(p: Page, name: string) => p.evaluate((n) => (window as unknown as Record<string, T>)[n], name);
    const keydowns = await page<Stamps>(alice, '__keydowns');
    const aliceSent = await page<Stamps>(alice, '__sent');
    const bobReceived = await page<Stamps>(bob, '__received');
    const stages: Record<string, number[]> = {
      input: [],
      encode: [],
      send: [],
      relay: [],
      deliver: [],
      apply: [],
      paint: [],
      "alice's DOM → bob's DOM": [],
      "keydown → bob's frame": [],
    };
    // Keystroke frames from alice, in order; each one's index among alice's sent frames and bob's received ones.
    const textFrames = relayStamps.fromAlice.map((entry, index) => ({ ...entry, index })).filter((entry) => entry.text);
    for (let k = 0; k < Math.min(textFrames.length, KEYSTROKES); k++) {
      const inAt = textFrames[k];
      const outIndex = relayStamps.toBob.findIndex((out) => out.frame === inAt.frame);
      if (outIndex < 0) continue;
      const keyAt = keydowns[k];
      const aliceDomAt = sent[k];
      const sentAt = aliceSent[inAt.index];
      const outAt = relayStamps.toBob[outIndex].at;
      const deliverAt = bobReceived[outIndex];
      const domAt = seen[k];
      const frameAt = bobShown[k]?.[2];
      if (![keyAt, aliceDomAt, sentAt, deliverAt, domAt, frameAt].every((t) => t !== undefined && Number.isFinite(t))) continue;
      stages.input.push(aliceDomAt - keyAt);
      stages.encode.push(sentAt - aliceDomAt);
      stages.send.push(inAt.at - sentAt);
      stages.relay.push(outAt - inAt.at);
      stages.deliver.push(deliverAt - outAt);
      stages.apply.push(domAt - deliverAt);
      stages.paint.push(frameAt! - domAt);
      stages["alice's DOM → bob's DOM"].push(domAt - aliceDomAt);
      stages["keydown → bob's frame"].push(frameAt! - keyAt);
    }
    console.log(
      `\nThe path of a keystroke (ms; ${stages.input.length} keystrokes followed through every stamp; pages and relay on one machine's clock). ` +
        "input: keydown → alice's DOM shows it; encode: → alice's socket sends the frame; send: → relay receives; relay: → relay sends to bob; " +
        "deliver: → bob's page gets it; apply: → bob's DOM shows it; paint: → the animation frame that draws it starts in bob's page.",
    );
    console.table(Object.fromEntries(Object.entries(stages).map(([name, values]) => {
      const s = stats(values);
      return [name, { 'p50 (ms)': s.p50?.toFixed(2), 'p99 (ms)': s.p99?.toFixed(2) }];
    })));
    relayStamps.restore();
    await floor(concord.url, browser);
  } finally {
    relayStamps.restore();
    await browser.close();
    await concord.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The floor pages' script (a string: tsx would wrap named functions in a helper the page does not have). */
const FLOOR_SCRIPT = `new Promise((resolve, reject) => {
  const now = () => performance.timeOrigin + performance.now();
  const stamps = { sent: [], received: [], shown: [], closed: null };
  const text = document.body.appendChild(document.createElement('p'));
  new MutationObserver(() => stamps.shown.push(now())).observe(text, { childList: true, characterData: true, subtree: true });
  const socket = new WebSocket('ws://' + location.host + '/ws/ROOM');
  socket.binaryType = 'arraybuffer';
  socket.onmessage = (event) => {
    const bytes = new Uint8Array(event.data);
    if (bytes[0] !== 0 || bytes[1] !== 2) return; // an update (sync step 2 as a live change)
    stamps.received.push(now());
    text.textContent += 'x';
  };
  // Alice: one frame every delay ms; resolves when all are sent.
  window.__sendAll = (frames, delay) => new Promise((done) => {
    let next = 0;
    const timer = setInterval(() => {
      stamps.sent.push(now());
      socket.send(new Uint8Array(frames[next++]));
      if (next === frames.length) {
        clearInterval(timer);
        done();
      }
    }, delay);
  });
  socket.onclose = (event) => {
    stamps.closed = event.code + ' ' + event.reason;
    reject(new Error('the socket closed: ' + stamps.closed));
  };
  window.__floor = stamps;
  socket.onopen = resolve;
})`;

/**
 * The floor of this machine: the same path (alice's socket → relay → bob's
 * socket → bob's DOM) between two pages that do nothing else. Alice's page
 * sends ready-made one-character updates on a plain WebSocket every
 * TYPING_DELAY_MS; bob's page appends a character to a paragraph when one
 * arrives. What the editor's path costs beyond this is the editor's; what this
 * costs is the browser's, the relay's and the machine's.
 */
/** Updates sent before those the floor counts: the first dozen wait for both pages' and the relay's code to warm up (10-50 ms each). */
const FLOOR_WARMUP = 20;

async function floor(relayUrl: string, browser: import('@playwright/test').Browser): Promise<void> {
  const room = `floor-${Date.now().toString(36)}`;
  const writer = new Y.Doc();
  writer.clientID = 424_242;
  const frames: number[][] = [];
  writer.on('update', (update: Uint8Array) => frames.push([...encodeUpdate(update)]));
  for (let i = 0; i < FLOOR_WARMUP + KEYSTROKES; i++) writer.getText('floor').insert(i, 'x');
  const open = async () => {
    const page = await (await browser.newContext()).newPage();
    // A document the relay serves (its health check): a page of its own origin and address, with nothing running.
    // (A page made up by Playwright at that URL counts as another address space: Chrome blocks its socket to loopback.)
    await page.goto(`${relayUrl}/healthz`);
    await page.evaluate(FLOOR_SCRIPT.replace('ROOM', room));
    return page;
  };
  const alice = await open();
  const bob = await open();
  await alice.evaluate(`window.__sendAll(${JSON.stringify(frames)}, ${TYPING_DELAY_MS})`);
  try {
    await bob.waitForFunction((n) => (window as unknown as { __floor: { shown: number[] } }).__floor.shown.length >= n, FLOOR_WARMUP + KEYSTROKES, { timeout: 30_000 });
  } catch (error) {
    const state = async (page: Page) => page.evaluate('JSON.stringify({ closed: window.__floor.closed, sent: window.__floor.sent.length, received: window.__floor.received.length })');
    throw new Error(`floor: bob did not get every update (alice ${await state(alice)}, bob ${await state(bob)})`, { cause: error });
  }
  type Stamps = { sent: number[]; received: number[]; shown: number[] };
  const sent = (await alice.evaluate(() => (window as unknown as { __floor: Stamps }).__floor)).sent;
  const { received, shown } = await bob.evaluate(() => (window as unknown as { __floor: Stamps }).__floor);
  const row = (name: string, at: number[]) => {
    const s = stats(sent.map((t, i) => at[i] - t).slice(FLOOR_WARMUP));
    return [name, { 'p50 (ms)': s.p50?.toFixed(2), 'p99 (ms)': s.p99?.toFixed(2) }];
  };
  console.log(
    `\nThe floor: ${KEYSTROKES} one-character updates (after ${FLOOR_WARMUP} not counted) between two pages that do nothing else (plain WebSocket, a paragraph), ` +
      "same relay. Compare with send + relay + deliver (→ bob's page gets it) and with alice's DOM → bob's DOM above.",
  );
  console.table(Object.fromEntries([row("alice's socket → bob's page gets it", received), row("alice's socket → bob's DOM shows it", shown)]));
  await alice.context().close();
  await bob.context().close();
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPropagation();
