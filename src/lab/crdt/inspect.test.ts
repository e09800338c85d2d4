import { describe, expect, it } from 'vitest';
import { LabRun } from '../run';
import { findScenario } from '../scenarios/registry';
import { charRows, itemCounts } from './inspect';

describe('item inspector', () => {
  it('hello-world: both runs have no left origin, so the lower clientID (Alice = 1) goes left', () => {
    const run = new LabRun(findScenario('hello-world')!);
    run.runToEnd();
    const rows = charRows(run.crdt.relay.text);
    expect(rows.map((r) => r.char).join('')).toBe('HelloWorld');
    expect(rows[0]).toEqual({ char: 'H', id: '1:0', origin: '—', rightOrigin: '—', deleted: false });
    expect(rows[1].origin).toBe('1:0'); // inside a run, each char hangs on the one before
    expect(rows[5]).toEqual({ char: 'W', id: '2:0', origin: '—', rightOrigin: '—', deleted: false });
  });

  it('insert-vs-delete: the deleted letters stay as tombstones', () => {
    const run = new LabRun(findScenario('insert-vs-delete')!);
    run.runToEnd();
    const rows = charRows(run.crdt.relay.text);
    expect(rows.filter((r) => r.deleted).map((r) => r.char).join('')).toBe('Project ');
    expect(itemCounts(run.crdt.relay.doc).tombstones).toBe(8);
  });
});
