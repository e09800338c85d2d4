/**
 * Cold load: a room holding the final document of the automerge-paper trace,
 * built by replaying all 259,778 edits, one update frame each, through one
 * client into the server. Then a new client (empty Y.Doc) connects: time from
 * opening the socket to having applied the server's sync step 2, and the bytes
 * it received. The writer stays connected so the peers (which keep documents
 * only in memory; Hocuspocus unloads a room when its last client leaves) still
 * hold the document. For Concord there is also a true cold start: the relay is
 * stopped and restarted on its data directory, so the first client's room
 * comes from SQLite. Issue 5 goal: ≤ 150 ms and ≤ 160 kB.
 */
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import * as Y from 'yjs';
import { LoadClient } from './lib/loadClient';
import { fmt, kib, median, ms, QUICK, report, withRatio } from './lib/report';
import { SERVER_KINDS, SERVER_LABELS, startServer, type RunningServer, type ServerKind } from './lib/servers';
import { stateVectorOf, TRACE_TEXT, traceUpdates, type TraceUpdates } from './lib/trace';

const EDITS = QUICK ? 20_000 : Infinity;
const TRIALS = QUICK ? 3 : 5;
/** Frames the writer sends before a state-vector probe (whose reply means the server has processed them). */
const BATCH = 2_000;

interface LoadTrial {
  ms: number;
  payloadBytes: number;
  socketBytes: number;
}

interface ColdRun {
  replayMs: number;
  warm: LoadTrial[];
  fromDisk?: LoadTrial;
  /** Concord only: the same loads by a client that asks for compact sync (as Concord's tabs do). */
  compactWarm?: LoadTrial[];
  compactFromDisk?: LoadTrial;
}

/** Sends every update, BATCH at a time, each batch followed by a probe whose answer says the server has it. */
async function replay(writer: LoadClient, trace: TraceUpdates): Promise<number> {
  const startedAt = performance.now();
  for (let start = 0; start < trace.updates.length; start += BATCH) {
    const end = Math.min(trace.updates.length, start + BATCH);
    for (let i = start; i < end; i++) writer.sendUpdate(trace.updates[i]);
    const answered = writer.step2Received;
    writer.sendStep1(stateVectorOf(trace.clientId, trace.clocks[end - 1]));
    await writer.until(() => writer.step2Received > answered, 'replay probe', 120_000);
  }
  return performance.now() - startedAt;
}

async function load(server: RunningServer, room: string, trace: TraceUpdates, verify: boolean, compactSync = false): Promise<LoadTrial> {
  const client = new LoadClient({ url: server.url(room), room, dialect: server.dialect, keepDoc: true, compactSync });
  await client.opened.then(() => client.synced);
  const trial = { ms: client.syncedAt - client.startedAt, payloadBytes: client.bytesReceived, socketBytes: client.socketBytesRead };
  if (verify && client.doc!.getText(TRACE_TEXT).toString() !== trace.finalText) {
    throw new Error(`${server.kind}${compactSync ? ' (compact sync)' : ''}: the loaded document differs from the trace's final text`);
  }
  await client.close();
  return trial;
}

