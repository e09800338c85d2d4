/**
 * The update pre-scan (updateScan.ts), rules U1–U4 of docs/PROTOCOL.md: it must accept everything Yjs writes,
 * see exactly the dependencies Yjs would leave pending, and refuse the crafted
 * kinds (yjs#479/#687) in time linear in their bytes.
 *
 * U1 Every update Yjs produces scans, and its structs and clocks match Yjs' own decoding.
 * U2 An update whose dependencies are present is not "missing"; one applied out of order is.
 * U3 Declared counts that do not fit, clocks past 2^32, unknown kinds: refused as bad_update.
 * U4 More structs than the budget: refused as update_budget.
 */
import * as encoding from 'lib0/encoding';
import fc from 'fast-check';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './protocolError';
import { missingDependencies, scanUpdate } from './updateScan';

/** A document using every kind of content: text with formats and embeds, xml, maps, arrays of any, binary, subdocs, deletions. */
function richDoc(seed: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  doc.clientID = seed;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const text = doc.getText('title');
  text.insert(0, 'héllo wörld 😀');
  text.format(0, 5, { bold: true });
  text.insertEmbed(3, { image: 'x.png' });
  text.delete(1, 2);
  const xml = doc.get('content', Y.XmlText) as Y.XmlText;
  xml.applyDelta([{ insert: 'para', attributes: { type: 'paragraph' } }]);
  const element = new Y.XmlElement('p');
  doc.getXmlFragment('frag').insert(0, [element, new Y.XmlText('t')]);
  element.setAttribute('class', 'a');
  const map = doc.getMap('m');
  map.set('n', 1.5);
  map.set('big', 2n ** 40n);
  map.set('o', { a: [1, 'two', null, true, { deep: [[[]]] }], u: new Uint8Array([1, 2]) });
  map.set('bin', new Uint8Array([9, 8, 7]));
  map.set('sub', new Y.Doc());
  map.set('arr', Y.Array.from([1, 2, 3]));
  const array = doc.getArray('a');
  array.insert(0, [1, 'x', false, null, -42]);
  array.delete(1, 2);
  map.delete('n');
  return { doc, updates };
}

describe('update pre-scan', () => {
  it('U1: every update of a rich document scans, with the clocks Yjs decodes', () => {
    const { doc, updates } = richDoc(77);
    for (const update of [...updates, Y.encodeStateAsUpdate(doc), Y.mergeUpdates(updates)]) {
      const scan = scanUpdate(update, 1_000_000);
      const decoded = Y.decodeUpdate(update);
      expect(scan.work).toBe(decoded.structs.length + [...decoded.ds.clients.values()].reduce((n, r) => n + r.length, 0));
      for (const range of scan.clients) {
        const structs = decoded.structs.filter((s) => s.id.client === range.client);
        expect(range.start).toBe(structs[0].id.clock);
        const last = structs.at(-1)!;
        expect(range.end).toBe(last.id.clock + last.length);
      }
    }
  });

  it('U2: dependencies present ⇒ not missing; out of order ⇒ missing (seeded property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 2, max: 30 }), (seed, edits) => {
        const a = new Y.Doc();
        a.clientID = seed;
        const updates: Uint8Array[] = [];
        a.on('update', (u: Uint8Array) => updates.push(u));
        const text = a.getText('t');
        for (let i = 0; i < edits; i++) {
          if (i % 4 === 3 && text.length > 1) text.delete((seed + i) % text.length, 1);
          else text.insert((seed * (i + 1)) % (text.length + 1), `w${i}`);
        }
        const replica = new Y.Doc();
        for (const update of updates) {
          const sv = Y.decodeStateVector(Y.encodeStateVector(replica));
          expect(missingDependencies(scanUpdate(update, 1e6), sv)).toBe(false);
          Y.applyUpdate(replica, update);
          expect(replica.store.pendingStructs).toBeNull();
        }
        // The last update alone, to an empty document, builds on what it lacks.
        expect(missingDependencies(scanUpdate(updates.at(-1)!, 1e6), new Map())).toBe(true);
      }),
      { numRuns: 50, seed: 4242 },
    );
  });

  it('U2: a deletion of something not yet seen is missing', () => {
    const a = new Y.Doc();
    a.getText('t').insert(0, 'abc');
    const before = Y.encodeStateVector(a);
    a.getText('t').delete(0, 1);
    const deletion = Y.encodeStateAsUpdate(a, before);
    expect(missingDependencies(scanUpdate(deletion, 1e6), new Map())).toBe(true);
    expect(missingDependencies(scanUpdate(deletion, 1e6), Y.decodeStateVector(before))).toBe(false);
  });

  const refused = (bytes: number[] | Uint8Array, kind: ProtocolError['kind'] = 'bad_update') => {
    let error: unknown;
    try {
      scanUpdate(Uint8Array.from(bytes), 1_000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).kind).toBe(kind);
  };

  it('U3: counts that cannot fit, clocks past 2^32, unknown kinds and truncation are refused', () => {
    refused([]); // yjs#498: a zero-length update
    refused([1, 0xff, 0xff, 0xff, 0xff, 0x0f, 5, 0, 0, 1]); // 2^32-1 structs declared in 10 bytes
    refused([0xff, 0xff, 0xff, 0x7f, 0]); // a huge client count
    refused([1, 1, 5, 0xff, 0xff, 0xff, 0xff, 0x1f, 0, 1, 0]); // clock past 2^32
    refused([1, 1, 5, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x1f, 0]); // GC length past 2^32
    refused([1, 1, 5, 0, 11, 0]); // unknown content ref
    refused([1, 1, 5, 0, 8, 1, 7, 0x61, 1, 100]); // an any of unknown type
    refused([...Buffer.from('garbagedoc', 'base64')]); // yjs#479
    const { updates } = richDoc(5);
    for (const update of updates) for (let cut = 1; cut < update.length - 1; cut++) refused(update.subarray(0, cut));
  });

  it('U4: more structs than the budget is refused as update_budget', () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 2_000);
    encoding.writeVarUint(e, 5);
    encoding.writeVarUint(e, 0);
    for (let i = 0; i < 2_000; i++) {
      encoding.writeUint8(e, 0);
      encoding.writeVarUint(e, 1);
    }
    encoding.writeVarUint(e, 0);
    refused(encoding.toUint8Array(e), 'update_budget');
  });
});
