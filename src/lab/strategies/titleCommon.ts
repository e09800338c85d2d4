/**
 * The chapter's title conflict (§4): "Project Report"; Alice (London) sets
 * "Q1 Report" at 10:00:00, Bob (New York) sets "Annual Report" at 10:00:01.
 * Sim time 0 is 10:00:00 on a true clock. Replication between the two
 * leaders runs 1.5 s behind (asynchronous, batched), so each write is made
 * before the other one arrives: they are concurrent, as in the chapter's T=2.
 */
import type { Lane } from './model';

export const LONDON: Lane = { id: 'A', name: 'London', note: 'Alice · leader A', color: '#1f6fd1' };
export const NEW_YORK: Lane = { id: 'B', name: 'New York', note: 'Bob · leader B', color: '#c2410c' };
export const TITLE_LANES = [LONDON, NEW_YORK];
export const TITLE_NODES = ['A', 'B'];

export const INITIAL_TITLE = 'Project Report';

export interface TitleWrite {
  node: 'A' | 'B';
  by: 'Alice' | 'Bob';
  value: string;
  /** True time of the write, ms after 10:00:00. */
  at: number;
}

export const ALICE_WRITE: TitleWrite = { node: 'A', by: 'Alice', value: 'Q1 Report', at: 0 };
export const BOB_WRITE: TitleWrite = { node: 'B', by: 'Bob', value: 'Annual Report', at: 1000 };

export const REPLICATION_LAG_MS = 1500;

export const TITLE_LINKS = [{ a: 'A', b: 'B', delayMs: REPLICATION_LAG_MS }];

export const writerOf = (node: string): string => (node === 'A' ? 'Alice' : 'Bob');
export const otherOf = (node: string): 'A' | 'B' => (node === 'A' ? 'B' : 'A');
export const q = (s: string) => `“${s}”`;
