/**
 * Rules D1 and D2 of docs/PROTOCOL.md:
 * D1 What a tab shows as saved survives `kill -9` of the relay: it is in the relay's store.
 * D2 After the relay restarts, open tabs resync without a reload, and a new tab sees everything.
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

test('D1: both tabs show saved and are closed, the relay is SIGKILLed and restarted; a new tab reads it all from the relay’s store', async ({ alice, bob, carol, room }) => {
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
  // No writer may resend anything: what carol sees can only come from the relay's disk.
  await alice.page.close();
  await bob.page.close();

  await relay.kill();
  await relay.restart();
  await carol.open(room, relay.url);
  await expect.poll(() => carol.document()).toEqual(expected);
});

test('D2: a tab left open through kill -9 and restart reconnects without a reload; its next edit reaches a new tab', async ({ alice, carol, room }) => {
  await alice.open(room, relay.url);
  await alice.editor.click();
  await alice.page.keyboard.type('before the crash');
  await alice.waitSaved();

  await relay.kill();
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
  await relay.restart();
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await alice.caretToEnd();
  await alice.page.keyboard.type(' and after it');
  await alice.waitSaved();

  await carol.open(room, relay.url);
  await expect.poll(() => carol.text()).toBe('before the crash and after it');
});
