/**
 * `concord/testing`: Playwright fixtures and helpers for concurrency tests
 * against Concord — the kit Concord's own end-to-end suite runs on.
 *
 *   import { test, expect, type, expectConverged } from 'concord/testing';
 *
 *   test('three people converge', async ({ actors }) => {
 *     const [alice, bob, carol] = await actors(3);
 *     await Promise.all([type(alice, 'a1 '), type(bob, 'b1 '), type(carol, 'c1 ')]);
 *     await expectConverged([alice, bob, carol], { tokens: ['a1', 'b1', 'c1'] });
 *   });
 *
 * Fixtures: `relay` (a relay of this worker on a free port with its own data
 * directory, or the one at CONCORD_URL), `room` (a fresh document id per
 * test), `actors(n)` (n named users, each in its own browser context, on the
 * test's document). docs/TESTING.md documents every helper.
 */
import { test as base, expect } from '@playwright/test';
import { Actor, ACTOR_COLOURS, ACTOR_NAMES, createActor, type CaretTarget } from './actor';
import { startRelayProcess, type RelayProcess } from './relay';

export { expect, Actor, createActor, ACTOR_NAMES, ACTOR_COLOURS, startRelayProcess };
export type { CaretTarget, RelayProcess };
export { expectConverged, countToken, divergence, lineDiff, renderDocument, tokenProblems, type ConvergeOptions } from './converge';
export { plainText, readDocument, type BlockState, type TextRun } from './documentState';
export { freePort } from './freePort';
export { NetworkLink, CUT_CLOSE_CODE, CUT_REASON } from './network';
export { SELECTION_THROTTLE_MS } from './actor';
export { seededRandom } from './random';

/** The relay the test talks to. */
export interface Relay {
  /** `http://127.0.0.1:<port>`: pages, the HTTP API, and `ws://…/ws/<room>` sockets. */
  readonly url: string;
  /** The relay's data directory; null for a relay at CONCORD_URL. */
  readonly dataDir: string | null;
  /** SIGKILL of the relay process: no flush, no goodbye (throws for a relay at CONCORD_URL). */
  kill(): Promise<void>;
  /** Starts the killed relay again, same port, same data directory. */
  restart(): Promise<void>;
}

export interface ActorsOptions {
  /** The document to open (default: the test's `room`); null opens nothing. */
  room?: string | null;
  /** Names (default Alice, Bob, Carol, …). */
  names?: string[];
}

export interface KitTestFixtures {
  relay: Relay;
  /** A document id of its own for each test. */
  room: string;
  /** `await actors(3)`: three named users, each its own browser context, each with the test's document open and connected. */
  actors: (count: number, options?: ActorsOptions) => Promise<Actor[]>;
}

export interface KitWorkerFixtures {
  /** A running relay to use instead of starting one (default: the CONCORD_URL environment variable). */
  concordURL: string | undefined;
  /** Settings for the relay this worker starts (environment variables of server/config.ts). */
  concordRelayEnv: Record<string, string>;
  /** Route every relay socket through a link the test can cut (default true; false leaves sockets untouched, and cut/heal/delay throw). */
  routeSockets: boolean;
  concordRelayProcess: RelayProcess | null;
}

