/**
 * Broadcasts framed once for every socket (wireFrame.ts, `broadcast` in
 * connection.ts): ws's own parser reads the frames back, and readers of a
 * real relay get each update once, byte for byte, at every length class of
 * the frame header, the writer none of its own.
 */
import type { Writable } from 'node:stream';
import * as ws from 'ws';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeUpdate } from '../../src/protocol/codec';
import { RawClient, startTestRelay, type TestRelay } from './testing';
import { binaryFrame } from './wireFrame';

/** ws's frame parser: exported by ws, not described by @types/ws. */
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean; binaryType: string; maxPayload: number }) => Writable;
};

/** What ws's client-side parser reads from `bytes`: each message and whether it was binary. */
function parse(bytes: Buffer): Array<{ data: Buffer; binary: boolean }> {
  const messages: Array<{ data: Buffer; binary: boolean }> = [];
  const receiver = new Receiver({ isServer: false, binaryType: 'nodebuffer', maxPayload: 0 });
  receiver.on('message', (data: Buffer, binary: boolean) => messages.push({ data, binary }));
  receiver.on('error', (error: Error) => {
    throw error;
  });
  receiver.write(bytes);
  return messages;
}

/** Every header length (7-bit, 16-bit, 64-bit payload lengths) and their edges. */
const LENGTHS = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000];

describe('binaryFrame', () => {
  it('WF1: ws reads each frame back as one binary message with the same bytes, at every header length', () => {
    for (const length of LENGTHS) {
      const payload = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      const messages = parse(binaryFrame(payload));
      expect(messages, `length ${length}`).toHaveLength(1);
      expect(messages[0].binary).toBe(true);
      expect(Buffer.compare(messages[0].data, Buffer.from(payload)), `length ${length}`).toBe(0);
    }
    // Frames written back to back (as a corked socket sends them) stay apart.
    const two = Buffer.concat([binaryFrame(new Uint8Array(200).fill(1)), binaryFrame(new Uint8Array(3).fill(2))]);
    expect(parse(two).map((message) => message.data.length)).toEqual([200, 3]);
  });
});

describe('broadcast', () => {
  let relay: TestRelay;
  const clients: RawClient[] = [];
  const connect = (room: string) => {
    const client = new RawClient(relay.wsUrl(room));
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    relay = await startTestRelay();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await relay.stop();
  });

  /** Times each of `frames` arrived at `client`, by frame. */
  const arrivals = (client: RawClient, frames: Uint8Array[]) =>
    frames.map((frame) => client.received.filter((got) => Buffer.compare(Buffer.from(got), Buffer.from(frame)) === 0).length);

  for (const readers of [1, 2, 3]) {
    it(`WF2: ${readers} reader(s) get every update frame once, byte for byte, at every header length; the writer none`, async () => {
      const room = `wf2-${readers}`;
      const writer = connect(room); // first in the room's set: the one `broadcast` skips
      await writer.opened;
      const others = Array.from({ length: readers }, () => connect(room));
      await Promise.all(others.map((reader) => reader.opened));
      await Promise.all([writer, ...others].map((client) => client.roundTrip()));

      // One update per header length class (payloads of ~30 B, ~1 KB, ~70 KB), typed by a client the room has not seen.
      const source = new Y.Doc();
      const frames: Uint8Array[] = [];
      source.on('update', (update: Uint8Array) => frames.push(encodeUpdate(update)));
      for (const size of [5, 1_000, 70_000]) source.getText('title').insert(0, 'x'.repeat(size));
      for (const frame of frames) writer.send(frame);

      const want = source.getText('title').toString();
      for (const reader of others) {
        await reader.until(() => reader.doc.getText('title').toString() === want, 'every update at the reader');
        await reader.roundTrip();
        expect(arrivals(reader, frames)).toEqual([1, 1, 1]);
      }
      await writer.roundTrip();
      expect(arrivals(writer, frames)).toEqual([0, 0, 0]);
    });
  }
});
