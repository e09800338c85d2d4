/**
 * Convergence, checked the way a user would: every replica shows the same
 * full document (block types, text, marks), and every token typed appears
 * exactly once in it. On failure the message shows each differing replica
 * as a line diff against the first.
 */
import type { Actor } from './actor';
import { plainText, type BlockState, type TextRun } from './documentState';

export interface ConvergeOptions {
  /** Words that must each appear exactly once (as a whole word) in the converged document. */
  tokens?: readonly string[];
  /** Words that must not appear at all (e.g. typed and then undone). */
  absent?: readonly string[];
  /** How long replicas may take to agree (default 30 s). */
  timeout?: number;
  /** Also wait until every actor's edits are stored by the relay (the `saved` badge); default true. */
  saved?: boolean;
}

const MARK_SIGNS: Record<string, string> = { bold: '**', italic: '_', underline: '__', code: '`' };

/** One line per text block: `[type] text`, marks shown Markdown-like, nested blocks indented. */
export function renderDocument(blocks: Array<BlockState | TextRun>, depth = 0): string[] {
  const lines: string[] = [];
  for (const block of blocks) {
    if ('text' in block) continue;
    const runs = block.children.filter((child): child is TextRun => 'text' in child);
    const nested = block.children.filter((child): child is BlockState => !('text' in child));
    const text = runs.map((run) => run.marks.reduce((inner, mark) => `${MARK_SIGNS[mark] ?? `<${mark}>`}${inner}${MARK_SIGNS[mark] ?? `</${mark}>`}`, run.text)).join('');
    if (runs.length || !nested.length) lines.push(`${'  '.repeat(depth)}[${block.type}] ${text}`);
    lines.push(...renderDocument(nested, depth + 1));
  }
  return lines;
}

/** A unified-style line diff (LCS), with up to `context` equal lines around each change. */
export function lineDiff(before: string[], after: string[], context = 2): string {
  const n = before.length;
  const m = after.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = before[i] === after[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) ops.push([' ', before[i++]]), j++;
    else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) ops.push(['+', after[j++]]);
    else ops.push(['-', before[i++]]);
  }
  const near = ops.map((_, k) => ops.slice(Math.max(0, k - context), k + context + 1).some(([op]) => op !== ' '));
  const out: string[] = [];
  ops.forEach(([op, line], k) => {
    if (near[k]) out.push(`${op} ${line}`);
    else if (out[out.length - 1] !== '  …') out.push('  …');
  });
  return out.join('\n');
}

/** How many times `token` appears as a whole word (not inside a longer word) in `text`. */
export function countToken(text: string, token: string): number {
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.match(new RegExp(`(?<![\\p{L}\\p{N}_-])${escaped}(?![\\p{L}\\p{N}_-])`, 'gu'))?.length ?? 0;
}

/** The problems with `text` against the token rules (empty when it passes). */
export function tokenProblems(text: string, { tokens = [], absent = [] }: Pick<ConvergeOptions, 'tokens' | 'absent'>): string[] {
  const problems: string[] = [];
  for (const token of tokens) {
    const times = countToken(text, token);
    if (times !== 1) problems.push(`token ${JSON.stringify(token)} appears ${times} times (expected exactly once)`);
  }
  for (const token of absent) {
    const times = countToken(text, token);
    if (times !== 0) problems.push(`token ${JSON.stringify(token)} appears ${times} times (expected none)`);
  }
  return problems;
}

/** Why these documents are not one document (null when they are), with a diff of each replica that differs from the first. */
export function divergence(names: string[], documents: BlockState[][]): string | null {
  const reference = JSON.stringify(documents[0]);
  const differing = documents.map((doc, k) => (JSON.stringify(doc) === reference ? -1 : k)).filter((k) => k > 0);
  if (!differing.length) return null;
  const first = renderDocument(documents[0]);
  return differing
    .map((k) => {
      const lines = renderDocument(documents[k]);
      // Marks or block nesting can differ where the rendered lines agree: then show both documents raw.
      const body = lines.join('\n') === first.join('\n') ? `${JSON.stringify(documents[0])}\n${JSON.stringify(documents[k])}` : lineDiff(first, lines);
      return `${names[k]} differs from ${names[0]} (- ${names[0]}, + ${names[k]}):\n${body}`;
    })
    .join('\n\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until every actor shows the same full document, then checks that each
 * of `tokens` appears in it exactly once. Throws with a readable diff (replicas
 * that still differ at the deadline) or the list of token problems.
 */
export async function expectConverged(actors: readonly Actor[], options: ConvergeOptions = {}): Promise<BlockState[]> {
  const { timeout = 30_000, saved = true } = options;
  const deadline = Date.now() + timeout;
  if (saved) for (const actor of actors) await actor.waitSaved({ timeout: Math.max(1_000, deadline - Date.now()) });
  let documents: BlockState[][];
  let problem: string | null;
  for (;;) {
    documents = await Promise.all(actors.map((actor) => actor.document()));
    problem = divergence(
      actors.map((actor) => actor.name),
      documents,
    );
    if (!problem || Date.now() > deadline) break;
    await sleep(100);
  }
  if (problem) throw new Error(`expectConverged: replicas still differ after ${timeout} ms\n\n${problem}`);
  const problems = tokenProblems(plainText(documents[0]), options);
  if (problems.length) {
    throw new Error(`expectConverged: all ${actors.length} replicas agree, but:\n  ${problems.join('\n  ')}\n\nThe document:\n${renderDocument(documents[0]).join('\n')}`);
  }
  return documents[0];
}