export const test = base.extend<KitTestFixtures, KitWorkerFixtures>({
  concordURL: [process.env.CONCORD_URL, { scope: 'worker', option: true }],
  concordRelayEnv: [{}, { scope: 'worker', option: true }],
  routeSockets: [true, { scope: 'worker', option: true }],
  concordRelayProcess: [
    async ({ concordURL, concordRelayEnv }, use) => {
      if (concordURL) return use(null);
      const relay = await startRelayProcess({ env: concordRelayEnv, removeDataOnStop: true });
      await use(relay);
      await relay.stop();
    },
    { scope: 'worker' },
  ],
  relay: async ({ concordRelayProcess, concordURL }, use) => {
    const external = () => new Error(`concord/testing: the relay at ${concordURL} (CONCORD_URL) was not started by this run; it cannot be killed or restarted`);
    await use({
      get url() {
        return concordRelayProcess ? concordRelayProcess.url : concordURL!.replace(/\/$/, '');
      },
      dataDir: concordRelayProcess?.dataDir ?? null,
      async kill() {
        if (!concordRelayProcess) throw external();
        await concordRelayProcess.kill();
      },
      async restart() {
        if (!concordRelayProcess) throw external();
        await concordRelayProcess.restart();
      },
    });
    // A test that killed the relay and stopped early leaves it to the next test running.
    if (concordRelayProcess && !concordRelayProcess.running) await concordRelayProcess.restart();
  },
  baseURL: async ({ relay }, use) => {
    await use(relay.url);
  },
  room: async ({}, use, testInfo) => {
    const slug = testInfo.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
    await use(`${slug}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`);
  },
  actors: async ({ browser, relay, room, routeSockets }, use) => {
    const made: Actor[] = [];
    await use(async (count, options = {}) => {
      const names = options.names ?? ACTOR_NAMES;
      const created = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          createActor(browser, {
            name: names[i] ?? `User ${made.length + i + 1}`,
            color: ACTOR_COLOURS[(made.length + i) % ACTOR_COLOURS.length],
            baseURL: relay.url,
            routeSockets,
          }),
        ),
      );
      made.push(...created);
      const target = options.room === undefined ? room : options.room;
      if (target !== null) await Promise.all(created.map((actor) => actor.open(target)));
      return created;
    });
    for (const actor of made) await actor.context.close();
  },
});

const statusOf = (actor: Actor) => actor.page.getByTestId('connection-status');

async function onDocument(actor: Actor): Promise<boolean> {
  return !actor.page.isClosed() && (await statusOf(actor).count()) > 0;
}

function requireLink(actor: Actor): void {
  if (!actor.network.installed) throw new Error(`${actor.name}: sockets are not routed (routeSockets: false), so they cannot be cut or delayed`);
}

/**
 * Cuts each actor off the relay: its open sockets are closed at both ends and
 * new ones are turned away until `heal()`. Returns once each open document
 * shows offline. The actors keep editing locally.
 */
export async function cut(...actors: Actor[]): Promise<void> {
  for (const actor of actors) {
    requireLink(actor);
    actor.network.cut();
  }
  for (const actor of actors) if (await onDocument(actor)) await expect(statusOf(actor)).toHaveAttribute('data-state', 'offline');
}

/** Lets each actor reach the relay again; returns once each open document is connected (the app reconnects on its own schedule). */
export async function heal(...actors: Actor[]): Promise<void> {
  for (const actor of actors) {
    requireLink(actor);
    actor.network.heal();
  }
  for (const actor of actors) if (await onDocument(actor)) await expect(statusOf(actor)).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
}

/**
 * Splits the actors in two: `withRelay` stay connected, `cutOff` are cut.
 * Concord's tabs reach each other only through the relay (a star), so the
 * side without the relay is cut off entirely — its members do not see each
 * other either — until `heal(...cutOff)`. (Two sides that each keep writing
 * to a leader of their own: a classroom partition, see docs/TESTING.md.)
 */
export async function partition(withRelay: readonly Actor[], cutOff: readonly Actor[]): Promise<void> {
  const overlap = withRelay.filter((actor) => cutOff.includes(actor));
  if (overlap.length) throw new Error(`partition: ${overlap.map((a) => a.name).join(', ')} on both sides`);
  for (const actor of withRelay) requireLink(actor);
  await cut(...cutOff);
}

/** Delays every frame between the actor and the relay by `ms`, each way (0 removes the delay). Frames keep their order. */
export function delay(actor: Actor, ms: number): void {
  requireLink(actor);
  actor.network.setDelay(ms);
}

export interface TypeOptions {
  /** Where the caret goes first (default 'end'; null: wherever it is). */
  at?: CaretTarget | null;
  /** Milliseconds between keys (default 5). */
  keyDelay?: number;
}

/** Places the caret (waiting until the editor has taken it) and types `text`; `\n` presses Enter. */
export async function type(actor: Actor, text: string, { at = 'end', keyDelay = 5 }: TypeOptions = {}): Promise<void> {
  if (at !== null) await actor.placeCaret(at);
  await actor.page.keyboard.type(text, { delay: keyDelay });
}

/** `count` unique tokens like `a007`, for typing and then finding exactly once. */
export function tokens(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
}

/** How many times `token` appears as a whole word in `text`, words split at whitespace. */
export function occurrences(text: string, token: string): number {
  return text.split(/\s+/).filter((word) => word === token).length;
}
