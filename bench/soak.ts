/**
 * `npm run soak` (not part of CI): Concord's relay as a child process
 * (`node --import tsx server/main.ts`, temp DATA_DIR) and 20 stock y-websocket
 * clients (WebsocketProvider + ws, disableBc, each its own Y.Doc) making random
 * edits to the `title` Y.Text for SOAK_SECONDS (default 60): inserts of unique
 * tokens at token boundaries and deletes of their own earlier tokens, random
 * disconnects (editing offline meanwhile) and reconnects, and one `kill -9` of
 * the relay halfway, restarted on the same port and data directory.
 *
 * Beside them, SOAK_BOTS (default 10) bots (testing/bots.ts) type sentences
 * into the same document's body with presence and carets, going offline now
 * and then, through the same relay kill.
 *
 * Passes when every replica (bots' included), and a fresh client's, hold the
 * same text and the same state vector, every token inserted is present exactly
 * once unless its author deleted it (then absent), and every paragraph a bot
 * typed is in the fresh client's body. Prints the counts; exits 1 on failure.
 * SOAK_SEED replays a run's random choices (the edits' timing still varies).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { freePort } from '../e2e/support/freePort';
import { startBots, type Bot } from '../testing/bots';
import { CONTENT_ROOT } from '../src/protocol/document';
import { seededRandom } from '../testing/random';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CLIENTS = 20;
const BOTS = Number(process.env.SOAK_BOTS ?? 10);
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROOM = 'soak';
const EDIT_INTERVAL_MS: [number, number] = [40, 300];
const DISCONNECT_CHANCE_PER_EDIT = 0.01;
const OFFLINE_MS: [number, number] = [300, 3_000];
const CONVERGE_TIMEOUT_MS = 60_000;

const rand = seededRandom(SEED); // mulberry32: the kit's and the lab's generator
const between = ([low, high]: [number, number]) => low + rand() * (high - low);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


const repoRoot = fileURLToPath(new URL('..', import.meta.url));

async function startRelay(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: join(dataDir, 'no-app'), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`relay exited with ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) });
      return child;
    } catch {
      if (Date.now() > deadline) throw new Error('relay did not start');
      await sleep(50);
    }
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

// A token is `<client.n>`: delimited, so boundaries are easy to find and a
// token is never inserted inside another.
const TOKEN = /<\d+\.\d+>/g;

interface Editor {
  index: number;
  doc: Y.Doc;
  text: Y.Text;
  provider: WebsocketProvider;
  live: string[]; // own tokens inserted and not deleted
  next: number;
  offlineUntil: number;
}

const counts = { inserts: 0, deletes: 0, disconnects: 0, relayKills: 0 };
const inserted = new Set<string>();
const deleted = new Set<string>();

function makeProvider(port: number, doc: Y.Doc, connect = true): WebsocketProvider {
  return new WebsocketProvider(`ws://127.0.0.1:${port}/ws`, ROOM, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect,
  });
}

function edit(editor: Editor): void {
  const content = editor.text.toString();
  if (editor.live.length > 0 && rand() < 0.3) {
    const victim = editor.live.splice(Math.floor(rand() * editor.live.length), 1)[0];
    const at = content.indexOf(victim);
    if (at < 0) throw new Error(`client ${editor.index}: its own token ${victim} is missing from its replica`);
    editor.text.delete(at, victim.length);
    deleted.add(victim);
    counts.deletes++;
    return;
  }
  const boundaries = [0];
  for (const match of content.matchAll(TOKEN)) boundaries.push(match.index! + match[0].length);
  const token = `<${editor.index}.${editor.next++}>`;
  editor.text.insert(boundaries[Math.floor(rand() * boundaries.length)], token);
  editor.live.push(token);
  inserted.add(token);
  counts.inserts++;
}

async function runEditor(editor: Editor, until: number): Promise<void> {
  while (Date.now() < until) {
    await sleep(between(EDIT_INTERVAL_MS));
    if (Date.now() >= until) break;
    if (editor.offlineUntil && Date.now() >= editor.offlineUntil) {
      editor.offlineUntil = 0;
      editor.provider.connect();
    }
    edit(editor);
    if (!editor.offlineUntil && rand() < DISCONNECT_CHANCE_PER_EDIT) {
      editor.provider.disconnect();
      editor.offlineUntil = Date.now() + between(OFFLINE_MS);
      counts.disconnects++;
    }
  }
}

async function waitFor(check: () => string | null, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let problem = check();
  while (problem && Date.now() < deadline) {
    await sleep(100);
    problem = check();
  }
  return problem;
}

function compare(docs: Y.Doc[]): string | null {
  const text = docs[0].getText('title').toString();
  const vector = Buffer.from(Y.encodeStateVector(docs[0])).toString('base64');
  for (let i = 1; i < docs.length; i++) {
    if (docs[i].getText('title').toString() !== text) return `replica ${i}'s text differs from replica 0's`;
    if (Buffer.from(Y.encodeStateVector(docs[i])).toString('base64') !== vector) return `replica ${i}'s state vector differs from replica 0's`;
  }
  return null;
}

function checkTokens(text: string): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const match of text.matchAll(TOKEN)) seen.set(match[0], (seen.get(match[0]) ?? 0) + 1);
  const stray = text.replace(TOKEN, '');
  if (stray.length > 0) problems.push(`text outside tokens: ${JSON.stringify(stray.slice(0, 80))}`);
  for (const token of inserted) {
    const times = seen.get(token) ?? 0;
    if (deleted.has(token) ? times !== 0 : times !== 1) {
      problems.push(`${token} ${deleted.has(token) ? 'was deleted but' : 'is'} present ${times} times`);
    }
  }
  for (const token of seen.keys()) if (!inserted.has(token)) problems.push(`${token} was never inserted`);
  return problems;
}

/** The bots' paragraphs that `doc`'s body does not hold as a block of its own. */
function missingBotText(doc: Y.Doc, bots: Bot[]): string[] {
  const blocks = new Set((doc.get(CONTENT_ROOT, Y.XmlText).toDelta() as Array<{ insert: unknown }>).map((block) => String(block.insert)));
  return bots.flatMap((bot) => bot.paragraphs.filter((text) => text && !blocks.has(text)).map((text) => `${bot.name}: ${JSON.stringify(text.slice(0, 60))}`));
}

