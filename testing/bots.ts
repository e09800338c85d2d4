/**
 * Bots: headless writers for demos, soak runs and load. Each is a stock
 * y-websocket client (WebsocketProvider over `ws`, its own Y.Doc; like a tab
 * it sends only its own presence, src/collab/ownPresenceOnly.ts) that shows
 * in presence like a student's tab — a name and colour under `user`, a
 * slate-yjs caret under `selection` — names itself to the relay with a
 * student id (so classrooms list it, partition it and heal it like a
 * student), and types plausible sentences into a paragraph of its own at a
 * given words-per-minute, with pauses, new paragraphs, and now and then a
 * spell offline (its edits wait and merge when it is back).
 */
import { slateNodesToInsertDelta } from '@slate-yjs/core';
import type { Descendant } from 'slate';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { sendOwnPresenceOnly } from '../src/collab/ownPresenceOnly';
import { CLASSROOM_MESSAGE, readClassroomNotice, STUDENT_QUERY_PARAM, type ClassroomNotice } from '../src/protocol/classroom';
import { CONTENT_ROOT } from '../src/protocol/document';
import { PRESENCE_FIELD } from '../src/protocol/presence';
import { ACTOR_COLOURS } from './actor';
import { seededRandom } from './random';

export { seededRandom };

const FIRST_NAMES = ['Ada', 'Ben', 'Cleo', 'Dev', 'Ema', 'Finn', 'Gus', 'Hana', 'Ines', 'Jon', 'Kai', 'Lea', 'Milo', 'Nia', 'Omar', 'Pia', 'Quin', 'Rosa', 'Sam', 'Tess', 'Uma', 'Vik', 'Wren', 'Xia', 'Yusuf', 'Zoe'];

const SUBJECTS = ['Every replica', 'The leader', 'Our group', 'A follower', 'The relay', 'Each tab', 'The other datacenter', 'My laptop', 'The CRDT', 'A write'];
const VERBS = ['accepts', 'forwards', 'merges', 'keeps', 'replays', 'orders', 'loses nothing of', 'waits for', 'acknowledges', 'stores'];
const OBJECTS = ['the edit', 'every write', 'concurrent changes', 'the version vector', 'our notes', 'the last update', 'both sides', 'a conflict', 'the log', 'what we typed'];
const TAILS = ['while offline', 'after the partition heals', 'without a coordinator', 'in a few milliseconds', 'once it reconnects', 'at its own pace', 'before anyone notices', 'for the whole class'];

/** A plausible sentence about replication, ending with a full stop and a space. */
export function sentence(random: () => number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const parts = [pick(SUBJECTS), pick(VERBS), pick(OBJECTS)];
  if (random() < 0.6) parts.push(pick(TAILS));
  return `${parts.join(' ')}. `;
}

export interface BotOptions {
  /** The relay's base URL (`http://host:port`); the socket is `ws://host:port/ws/<room>`. */
  url: string;
  room: string;
  /** Presence name (default a first name and a number). */
  name?: string;
  /** Presence colour `#rrggbb`. */
  color?: string;
  /** Typing speed in words per minute (a word is 5 characters and a space, as typists count). Default 40. */
  wpm?: number;
  /** Seed of this bot's choices (text, pauses, outages). */
  seed?: number;
  /** Chance, per sentence, of going offline for `offlineMs` (default 0.05; 0 never). */
  offlineChance?: number;
  offlineMs?: [number, number];
  /** Chance, per sentence, of starting a new paragraph below its own (default 0.2). */
  newParagraphChance?: number;
  /** Pause after a sentence, ms (default 500–3000). */
  pauseMs?: [number, number];
  /** Type into the existing block at this index of the document (e.g. one seeded per student) instead of a paragraph of its own. */
  block?: number;
  /** Classroom student id (default: a fresh one per bot, as each student's browser has). */
  student?: string;
  /** Called after every local edit with the Yjs client id and its new clock (for delivery-time measurements). */
  onEdit?: (clientId: number, clock: number) => void;
}

