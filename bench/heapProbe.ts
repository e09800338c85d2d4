/**
 * What each idle connection or loaded room costs, by kind of object: starts one
 * server (as the memory benchmark does), takes a V8 heap snapshot before and
 * after N clients connect, and prints the difference grouped by constructor,
 * per client. Not part of `npm run bench`; a tool for finding what to trim.
 *
 *   npx tsx bench/heapProbe.ts [concord|reference] [one|each|loaded] [N]
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAll, connectMany, LoadClient } from './lib/loadClient';
import { sleep } from './lib/report';
import { startServer, type ServerKind } from './lib/servers';
import { loadTraceRooms } from './memory';

const kind = (process.argv[2] ?? 'concord') as ServerKind;
const which = process.argv[3] ?? 'one';
const count = Number(process.argv[4] ?? 500);
/** SNAP=0: RSS figures only (writing a snapshot grows RSS by far more than what it measures). */
const snapshots = process.env.SNAP !== '0';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per "type:name" in a heap snapshot. */
function summarize(path: string): Map<string, { count: number; bytes: number }> {
  const data = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < data.nodes.length; i += width) {
    const type = types[data.nodes[i + typeAt]];
    let name = data.strings[data.nodes[i + nameAt]];
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '';
    const key = `${type}:${name.slice(0, 60)}`;
    const entry = out.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += data.nodes[i + sizeAt];
    out.set(key, entry);
  }
  return out;
}

const server = await startServer(kind);
const clients: LoadClient[] = [];
try {
  const warm = new LoadClient({ url: server.url('warm-up'), room: 'warm-up', dialect: server.dialect });
  await warm.opened.then(() => warm.synced);
  await warm.close();
  await sleep(Number(process.env.SETTLE_MS ?? 500));
  await server.gc();
  const before = await server.stats();
  const pathA = join(tmpdir(), `probe-${kind}-a.heapsnapshot`);
  if (snapshots) await server.heapSnapshot(pathA);
  if (which === 'loaded') {
    clients.push(...(await loadTraceRooms(server, count, 1_000)));
  } else {
    clients.push(
      ...(await connectMany(count, (i) => {
        const room = which === 'one' ? 'idle' : `idle-${i}`;
        return new LoadClient({ url: server.url(room), room, dialect: server.dialect });
      })),
    );
  }
  await sleep(Number(process.env.SETTLE_MS ?? 500));
  await server.gc();
  const after = await server.stats();
  const pathB = join(tmpdir(), `probe-${kind}-b.heapsnapshot`);
  const per = (n: number) => (n / count).toFixed(1);
  console.log(
    `${kind} ${which} ×${count}: per item RSS ${per((after.rssBytes - before.rssBytes) / 1024)} KiB, heap ${per((after.heapUsedBytes - before.heapUsedBytes) / 1024)} KiB (committed ${per((after.heapTotalBytes - before.heapTotalBytes) / 1024)}), external ${per((after.externalBytes - before.externalBytes) / 1024)} KiB`,
  );
  const spaces = Object.keys(after.heapSpaces)
    .map((name) => `${name.replace('_space', '')} ${per((after.heapSpaces[name] - before.heapSpaces[name]) / 1024)}`)
    .join(', ');
  console.log(`  resident growth per item by V8 space (KiB): ${spaces}`);
  if (!snapshots) process.exit(0);
  await server.heapSnapshot(pathB);
  const a = summarize(pathA);
  const b = summarize(pathB);
  const rows: Array<[string, number, number]> = [];
  for (const [key, entry] of b) {
    const old = a.get(key) ?? { count: 0, bytes: 0 };
    const bytes = entry.bytes - old.bytes;
    if (Math.abs(bytes) >= count * 4) rows.push([key, (entry.count - old.count) / count, bytes / count]);
  }
  rows.sort((x, y) => y[2] - x[2]);
  let total = 0;
  for (const [, , bytes] of rows) total += bytes;
  console.log(`snapshot self-size growth per item (rows ≥ 4 B/item): ${total.toFixed(0)} B`);
  for (const [key, n, bytes] of rows.slice(0, 45)) console.log(`${bytes.toFixed(0).padStart(7)} B  ${n.toFixed(2).padStart(6)}×  ${key}`);
} finally {
  await closeAll(clients);
  await server.stop();
}
process.exit(0);
