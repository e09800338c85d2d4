/**
 * The automerge-paper editing trace (Martin Kleppmann et al., from
 * github.com/automerge/automerge-perf via github.com/josephg/editing-traces;
 * CC BY 4.0, see bench/README.md and bench/data/README-traces.md) turned into
 * Yjs updates, one per edit, as one client typing it would send them. The
 * gzipped trace is vendored in bench/data/ so a clone can run the benchmarks.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

export const TRACE_PATH = fileURLToPath(new URL('../data/automerge-paper.json.gz', import.meta.url));

export interface TraceUpdates {
  /** One Yjs update per edit, in order. */
  updates: Uint8Array[];
  /** The typing client's clock after each update (for state-vector probes). */
  clocks: Uint32Array;
  clientId: number;
  /** The text after all `updates` (the trace's endContent when the whole trace is used). */
  finalText: string;
  endContent: string;
  /** Edits in the whole trace. */
  totalEdits: number;
}

interface TraceFile {
  endContent: string;
  txns: Array<{ patches: Array<[number, number, string]> }>;
}

/** The Y.Text the trace is typed into. */
export const TRACE_TEXT = 'trace';

/**
 * The trace's author, fixed so runs are comparable: a random id (what `new Y.Doc()` draws) made a
 * loaded room's heap differ by 16 B per struct between runs in every server, because V8 boxes a
 * Yjs ID's client as a heap number once the process has seen one outside the small-integer range
 * (2^30): one boxed number per struct, or none. Real clients draw random 32-bit ids, three in four
 * of them above that range, so the trace uses one above it too.
 */
export const TRACE_CLIENT_ID = 3_000_000_017;

const cache = new Map<number, TraceUpdates>();

export function traceUpdates(limit = Infinity): TraceUpdates {
  const cached = cache.get(limit);
  if (cached) return cached;
  const trace = JSON.parse(gunzipSync(readFileSync(TRACE_PATH)).toString('utf8')) as TraceFile;
  const doc = new Y.Doc();
  doc.clientID = TRACE_CLIENT_ID;
  const text = doc.getText(TRACE_TEXT);
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const count = Math.min(limit, trace.txns.length);
  const clocks = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    doc.transact(() => {
      for (const [position, deleted, inserted] of trace.txns[i].patches) {
        if (deleted > 0) text.delete(position, deleted);
        if (inserted) text.insert(position, inserted);
      }
    });
    clocks[i] = Y.getState(doc.store, doc.clientID);
  }
  const result: TraceUpdates = {
    updates,
    clocks,
    clientId: doc.clientID,
    finalText: text.toString(),
    endContent: trace.endContent,
    totalEdits: trace.txns.length,
  };
  if (updates.length !== count) throw new Error(`expected ${count} updates from the trace, got ${updates.length}`);
  if (count === trace.txns.length && result.finalText !== trace.endContent) throw new Error('trace replay does not reproduce endContent');
  doc.destroy();
  cache.set(limit, result);
  return result;
}

/** A Yjs state vector naming one client at one clock. */
export function stateVectorOf(clientId: number, clock: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  return encoding.toUint8Array(encoder);
}
