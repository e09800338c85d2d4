/**
 * Deterministic, plausible text for the big-document benchmarks (bigDocument.ts,
 * openBytes.ts): words about replication, picked by an xorshift of the seed, so a
 * document of 10,000 paragraphs is the same bytes on every run.
 */
const WORDS = (
  'the replica accepts every write at once and keeps it through outages while the relay stores each update ' +
  'in its log leaders merge concurrent edits with a version vector so no keystroke is lost when two tabs ' +
  'disagree about order a classroom watches the caret move across the page as the network delay grows and ' +
  'shrinks again students compare operational transformation with a sequence CRDT on the same example'
).split(' ');

/** Deterministic, plausible text of about `length` characters. */
export function sentence(seed: number, length: number): string {
  let x = (seed * 2654435761) >>> 0 || 1;
  const words: string[] = [];
  let size = 0;
  while (size < length) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const word = WORDS[x % WORDS.length];
    words.push(word);
    size += word.length + 1;
  }
  const text = words.join(' ');
  return text[0].toUpperCase() + text.slice(1, length - 1) + '.';
}

