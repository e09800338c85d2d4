/**
 * Property: replaying history to any version gives the document exactly as it
 * was then. Random sessions of three writers (formatted text, blocks added,
 * removed and retyped, attributes, the title, offline stretches whose edits
 * arrive merged) go through the real store: appended with their times and
 * authors, compacted at random points (each compaction folds the log into
 * versions), then read back and built by the page's model. At every version,
 * the body (as the editor's Slate value), the title and who wrote each
 * character equal the document right after the version's last edit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { HistoryModel, isHistoryLeaf, plainBlocks, type HistoryElement, type HistoryNode } from '../../src/common/history/model';
import { randomSession, type DocumentTruth } from '../../src/history/testing/randomSession';
import { openSqliteStorage } from '../storage/sqlite';

const ROOM = 'history-property';

function authorship(blocks: readonly HistoryElement[]): Array<Array<[number, string]>> {
  return blocks.map((block) => {
    const runs: Array<[number, string]> = [];
    const walk = (nodes: readonly HistoryNode[]) => {
      for (const node of nodes) {
        if (!isHistoryLeaf(node)) {
          walk(node.children);
          continue;
        }
        if (node.text === '') continue;
        const last = runs[runs.length - 1];
        if (last && last[0] === node.historyAuthor) last[1] += node.text;
        else runs.push([node.historyAuthor, node.text]);
      }
    };
    walk(block.children);
    return runs;
  });
}

function expectVersion(model: HistoryModel, index: number, truth: DocumentTruth, context: string): void {
  const rendered = model.render(index);
  expect(plainBlocks(rendered.blocks), `${context}: body`).toEqual(truth.blocks);
  expect(rendered.title, `${context}: title`).toBe(truth.title);
  expect(authorship(rendered.blocks), `${context}: authors`).toEqual(truth.authorship);
}

describe('history replay', () => {
  it('V1: every version equals the document right after its last edit, through random compactions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 8 }), (seed, gaps) => {
        const session = randomSession(seed, { steps: 70 });
        const storage = openSqliteStorage(':memory:');
        try {
          const replica = new Y.Doc();
          let gap = 0;
          let untilCompaction = gaps[0] ?? Number.POSITIVE_INFINITY;
          session.writers.forEach((client, i) => {
            // One writer never shows presence: its edits still group and attribute by client id.
            if (i !== 1) storage.history.recordAuthor(ROOM, client, { name: `Writer ${i}`, color: `#00000${i}` });
          });
          for (const entry of session.entries) {
            storage.append([{ room: ROOM, update: entry.update, at: entry.at, author: entry.author, quiet: entry.quiet }]);
            Y.applyUpdate(replica, entry.update);
            if (--untilCompaction === 0) {
              storage.compact(ROOM, Y.encodeStateAsUpdate(replica));
              untilCompaction = gaps[++gap] ?? Number.POSITIVE_INFINITY;
            }
          }
          const history = storage.history.read(ROOM)!;
          expect(history.firstVersion).toBe(1);
          const model = HistoryModel.build(history.base, history.versions.map((version) => version.update));
          expect(model.lastIndex).toBe(history.versions.length);
          // The base is the relay's seed: entry 0.
          expectVersion(model, 0, session.truth[0], `seed ${seed}, base`);
          // A version ends with its last visible edit (each step of the session has its own time).
          let edits = 0;
          history.versions.forEach((version, i) => {
            expect(version.n).toBe(i + 1);
            edits += version.edits;
            const last = session.entries.findLastIndex((entry) => entry.at === version.endedAt && !entry.quiet);
            expectVersion(model, i + 1, session.truth[last], `seed ${seed}, version ${version.n}`);
          });
          expect(edits).toBe(session.entries.filter((entry, i) => i > 0 && !entry.quiet).length);
          // Stored carets (quiet updates) are kept as collected structs: never a version, never an author.
          for (const version of history.versions) expect(version.edits).toBeGreaterThan(0);
          // Any two versions: the changes view shows the later one plus what was removed since the earlier.
          const last = model.lastIndex;
          if (last >= 2) {
            const compared = model.render(last, 1);
            const added = plainBlocks(removeChanged(compared.blocks, 'removed'));
            expect(added).toEqual(plainBlocks(model.render(last).blocks));
          }
        } finally {
          storage.close();
        }
      }),
      { numRuns: Number(process.env.HISTORY_RUNS ?? 40) },
    );
  }, 600_000);
});

/** The rendering without what `change` marks (blocks and leaves). */
function removeChanged(nodes: readonly HistoryNode[], change: 'added' | 'removed'): HistoryElement[] {
  const keep = (list: readonly HistoryNode[]): HistoryNode[] =>
    list.filter((node) => node.historyChange !== change).map((node) => (isHistoryLeaf(node) ? node : { ...node, children: keep(node.children) }));
  return keep(nodes) as HistoryElement[];
}
