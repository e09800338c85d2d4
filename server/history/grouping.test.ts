import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VERSION_MAX_EDITS, VERSION_MAX_SPAN_MS, VERSION_PAUSE_MS, groupEdits, type TimedEdit, type VersionDraft } from './grouping';

const bytes = (n: number) => new Uint8Array([n & 255]);
const edit = (at: number, author: number | null, quiet = false): TimedEdit => ({ update: bytes(at), at, author, quiet });

/** The versions as [authors, number of edits] pairs. */
function shape(versions: VersionDraft[]): Array<[number[], number]> {
  return versions.map((version) => [version.authors, version.edits]);
}

describe('version grouping', () => {
  it('V2: keeps one author’s keystrokes in one version, however many', () => {
    const versions: VersionDraft[] = [];
    groupEdits(versions, Array.from({ length: 500 }, (_, i) => edit(1_000 + i * 150, 7)));
    expect(shape(versions)).toEqual([[[7], 500]]);
    expect(versions[0].startedAt).toBe(1_000);
    expect(versions[0].endedAt).toBe(1_000 + 499 * 150);
  });

  it('V2: starts a version after a pause of VERSION_PAUSE_MS, and not before', () => {
    const versions: VersionDraft[] = [];
    groupEdits(versions, [edit(0, 1), edit(VERSION_PAUSE_MS - 1, 1), edit(2 * VERSION_PAUSE_MS - 1, 1)]);
    expect(shape(versions)).toEqual([
      [[1], 2],
      [[1], 1],
    ]);
  });

  it('V2: starts a version when another author edits, even without a pause (turns)', () => {
    const versions: VersionDraft[] = [];
    groupEdits(versions, [edit(0, 1), edit(100, 1), edit(200, 2), edit(300, 2), edit(400, 1)]);
    expect(shape(versions)).toEqual([
      [[1], 2],
      [[2], 2],
      [[1], 1],
    ]);
  });

  it('V2: treats tabs of one person (same author key) as one author', () => {
    const versions: VersionDraft[] = [];
    const authorKey = (client: number) => (client === 11 || client === 12 ? 'Alice' : `#${client}`);
    groupEdits(versions, [edit(0, 11), edit(100, 12), edit(200, 13)], { authorKey });
    expect(shape(versions)).toEqual([
      [[11, 12], 2],
      [[13], 1],
    ]);
  });

  it('V2: splits a steady stream at VERSION_MAX_SPAN_MS', () => {
    const versions: VersionDraft[] = [];
    const step = 1_000;
    groupEdits(versions, Array.from({ length: (2 * VERSION_MAX_SPAN_MS) / step + 1 }, (_, i) => edit(i * step, 3)));
    expect(versions.length).toBe(3);
    for (const version of versions) expect(version.endedAt - version.startedAt).toBeLessThan(VERSION_MAX_SPAN_MS);
  });

  it('V2: splits a steady stream after VERSION_MAX_EDITS edits, across calls (a compaction continues the version)', () => {
    const versions: VersionDraft[] = [];
    const stream = Array.from({ length: 2 * VERSION_MAX_EDITS + 1 }, (_, i) => edit(i * 10, 3));
    groupEdits(versions, stream.slice(0, 500));
    groupEdits(versions, stream.slice(500));
    expect(shape(versions)).toEqual([
      [[3], VERSION_MAX_EDITS],
      [[3], VERSION_MAX_EDITS],
      [[3], 1],
    ]);
  });

  it('V2: an edit of unknown author continues the current version; a quiet one (a stored caret) never starts one, counts or names an author', () => {
    const versions: VersionDraft[] = [];
    groupEdits(versions, [edit(0, 1), edit(100, null), edit(200, 2, true), edit(VERSION_PAUSE_MS * 3, 2, true), edit(VERSION_PAUSE_MS * 3 + 10, 1)]);
    // The caret moves neither extend the version nor bridge the pause after it.
    expect(shape(versions)).toEqual([
      [[1], 2],
      [[1], 1],
    ]);
    expect(versions[0].updates.length).toBe(4);
    expect(versions[0].endedAt).toBe(100);
  });

  it('V2: is streaming: grouping in two calls (a compaction in between) gives what one call gives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 2 * VERSION_PAUSE_MS }), author: fc.constantFrom(1, 2, null), quiet: fc.boolean() }), { maxLength: 60 }),
        fc.nat(),
        (steps, cut) => {
          let at = 0;
          const edits = steps.map((step) => edit((at += step.gap), step.author, step.quiet && step.author !== null));
          const once: VersionDraft[] = [];
          groupEdits(once, edits);
          const twice: VersionDraft[] = [];
          const split = edits.length === 0 ? 0 : cut % (edits.length + 1);
          groupEdits(twice, edits.slice(0, split));
          groupEdits(twice, edits.slice(split));
          expect(twice).toEqual(once);
        },
      ),
    );
  });
});
