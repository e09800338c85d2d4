/**
 * The central OT server: one revision log, the single order every client
 * converges to. An op made at revision r was made without log[r..]; the server
 * transforms it past those ops, appends it and broadcasts the result.
 */
import { otType, type Side, type TextOp } from './ops';

export interface LogEntry {
  op: TextOp;
  author: string;
}

export interface ReceiveResult {
  /** The op as appended to the log, after transformation. */
  op: TextOp;
  revision: number;
  /** Each transform step: the op before, the log op it went past, the op after. */
  steps: { before: TextOp; against: LogEntry; after: TextOp }[];
}

export class OtServer {
  readonly log: LogEntry[] = [];
  transforms = 0;

  /** @param serverFirst side given to the op that reached the server first (ot.js: 'left'). */
  constructor(
    public doc: string,
    private readonly serverFirst: Side,
  ) {}

  get revision(): number {
    return this.log.length;
  }

  receive(author: string, revision: number, op: TextOp): ReceiveResult {
    if (revision < 0 || revision > this.log.length) throw new Error(`bad revision ${revision} from ${author}`);
    const incomingSide: Side = this.serverFirst === 'left' ? 'right' : 'left';
    const steps: ReceiveResult['steps'] = [];
    let current = op;
    for (const entry of this.log.slice(revision)) {
      const after = otType.transform(current, entry.op, incomingSide);
      steps.push({ before: current, against: entry, after });
      this.transforms++;
      current = after;
    }
    this.doc = otType.apply(this.doc, current);
    this.log.push({ op: current, author });
    return { op: current, revision: this.log.length, steps };
  }
}
