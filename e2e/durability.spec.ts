/**
 * D1 What a tab shows as saved survives `kill -9` of the relay.
 * D2 After the relay restarts, tabs resync without a reload and a new tab sees everything.
 */
import { expect, test } from './fixtures';
import { startRelayProcess, type RelayProcess } from './support/relay';

let relay: RelayProcess;
test.beforeEach(async () => {
  relay = await startRelayProcess();
});
test.afterEach(async () => {
  await relay.stop();
});

test('D1+D2: the relay is SIGKILLed after both show saved; a new tab after restart sees everything', async ({ alice, bob, carol, room }) => {
  await alice.open(room, relay.url);
  await bob.open(room, relay.url);
  await alice.editor.click();
  await alice.page.keyboard.type('alice wrote this ');
  await bob.caretToEnd();
  await bob.page.keyboard.type('and bob this');
  await expect.poll(() => alice.text()).toBe('alice wrote this and bob this');
  await alice.waitSaved();
  await bob.waitSaved();
  const expected = await alice.document();

  await relay.kill();
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
  await relay.restart();
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });

  await carol.open(room, relay.url);
  await expect.poll(() => carol.document()).toEqual(expected);
});