async function coldOnce(kind: ServerKind, trace: TraceUpdates): Promise<ColdRun> {
  const dataDir = kind === 'concord' ? mkdtempSync(join(tmpdir(), 'concord-bench-cold-')) : undefined;
  let server = await startServer(kind, { dataDir });
  const room = 'paper';
  try {
    const writer = new LoadClient({ url: server.url(room, { acks: true }), room, dialect: server.dialect });
    await writer.opened.then(() => writer.synced);
    const replayMs = await replay(writer, trace);
    if (kind === 'concord') await writer.until(() => writer.acked >= writer.updateFramesSent, 'every update saved', 60_000);
    const warm: LoadTrial[] = [];
    const compactWarm: LoadTrial[] = [];
    // Concord: plain (V1, as a stock client) and compact-sync loads alternate.
    for (let i = 0; i < TRIALS; i++) {
      warm.push(await load(server, room, trace, i === 0));
      if (kind === 'concord') compactWarm.push(await load(server, room, trace, i === 0, true));
    }
    await writer.close();
    let fromDisk: LoadTrial | undefined;
    let compactFromDisk: LoadTrial | undefined;
    if (kind === 'concord') {
      const port = server.port;
      for (const compact of [false, true]) {
        await server.stop(); // clean stop: flush, compact, close the database
        server = await startServer('concord', { dataDir, port });
        if (compact) compactFromDisk = await load(server, room, trace, true, true);
        else fromDisk = await load(server, room, trace, true);
      }
      return { replayMs, warm, fromDisk, compactWarm, compactFromDisk };
    }
    return { replayMs, warm, fromDisk };
  } finally {
    await server.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchColdLoad(): Promise<void> {
  report.progress('cold load: turning the automerge-paper trace into Yjs updates');
  const trace = traceUpdates(EDITS);
  const doc = new Y.Doc();
  for (const update of trace.updates) Y.applyUpdate(doc, update);
  const v1 = Y.encodeStateAsUpdate(doc);
  const v2 = Y.encodeStateAsUpdateV2(doc);
  doc.destroy();
  report.section(
    'Cold load',
    `The automerge-paper trace (Martin Kleppmann et al., CC BY 4.0; see bench/README.md): ${fmt(trace.updates.length)} of its ${fmt(trace.totalEdits)} edits ` +
      `replayed into one room as one update frame each (batches of ${fmt(BATCH)}, each closed by a state-vector probe). ` +
      `Final text ${fmt(trace.finalText.length)} characters; its Yjs state encodes to ${fmt(v1.length)} B (V1, what the y-websocket protocol carries), ` +
      `${fmt(v2.length)} B (V2); V1 deflated ${fmt(deflateRawSync(v1).length)} B (≈ what permessage-deflate would send). ` +
      `Then a new client connects: socket open → server's sync step 2 applied to an empty Y.Doc, median of ${TRIALS} (the first checked against the trace's text). ` +
      'Payload = WebSocket message bytes received; socket = TCP bytes read incl. HTTP upgrade and frame headers.',
  );
  const runs = new Map<ServerKind, ColdRun>();
  for (const kind of SERVER_KINDS) {
    report.progress(`cold load: replaying into ${kind}`);
    runs.set(kind, await coldOnce(kind, trace));
  }
  const summary = (trials: LoadTrial[]) => ({
    ms: median(trials.map((trial) => trial.ms)),
    payloadBytes: median(trials.map((trial) => trial.payloadBytes)),
    socketBytes: median(trials.map((trial) => trial.socketBytes)),
  });
  const reference = summary(runs.get('reference')!.warm);
  const rows: string[][] = [];
  for (const kind of SERVER_KINDS) {
    const run = runs.get(kind)!;
    const warm = summary(run.warm);
    const replay = `${fmt(run.replayMs / 1000, 1)} s (${fmt(trace.updates.length / (run.replayMs / 1000))}/s)`;
    rows.push([
      `${SERVER_LABELS[kind]}, room in memory`,
      withRatio(ms(warm.ms), warm.ms, reference.ms),
      run.warm.map((trial) => ms(trial.ms)).join(' / '),
      withRatio(kib(warm.payloadBytes), warm.payloadBytes, reference.payloadBytes),
      kib(warm.socketBytes),
      replay,
    ]);
    if (run.fromDisk) {
      rows.push([
        `${SERVER_LABELS[kind]}, restarted: room loaded from SQLite`,
        withRatio(ms(run.fromDisk.ms), run.fromDisk.ms, reference.ms),
        ms(run.fromDisk.ms),
        withRatio(kib(run.fromDisk.payloadBytes), run.fromDisk.payloadBytes, reference.payloadBytes),
        kib(run.fromDisk.socketBytes),
        '',
      ]);
    }
    if (run.compactWarm?.length) {
      const compact = summary(run.compactWarm);
      rows.push([
        `${SERVER_LABELS[kind]}, room in memory, compact sync (?sync=v2z, as its tabs ask)`,
        withRatio(ms(compact.ms), compact.ms, reference.ms),
        run.compactWarm.map((trial) => ms(trial.ms)).join(' / '),
        withRatio(kib(compact.payloadBytes), compact.payloadBytes, reference.payloadBytes),
        kib(compact.socketBytes),
        '',
      ]);
    }
    if (run.compactFromDisk) {
      const trial = run.compactFromDisk;
      rows.push([
        `${SERVER_LABELS[kind]}, restarted, compact sync`,
        withRatio(ms(trial.ms), trial.ms, reference.ms),
        ms(trial.ms),
        withRatio(kib(trial.payloadBytes), trial.payloadBytes, reference.payloadBytes),
        kib(trial.socketBytes),
        '',
      ]);
    }
  }
  report.table(['server', 'connect → synced ms (× ref)', 'each trial', 'payload KiB (× ref)', 'socket KiB', 'replay of all edits'], rows);
  const concord = runs.get('concord')!;
  const worst = Math.max(summary(concord.warm).ms, concord.fromDisk?.ms ?? 0);
  const bytes = Math.max(summary(concord.warm).payloadBytes, concord.fromDisk?.payloadBytes ?? 0);
  report.note(
    `Goal ≤ 150 ms and ≤ 160 kB → Concord ${ms(worst)} ms (${worst <= 150 ? 'met' : 'NOT met'}), ` +
      `${fmt(bytes / 1000, 1)} kB (${bytes <= 160_000 ? 'met' : 'NOT met'}) for a stock client (V1).`,
  );
  if (concord.compactWarm?.length) {
    const compact = Math.max(summary(concord.compactWarm).payloadBytes, concord.compactFromDisk?.payloadBytes ?? 0);
    report.note(
      `Issue 14 goal: bytes to open ≤ half the V1 state (${fmt(v1.length / 2)} B) for Concord's tabs (compact sync) → ${fmt(compact)} B, ` +
        `${fmt((100 * compact) / v1.length, 1)} % of V1: ${compact <= v1.length / 2 ? 'met' : 'NOT met'}.`,
    );
  }
}
