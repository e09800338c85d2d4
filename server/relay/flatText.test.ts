/**
 * flatText.ts: text a room merged from many edits is held as flat strings, not
 * as a tree of V8 cons strings (32 bytes per merged edit). Cons strings are not
 * visible from JavaScript, so each case runs in a small child process that
 * counts them in a heap snapshot of itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'concord-flat-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flatText = fileURLToPath(new URL('./flatText.ts', import.meta.url));
const updateScan = fileURLToPath(new URL('./updateScan.ts', import.meta.url));
/** The ES module build of yjs, the one flatText.ts imports (one Yjs instance in the child, so instanceof holds). */
const yjs = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('yjs/package.json')), 'dist', 'yjs.mjs')).href;

/** Cons strings in a child process whose document received 2,000 typed characters, applied `how` ('nothing': the same text in one insert, the baseline). */
function consStringsAfter(how: 'nothing' | 'merged' | 'merged+flattenAll' | 'one by one' | 'one by one+flattenAdded'): number {
  const script = join(dir, `case-${how.replace(/\W/g, '-')}.mts`);
  writeFileSync(
    script,
    `
import { readFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import * as Y from ${JSON.stringify(yjs)};
import { flattenAddedText, flattenAllText } from ${JSON.stringify(flatText)};
import { scanUpdate } from ${JSON.stringify(updateScan)};
const how = ${JSON.stringify(how)};
function typed(): Uint8Array[] {
  const typist = new Y.Doc(); // its own text is merged too: it must be garbage before the snapshot
  const updates: Uint8Array[] = [];
  typist.on('update', (u: Uint8Array) => updates.push(u));
  const text = typist.getText('t');
  for (let i = 0; i < 2000; i++) text.insert(i, String.fromCharCode(97 + (i % 26)));
  typist.destroy();
  return updates;
}
const updates = typed();
const room = new Y.Doc();
if (how === 'nothing') {
  room.getText('t').insert(0, 'x'.repeat(2000));
} else if (how.startsWith('merged')) {
  Y.applyUpdate(room, Y.mergeUpdates(updates));
  if (how.endsWith('flattenAll')) flattenAllText(room.store);
} else {
  for (const update of updates) {
    Y.applyUpdate(room, update);
    if (how.endsWith('flattenAdded')) flattenAddedText(room.store, scanUpdate(update, Infinity));
  }
}
const file = writeHeapSnapshot(${JSON.stringify(join(dir, 'snapshot'))} + '-' + process.pid + '.heapsnapshot');
const data = JSON.parse(readFileSync(file, 'utf8'));
const width = data.snapshot.meta.node_fields.length;
const cons = data.snapshot.meta.node_types[0].indexOf('concatenated string');
let n = 0;
for (let i = 0; i < data.nodes.length; i += width) if (data.nodes[i] === cons) n++;
if (room.getText('t').length !== 2000) throw new Error('the room lost text');
console.log(n);
`,
  );
  const out = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
  return Number(out.trim().split('\n').at(-1));
}

describe('flat text', () => {
  it('F1: 2,000 typed characters applied as one merged update leave hundreds of cons strings; flattenAllText leaves (almost) none', () => {
    const baseline = consStringsAfter('nothing');
    const before = consStringsAfter('merged') - baseline;
    const after = consStringsAfter('merged+flattenAll') - baseline;
    expect(before).toBeGreaterThan(500);
    expect(after).toBeLessThan(before / 10);
  }, 60_000);

  it('F2: applied one edit at a time (as a room does), flattenAddedText after each keeps the text flat', () => {
    const baseline = consStringsAfter('nothing');
    const before = consStringsAfter('one by one') - baseline;
    const after = consStringsAfter('one by one+flattenAdded') - baseline;
    expect(before).toBeGreaterThan(500);
    expect(after).toBeLessThan(before / 10);
  }, 60_000);
});
