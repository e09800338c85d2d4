/**
 * Concord's own suite on its concurrency kit (testing/, `concord/testing`):
 * named actors `alice`, `bob` and `carol`, each its own browser context —
 * separate storage, separate sockets routed through a link the kit can cut —
 * and a name and colour of their own. They start on a blank page: specs
 * open documents themselves (on the suite's relay, or on one they started).
 */
import { test as kit, createActor, expect, occurrences, tokens, type Actor } from '../testing';

const ACTORS = {
  alice: '#d9480f',
  bob: '#1971c2',
  carol: '#2f9e44',
} as const;
type ActorName = keyof typeof ACTORS;

// The suite's one relay is playwright.config.ts' web server: the kit uses it instead of starting one per worker.
// These actors' sockets are not routed through the kit's link (routeSockets: false): no spec here cuts them
// with the kit (they use the app's own switch, or route them themselves), and routed frames each cross the
// Playwright driver, which slows typing on a loaded machine enough to change undo steps (500 ms pauses) and
// multi-megabyte frames. e2e/kit.spec.ts and the property test use the kit's own fixtures, routed.
export const test = kit
  .extend<object, { concordURL: string | undefined; routeSockets: boolean }>({
    concordURL: [process.env.CONCORD_URL ?? `http://127.0.0.1:${process.env.E2E_PORT ?? 4317}`, { scope: 'worker' }],
    routeSockets: [false, { scope: 'worker' }],
  })
  .extend<Record<ActorName, Actor>>(
    Object.fromEntries(
      (Object.keys(ACTORS) as ActorName[]).map((actor) => [
        actor,
        async (
          { browser, baseURL, routeSockets }: { browser: import('@playwright/test').Browser; baseURL?: string; routeSockets: boolean },
          use: (a: Actor) => Promise<void>,
        ) => {
          const created = await createActor(browser, { name: actor[0].toUpperCase() + actor.slice(1), color: ACTORS[actor], baseURL, routeSockets });
          await use(created);
          await created.context.close();
        },
      ]),
    ) as object,
  );

export { expect, occurrences, tokens, type Actor };
