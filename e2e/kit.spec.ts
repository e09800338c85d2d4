/**
 * The concurrency kit (testing/, `concord/testing`) checked against real
 * browsers and a relay it started itself: each test would fail if the helper
 * it names lied (a cut that does not cut, a delay that does not delay, a kill
 * that does not kill, a convergence check that passes divergent replicas).
 */
import { cut, delay, expect, expectConverged, heal, partition, test, tokens, type } from '../testing';

test('KIT1 cut: a cut actor sees nothing of a peer\'s saved edit, even while its app retries, until heal; then all converge', async ({ actors, room }) => {
  const [alice, bob, carol] = await actors(3, { room: null });
  // Counts the sockets bob's page opens, in the page itself (not through the kit's link).
  await bob.context.addInitScript(() => {
    const w = window as unknown as { WebSocket: typeof WebSocket; __opened: number };
    const Native = w.WebSocket;
    w.__opened = 0;
    w.WebSocket = class extends Native {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        w.__opened++;
      }
    };
  });
  await Promise.all([alice, bob, carol].map((actor) => actor.open(room)));
  await cut(bob);
  const opened = () => bob.page.evaluate(() => (window as unknown as { __opened: number }).__opened);
  const openedBefore = await opened();
  await type(alice, 'from-alice ');
  await alice.waitSaved();
  await expect.poll(() => carol.text()).toContain('from-alice'); // the edit went out to connected peers
  // bob's app retried twice: a socket let through would have synced, and it would not have retried again.
  await expect.poll(async () => (await opened()) - openedBefore, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  await type(bob, 'from-bob ');
  expect(await bob.text()).not.toContain('from-alice');
  expect(await alice.text()).not.toContain('from-bob');
  await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');

  await heal(bob);
  await expectConverged([alice, bob, carol], { tokens: ['from-alice', 'from-bob'] });
});

test('KIT2 partition: the side without the relay is cut off, from the relay and from each other; heal merges everything', async ({ actors }) => {
  const [alice, bob, carol] = await actors(3);
  await partition([alice], [bob, carol]);
  await type(alice, 'a-side ');
  await type(bob, 'b-side ');
  await type(carol, 'c-side ');
  await alice.waitSaved();
  await expect.poll(() => Promise.all([bob.network.stats.refused, carol.network.stats.refused]).then((r) => Math.min(...r)), { timeout: 20_000 }).toBeGreaterThan(0);
  expect(await carol.text()).not.toContain('b-side');
  expect(await bob.text()).not.toContain('a-side');
  await heal(bob, carol);
  await expectConverged([alice, bob, carol], { tokens: ['a-side', 'b-side', 'c-side'] });
});

test('KIT3 delay: with 400 ms each way, the relay\'s ack of a keystroke takes at least the round trip', async ({ actors }) => {
  const [alice] = await actors(1);
  delay(alice, 400);
  await type(alice, 'Z');
  await alice.waitSaved();
  // The app's own readout of the edit's time to `saved`; two one-way delays of 400 ms cannot be beaten.
  const savedMs = Number((await alice.page.getByTestId('saved-ms').textContent())!.replace(/[^\d.]/g, ''));
  expect(savedMs).toBeGreaterThanOrEqual(800);
  expect(alice.network.stats.framesToServer).toBeGreaterThan(0);
});

test('KIT4 kill and restart: the relay really dies (its health check fails); restarted on its data directory, a new tab reads what a closed tab had saved', async ({ actors, relay }) => {
  const [alice] = await actors(1);
  await type(alice, 'before-the-crash ');
  await alice.waitSaved();
  await alice.page.close(); // nobody may resend it: what bob sees comes from the relay's disk
  await relay.kill();
  await expect(fetch(`${relay.url}/healthz`)).rejects.toThrow();
  await relay.restart();
  expect((await fetch(`${relay.url}/healthz`)).ok).toBe(true);
  const [bob] = await actors(1, { names: ['Bob'] });
  await expect.poll(() => bob.text()).toContain('before-the-crash');
  await type(bob, 'after ');
  await expectConverged([bob], { tokens: ['before-the-crash', 'after'] });
});

test('KIT5 type places the caret: at the start, at the end, after a word, at the end of a block', async ({ actors }) => {
  const [alice, bob] = await actors(2);
  await type(alice, 'middle');
  await type(alice, 'first ', { at: 'start' });
  await type(alice, ' last', { at: 'end' });
  await type(alice, '-and', { at: { after: 'middle' } });
  await type(alice, '\nsecond line');
  await type(alice, '!', { at: { block: 0 } });
  await expectConverged([alice, bob]);
  expect(await bob.text()).toBe('first middle-and last!\nsecond line');
});

test('KIT6 expectConverged fails, with a diff, on replicas that differ, and on a token present twice', async ({ actors, room }) => {
  const [alice] = await actors(1);
  const [bob] = await actors(1, { room: `${room}-other`, names: ['Bob'] });
  await type(alice, 'same line\nalice only');
  await type(bob, 'same line\nbob only');
  const error = await expectConverged([alice, bob], { timeout: 1_000 }).then(() => null, (e: Error) => e);
  expect(error?.message).toContain('Bob differs from Alice');
  expect(error?.message).toContain('- [paragraph] alice only');
  expect(error?.message).toContain('+ [paragraph] bob only');

  const [carol] = await actors(1, { names: ['Carol'] });
  const words = tokens('t', 2);
  await type(alice, ` ${words[0]} ${words[0]} ${words[1]}`);
  const twice = await expectConverged([alice, carol], { tokens: words }).then(() => null, (e: Error) => e);
  expect(twice?.message).toContain('token "t000" appears 2 times');
  expect(twice?.message).not.toContain('"t001" appears');
});
