import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStorage } from './sqlite';
import { StorageBusy } from './storage';
import { describeStorageContract, docFromStored } from './storage.contract';

describeStorageContract('sqlite', openSqliteStorage);

const BATCH = 50;

/**
 * Runs a child process that writes batches of BATCH one-character updates to a
 * store as fast as it can (`writeBatch`: the statements writing `pending`),
 * kills it with SIGKILL after 20 batches, and returns what the store then
 * loads. The writer never stops, so the kill lands wherever it is in the next ones.
 */
async function storedAfterKill(writeBatch: string) {
  const dir = mkdtempSync(join(tmpdir(), 'concord-crash-'));
  const file = join(dir, 'concord.sqlite');
  try {
    const writer = `
      import { openSqliteStorage } from ${JSON.stringify(join(import.meta.dirname, 'sqlite.ts'))};
      import * as Y from 'yjs';
      const storage = openSqliteStorage(${JSON.stringify(file)});
      const doc = new Y.Doc();
      const pending = [];
      doc.on('update', (update) => pending.push({ room: 'crash', update }));
      const text = doc.getText('title');
      let batches = 0;
      for (;;) {
        for (let i = 0; i < ${BATCH}; i++) text.insert(text.length, 'x');
        ${writeBatch}
        if (++batches === 20) process.stdout.write('ready\\n');
      }
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writer], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const storage = openSqliteStorage(file);
    const stored = storage.load('crash');
    storage.close();
    return stored;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whole batches only, at least the 20 written before the kill, and they load into the text written. */
function expectWholeBatches(stored: Awaited<ReturnType<typeof storedAfterKill>>): void {
  expect(stored.updates.length).toBeGreaterThanOrEqual(20 * BATCH);
  expect(stored.updates.length % BATCH).toBe(0);
  expect(docFromStored(stored).getText('title').length).toBe(stored.updates.length);
}

/**
 * S5 under a real crash: a child process appends batches of BATCH updates as
 * fast as it can and is killed with SIGKILL mid-stream. The store must open,
 * load, and hold only whole batches.
 */
it('S5: kill -9 during a stream of batches leaves a loadable store of whole batches', async () => {
  expectWholeBatches(await storedAfterKill('storage.append(pending.splice(0));'));
});

/**
 * S6, the relay's own path (server/relay/writeBatcher.ts): each batch is
 * committed with appendUnsynced, then fsynced with sync before it counts as
 * acked. Killed mid-stream, the store opens and holds whole batches, at least
 * every one whose sync had called back.
 */
it('S6: kill -9 during appendUnsynced + sync batches leaves a loadable store with every synced batch, whole', async () => {
  expectWholeBatches(
    await storedAfterKill(`storage.appendUnsynced(pending.splice(0));
        await new Promise((resolve, reject) => storage.sync((error) => (error ? reject(error) : resolve())));`),
  );
});

/**
 * S7: while another connection holds the write lock (the storage thread
 * writing a compaction), appendUnsynced refuses at once with StorageBusy and
 * writes nothing, instead of sleeping in SQLite's busy handler on the relay's
 * event loop; once the lock is released, the same entries commit.
 */
it('S7: appendUnsynced throws StorageBusy at once while another connection writes, and commits after', () => {
  const dir = mkdtempSync(join(tmpdir(), 'concord-busy-'));
  try {
    const file = join(dir, 'busy.sqlite');
    const storage = openSqliteStorage(file);
    const other = new Database(file);
    other.prepare('BEGIN IMMEDIATE').run();
    const entries = [{ room: 'busy', update: Y.encodeStateAsUpdate(new Y.Doc()) }];
    const began = performance.now();
    expect(() => storage.appendUnsynced!(entries)).toThrow(StorageBusy);
    expect(performance.now() - began).toBeLessThan(1_000); // not the 5 s busy timeout
    other.prepare('COMMIT').run();
    other.close();
    expect(storage.logLength('busy')).toBe(0);
    storage.appendUnsynced!(entries);
    expect(storage.logLength('busy')).toBe(1);
    storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