export interface BotStats {
  characters: number;
  sentences: number;
  paragraphs: number;
  offlineSpells: number;
}

let botCount = 0;

export class Bot {
  readonly name: string;
  readonly color: string;
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly stats: BotStats = { characters: 0, sentences: 0, paragraphs: 0, offlineSpells: 0 };
  /** Everything this bot typed, paragraph by paragraph (what peers must end up showing). */
  readonly paragraphs: string[] = [];
  /** The relay's latest classroom notice to this bot (null: not a classroom, or none yet). */
  classroom: ClassroomNotice | null = null;
  private readonly random: () => number;
  private readonly options: Required<Omit<BotOptions, 'name' | 'color' | 'student' | 'seed' | 'onEdit' | 'block'>> & Pick<BotOptions, 'onEdit' | 'block'>;
  private block: Y.XmlText | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private halted = false;
  private queue = '';

  constructor(options: BotOptions) {
    const n = botCount++;
    this.random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 31));
    this.name = options.name ?? `${FIRST_NAMES[n % FIRST_NAMES.length]} ${Math.floor(n / FIRST_NAMES.length) + 1} (bot)`;
    this.color = options.color ?? ACTOR_COLOURS[n % ACTOR_COLOURS.length];
    this.options = {
      url: options.url.replace(/\/$/, ''),
      room: options.room,
      wpm: options.wpm ?? 40,
      offlineChance: options.offlineChance ?? 0.05,
      offlineMs: options.offlineMs ?? [2_000, 8_000],
      newParagraphChance: options.newParagraphChance ?? 0.2,
      pauseMs: options.pauseMs ?? [500, 3_000],
      onEdit: options.onEdit,
      block: options.block,
    };
    const student = options.student ?? `bot-${Math.floor(this.random() * 2 ** 31).toString(36)}-${n}`;
    this.provider = new WebsocketProvider(`${this.options.url.replace(/^http/, 'ws')}/ws`, options.room, this.doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      connect: false,
      params: { [STUDENT_QUERY_PARAM]: student },
    });
    // A classroom's notice (message 101): keep it, and renew presence with a new clock when
    // regrouped, or peers that saw this bot before would skip its state (as a tab does).
    this.provider.messageHandlers[CLASSROOM_MESSAGE] = (_encoder, decoder) => {
      this.classroom = readClassroomNotice(decoder);
      const state = this.provider.awareness.getLocalState();
      if (state !== null) this.provider.awareness.setLocalState(state);
    };
    // Like a student's tab, a bot sends its own presence only: the stock provider also sends back
    // every peer's caret move it receives (N² frames in a class of N, which the relay drops).
    sendOwnPresenceOnly(this.provider);
    this.provider.awareness.setLocalStateField(PRESENCE_FIELD, { name: this.name, color: this.color });
  }

  get clientId(): number {
    return this.doc.clientID;
  }

  get connected(): boolean {
    return this.provider.wsconnected;
  }

  /** Connects, waits for the first sync, and starts typing. */
  async start(): Promise<void> {
    this.provider.connect();
    await new Promise<void>((resolve) => (this.provider.synced ? resolve() : this.provider.once('sync', () => resolve())));
    if (!this.stopped) this.schedule(0);
  }

  /** Stops typing, says goodbye in presence and closes the socket. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.provider.awareness.setLocalState(null);
    this.provider.destroy();
    this.doc.destroy();
  }

  /**
   * Stops typing but stays: back online if it was offline, and resolves once
   * synced with the relay (everything it typed has been sent and answered).
   */
  async halt(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.halted = true;
    if (!this.provider.shouldConnect) this.provider.connect();
    await new Promise<void>((resolve) => (this.provider.synced ? resolve() : this.provider.once('sync', (synced: boolean) => synced && resolve())));
  }

  private get root(): Y.XmlText {
    return this.doc.get(CONTENT_ROOT, Y.XmlText);
  }

  /** A new empty paragraph after this bot's current one (or at the end of the document). */
  private newParagraph(): Y.XmlText {
    const root = this.root;
    const blocks = root.toDelta() as Array<{ insert: unknown }>;
    let at = blocks.length;
    if (this.block) {
      const mine = blocks.findIndex((block) => block.insert === this.block);
      if (mine >= 0) at = mine + 1;
    }
    const paragraph = [{ type: 'paragraph', children: [{ text: '' }] }] as unknown as Descendant[];
    this.doc.transact(() => root.applyDelta([{ retain: at }, ...slateNodesToInsertDelta(paragraph)], { sanitize: false }));
    const block = (root.toDelta() as Array<{ insert: unknown }>)[at]?.insert;
    if (!(block instanceof Y.XmlText)) throw new Error(`${this.name}: the new paragraph is not where it was inserted`);
    this.paragraphs.push('');
    this.stats.paragraphs++;
    this.edited();
    return block;
  }

  /** The existing block at `index`, if there is one. */
  private existingBlock(index: number): Y.XmlText | null {
    const block = (this.root.toDelta() as Array<{ insert: unknown }>)[index]?.insert;
    if (!(block instanceof Y.XmlText)) return null;
    this.paragraphs.push(block.toString());
    return block;
  }

  private typeCharacter(char: string): void {
    if (!this.block && this.options.block !== undefined) this.block = this.existingBlock(this.options.block);
    if (!this.block || this.block._item?.deleted) this.block = this.newParagraph();
    const block = this.block;
    block.insert(block.length, char);
    this.paragraphs[this.paragraphs.length - 1] += char;
    this.stats.characters++;
    const caret = Y.createRelativePositionFromTypeIndex(block, block.length, -1);
    this.provider.awareness.setLocalStateField('selection', { anchor: caret, focus: caret });
    this.edited();
  }

  private edited(): void {
    this.options.onEdit?.(this.clientId, Y.getState(this.doc.store, this.clientId));
  }

  private between([low, high]: [number, number]): number {
    return low + this.random() * (high - low);
  }

  private schedule(ms: number): void {
    if (this.stopped || this.halted) return;
    this.timer = setTimeout(() => this.step(), ms);
  }

  /** One keystroke, or the start of a pause, a new paragraph or an outage at a sentence's end. */
  private step(): void {
    if (this.stopped || this.halted) return;
    if (!this.queue) {
      this.stats.sentences++;
      this.queue = sentence(this.random);
      if (this.stats.sentences > 1 && this.random() < this.options.newParagraphChance) this.block = this.newParagraph();
      if (this.random() < this.options.offlineChance && this.provider.shouldConnect) {
        this.stats.offlineSpells++;
        this.provider.disconnect();
        setTimeout(() => !this.stopped && !this.provider.shouldConnect && this.provider.connect(), this.between(this.options.offlineMs));
      }
      if (this.stats.sentences > 1) return this.schedule(this.between(this.options.pauseMs));
    }
    this.typeCharacter(this.queue[0]);
    this.queue = this.queue.slice(1);
    // wpm words of 6 keystrokes a minute, each gap jittered ±50 % so bots do not type in step.
    this.schedule((60_000 / (this.options.wpm * 6)) * (0.5 + this.random()));
  }
}

/** Starts `count` bots on one document, connected and typing; names them Ada 1 (bot), Ben 1 (bot), … */
export async function startBots(count: number, options: Omit<BotOptions, 'name' | 'color' | 'seed'> & { seed?: number }): Promise<Bot[]> {
  const base = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const bots = Array.from({ length: count }, (_, i) => new Bot({ ...options, seed: base + i }));
  await Promise.all(bots.map((bot) => bot.start()));
  return bots;
}
