/**
 * Presence goes on only when it is new to the room. Stock y-websocket clients
 * send back every awareness state they receive; a relay that forwarded those
 * echoes multiplied each caret move by the number of such clients in the room.
 */
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { readAwarenessEntries, writeAwarenessEntries } from '../../src/protocol/awarenessEntries';
import { encodeAwareness } from '../../src/protocol/codec';
import { sendOwnPresenceOnly } from '../../src/collab/ownPresenceOnly';
import { MessageType } from '../../src/protocol/constants';
import { RawClient, startTestRelay, type TestRelay } from './testing';

let relay: TestRelay | null = null;
const closers: Array<() => unknown> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await relay?.stop();
  relay = null;
});

function raw(room: string): RawClient {
  const client = new RawClient(relay!.wsUrl(room));
  closers.push(() => client.close());
  return client;
}

function stock(room: string): WebsocketProvider {
  const provider = new WebsocketProvider(relay!.wsUrl(room, '').replace(/\/[^/]+$/, ''), room, new Y.Doc(), {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  closers.push(() => provider.destroy());
  return provider;
}

/** Every awareness entry a client received, as `clientId@clock`. */
const entriesSeen = (client: RawClient) =>
  client.received
    .filter((frame) => frame[0] === MessageType.awareness)
    .flatMap((frame) => readAwarenessEntries(frame.subarray(frameHeaderLength(frame))))
    .map(({ clientId, clock }) => `${clientId}@${clock}`);

/** An awareness frame is [1][varuint length][update]: the update starts after the length. */
function frameHeaderLength(frame: Uint8Array): number {
  let i = 1;
  while (frame[i] & 0x80) i++;
  return i + 1;
}

const state = (clientId: number, clock: number, name: string) => ({ clientId, clock, state: JSON.stringify({ user: { name } }) });

describe('presence echoes', () => {
  it('R-ECHO1: a state sent back by another client is not forwarded again; a frame mixing echoes and news forwards only the news', async () => {
    relay = await startTestRelay();
    const [alice, echoer, observer] = [raw('echoes'), raw('echoes'), raw('echoes')];
    await Promise.all([alice.opened, echoer.opened, observer.opened]);
    alice.send(encodeAwareness(writeAwarenessEntries([state(111, 1, 'Alice')])));
    await observer.until(() => entriesSeen(observer).includes('111@1'), "Alice's state");
    await echoer.until(() => entriesSeen(echoer).includes('111@1'), "Alice's state at the echoer");
    echoer.send(encodeAwareness(writeAwarenessEntries([state(111, 1, 'Alice')]))); // what a stock client does
    echoer.send(encodeAwareness(writeAwarenessEntries([state(111, 1, 'Alice'), state(222, 1, 'Echo')])));
    await observer.until(() => entriesSeen(observer).includes('222@1'), "the echoer's own state");
    // Frames from one socket are handled in order: both echoes were handled before the echoer's own state.
    expect(entriesSeen(observer)).toEqual(['111@1', '222@1']);
    await alice.until(() => entriesSeen(alice).includes('222@1'), "the echoer's own state at Alice");
    expect(entriesSeen(alice)).toEqual(['111@1', '222@1']); // the sender got its own new state back, and no echo
  });

  it('R-ECHO2: three stock y-websocket clients in a room: an observer gets each of their caret moves once', async () => {
    relay = await startTestRelay();
    const clients = [stock('stock-echoes'), stock('stock-echoes'), stock('stock-echoes')];
    const observer = raw('stock-echoes');
    await Promise.all(clients.map((provider) => new Promise((resolve) => provider.once('sync', resolve))));
    const [writer, ...others] = clients;
    for (let i = 0; i < 20; i++) writer.awareness.setLocalStateField('selection', { at: i });
    const lastClock = writer.awareness.meta.get(writer.doc.clientID)!.clock;
    // The others echo each state as they receive it; then each says something of its own,
    // which the relay handles after that socket's echoes.
    for (const other of others) {
      await new Promise<void>((resolve) => {
        const check = () => {
          if (other.awareness.meta.get(writer.doc.clientID)?.clock === lastClock) resolve();
          else setTimeout(check, 10);
        };
        check();
      });
      other.awareness.setLocalStateField('selection', { at: 'done' });
    }
    await observer.until(
      () => others.every((other) => entriesSeen(observer).includes(`${other.doc.clientID}@${other.awareness.meta.get(other.doc.clientID)!.clock}`)),
      "the others' last states",
    );
    const writerEntries = entriesSeen(observer).filter((entry) => entry.startsWith(`${writer.doc.clientID}@`));
    expect(writerEntries).toEqual([...new Set(writerEntries)]); // each clock once
    expect(writerEntries.at(-1)).toBe(`${writer.doc.clientID}@${lastClock}`);
  });

  it("R-ECHO3: a Concord tab's provider sends its own presence and never a peer's back", async () => {
    relay = await startTestRelay();
    const writer = stock('own-only');
    const sent: Uint8Array[] = [];
    class CountingSocket extends WebSocket {
      send(data: Uint8Array, ...rest: unknown[]): void {
        sent.push(new Uint8Array(data));
        (super.send as (...args: unknown[]) => void)(data, ...rest);
      }
    }
    const tab = new WebsocketProvider(relay.wsUrl('own-only', '').replace(/\/[^/]+$/, ''), 'own-only', new Y.Doc(), {
      WebSocketPolyfill: CountingSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    closers.push(() => tab.destroy());
    sendOwnPresenceOnly(tab);
    const observer = raw('own-only');
    await Promise.all([writer, tab].map((provider) => new Promise((resolve) => provider.once('sync', resolve))));
    for (let i = 0; i < 10; i++) writer.awareness.setLocalStateField('selection', { at: i });
    const lastClock = writer.awareness.meta.get(writer.doc.clientID)!.clock;
    await new Promise<void>((resolve) => {
      const check = () => (tab.awareness.meta.get(writer.doc.clientID)?.clock === lastClock ? resolve() : setTimeout(check, 10));
      check();
    });
    tab.awareness.setLocalStateField('user', { name: 'Tab' });
    const tabState = `${tab.doc.clientID}@${tab.awareness.meta.get(tab.doc.clientID)!.clock}`;
    await observer.until(() => entriesSeen(observer).includes(tabState), "the tab's own state");
    const sentEntries = sent
      .filter((frame) => frame[0] === MessageType.awareness)
      .flatMap((frame) => readAwarenessEntries(frame.subarray(frameHeaderLength(frame))).map(({ clientId }) => clientId));
    expect(sentEntries).toContain(tab.doc.clientID);
    expect(sentEntries.filter((id) => id !== tab.doc.clientID)).toEqual([]);
  });
});