async function main(): Promise<void> {
  process.setMaxListeners((CLIENTS + BOTS) * 2 + 10); // each y-websocket provider adds a process 'exit' listener
  const startedAt = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'concord-soak-'));
  const port = await freePort();
  console.log(`soak: ${CLIENTS} clients and ${BOTS} bots × ${SECONDS} s, seed ${SEED}, relay on port ${port}, data in ${dataDir}`);
  let relay = await startRelay(port, dataDir);
  const editors: Editor[] = Array.from({ length: CLIENTS }, (_, index) => {
    const doc = new Y.Doc();
    return { index, doc, text: doc.getText('title'), provider: makeProvider(port, doc), live: [], next: 0, offlineUntil: 0 };
  });
  let failed = false;
  let bots: Bot[] = [];
  try {
    await waitFor(() => (editors.every((editor) => editor.provider.synced) ? null : 'not all synced'), 20_000);
    bots = await startBots(BOTS, { url: `http://127.0.0.1:${port}`, room: ROOM, wpm: 60, seed: SEED, offlineChance: 0.1, offlineMs: [300, 3_000] });
    const until = Date.now() + SECONDS * 1000;
    const killer = (async () => {
      await sleep((SECONDS * 1000) / 2);
      console.log(`soak: kill -9 relay (pid ${relay.pid}) at ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      relay.kill('SIGKILL');
      await exited(relay);
      counts.relayKills++;
      await sleep(1_000);
      relay = await startRelay(port, dataDir);
      console.log(`soak: relay restarted (pid ${relay.pid}) on the same port and data directory`);
    })();
    await Promise.all([...editors.map((editor) => runEditor(editor, until)), killer]);

    // Everyone back online, then wait for convergence.
    for (const editor of editors) if (!editor.provider.wsconnected && !editor.provider.shouldConnect) editor.provider.connect();
    await Promise.all(bots.map((bot) => bot.halt()));
    const docs = [...editors.map((editor) => editor.doc), ...bots.map((bot) => bot.doc)];
    const divergence = await waitFor(() => compare(docs), CONVERGE_TIMEOUT_MS);
    const fresh = new Y.Doc();
    const freshProvider = makeProvider(port, fresh);
    const freshProblem = await waitFor(
      () => (freshProvider.synced ? compare([docs[0], fresh]) : 'fresh client not synced'),
      CONVERGE_TIMEOUT_MS,
    );
    const botProblems = missingBotText(fresh, bots).map((missing) => `fresh client lacks a bot's paragraph: ${missing}`);
    freshProvider.destroy();
    const text = docs[0].getText('title').toString();
    const tokenProblems = checkTokens(text);
    const surviving = [...inserted].filter((token) => !deleted.has(token)).length;
    console.log(
      [
        `soak: clients ${CLIENTS}, duration ${((Date.now() - startedAt) / 1000).toFixed(1)} s, seed ${SEED}`,
        `      edits ${counts.inserts + counts.deletes} (inserts ${counts.inserts}, deletes ${counts.deletes})`,
        `      tokens inserted ${inserted.size}, deleted ${deleted.size}, surviving ${surviving}, present ${text.match(TOKEN)?.length ?? 0}`,
        `      disconnects ${counts.disconnects}, relay kill -9 + restart ${counts.relayKills}`,
        `      bots ${bots.length}: ${bots.reduce((sum, bot) => sum + bot.stats.characters, 0)} characters in ${bots.reduce((sum, bot) => sum + bot.paragraphs.length, 0)} paragraphs, ${bots.reduce((sum, bot) => sum + bot.stats.offlineSpells, 0)} offline spells`,
        `      final length ${text.length} characters`,
      ].join('\n'),
    );
    const problems = [divergence, freshProblem && `fresh client: ${freshProblem}`, ...tokenProblems, ...botProblems].filter(Boolean);
    if (counts.relayKills !== 1) problems.push('the relay was not killed and restarted');
    if (problems.length) {
      failed = true;
      console.error(`soak: FAILED (seed ${SEED}):\n  ${problems.slice(0, 20).join('\n  ')}`);
    } else {
      console.log(
        "soak: passed: all replicas (bots' too) and a fresh client equal (text and state vector), every surviving token exactly once, every deleted one gone, every bot paragraph there",
      );
    }
  } finally {
    for (const bot of bots) bot.stop();
    for (const editor of editors) editor.provider.destroy();
    relay.kill('SIGTERM');
    await exited(relay);
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error('soak: error:', error);
  process.exit(1);
});
