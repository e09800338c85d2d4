/**
 * Rules C1–C3 of docs/PROTOCOL.md:
 * C1 Tabs typing at once into one document end with identical documents.
 * C2 Every token anyone typed is present exactly once (nothing lost, nothing doubled).
 * C3 Tabs opening a new document together get one empty paragraph (the seed, once).
 */
import { expect, occurrences, test, tokens, type Actor } from './fixtures';

async function typeTokens(actor: Actor, words: string[]): Promise<void> {
  for (const [i, word] of words.entries()) {
    await actor.page.keyboard.type(`${word} `, { delay: 5 });
    if (i % 12 === 11) await actor.page.keyboard.press('Enter'); // splits blocks under the other's feet
  }
}

test('C1+C2: alice and bob type concurrently; both editors end equal with every token once', async ({ alice, bob, room }) => {
  await alice.open(room);
  await bob.open(room);
  // Bob's paragraph first, alice's below it: they type at different places in one
  // document, and every Enter of bob's inserts a block above alice's caret.
  // (Both typing inside ONE paragraph while one presses Enter is the known
  // limit of @slate-yjs/core: a split copies the tail, so characters typed into
  // the tail at that very moment stay in the first half. See README.)
  await alice.caretToEnd();
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.type('alice-was-here ');
  await expect.poll(() => bob.text()).toContain('alice-was-here');
  await bob.caretToStart();

  const aliceWords = tokens('a', 60);
  const bobWords = tokens('b', 60);
  await Promise.all([typeTokens(alice, aliceWords), typeTokens(bob, bobWords)]);

  await alice.waitSaved();
  await bob.waitSaved();
  await expect.poll(async () => JSON.stringify(await alice.document()) === JSON.stringify(await bob.document())).toBe(true);

  const text = await alice.text();
  for (const word of [...aliceWords, ...bobWords, 'alice-was-here']) {
    expect(occurrences(text, word), `token ${word} in:\n${text}`).toBe(1);
  }
  // Each user's words stay in their own order: a caret that jumped would scramble them.
  const order = (prefix: string) => text.split(/\s+/).filter((w) => w.startsWith(prefix) && /\d{3}$/.test(w));
  expect(order('a')).toEqual(aliceWords);
  expect(order('b')).toEqual(bobWords);
});

test('C3: three tabs opening a new document together get one empty paragraph', async ({ alice, bob, carol, room }) => {
  await Promise.all([alice.open(room), bob.open(room), carol.open(room)]);
  for (const actor of [alice, bob, carol]) {
    expect(await actor.document()).toEqual([{ type: 'paragraph', children: [{ text: '', marks: [] }] }]);
  }
});
