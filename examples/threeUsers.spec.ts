// Three people type into one Concord document at once, one of them offline for a while;
// everyone ends with the same document and every word exactly once. Copy this file into
// your own Playwright suite: `concord/testing` starts a relay for you (or set CONCORD_URL).
import { cut, expectConverged, heal, test, tokens, type } from 'concord/testing';

test('three users typing at once converge, one of them after an outage', async ({ actors }) => {
  const [alice, bob, carol] = await actors(3);
  const words = { alice: tokens('a', 8), bob: tokens('b', 8), carol: tokens('c', 8) };

  // A first line, so that no one presses Enter at the very spot where another starts typing at the
  // same instant: that race is a known bug (docs/TESTING.md, "Races that found a bug").
  await type(alice, 'Minutes\n');
  await expectConverged([alice, bob, carol], { tokens: ['Minutes'] });
  await cut(carol); // carol's sockets really close; she keeps typing locally
  await Promise.all([
    type(alice, `${words.alice.join(' ')} `),
    type(bob, `\n${words.bob.join(' ')} `, { at: 'start' }),
    type(carol, `\n${words.carol.join(' ')} `),
  ]);
  await heal(carol);

  await expectConverged([alice, bob, carol], { tokens: ['Minutes', ...words.alice, ...words.bob, ...words.carol] });
});
