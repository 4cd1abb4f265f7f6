// TFTP transfers across flows. A read or write request goes to port 69; the server answers
// from a new port (RFC 1350 section 4: a new transfer id), so the DATA and ACK packets travel
// on another UDP flow between the same two hosts, towards the client's port. A request
// registers here what that data flow will look like (server address, client address and
// port) for EXPECT_SECONDS; the TFTP probe says YES to a flow whose first packet is a first
// DATA/ACK/OACK/ERROR towards (or from) an expected client port, and the data session then
// claims the transfer when the addresses match too.
//
// The table is per thread (one per worker): flows are spread over workers by their address
// pair, so a request and its data flow (same two hosts) land on the same worker. It is capped
// (MAX_EXPECTED; the oldest expectation goes first), and entries expire by packet time.
import type { SessionContext } from '../../dissect/types.ts';
import { DEFAULT_BLKSIZE } from './constants.ts';

/** Seconds after a request during which its data flow may start (Zeek's TFTP script waits 1 min). */
export const EXPECT_SECONDS = 60;
/** Transfers waiting for their data flow, per thread. */
export const MAX_EXPECTED = 1024;

/** One transfer: the request, what the data flow showed, and whether it was written. */
export class Transfer {
  readonly ts: number;
  readonly uid: string;
  readonly origH: string;
  readonly origP: number;
  readonly respH: string;
  readonly respP: number;
  readonly wrq: boolean;
  readonly fname: string;
  readonly mode: string;
  readonly options: string[];
  /** blksize and tsize the request asked for (-1: not asked). */
  readonly askedBlksize: number;
  readonly tsizeAsked: number;
  uidData: string | undefined = undefined;
  size = 0;
  blockSent = 0;
  blockAcked = 0;
  /** Block number of the last (short) DATA block, -1 until it is seen. */
  finalBlock = -1;
  errorCode = -1;
  errorMsg: string | undefined = undefined;
  oack: string[] = [];
  blksize = DEFAULT_BLKSIZE;
  tsize = -1;
  requests = 1;
  lastTs: number;
  done = false;
  /** Sessions (request flow, data flow) that have not ended yet. */
  refs = 1;
  /** The request flow's context while its flow lives (to count it as TFTP when the data flow appears). */
  requestCtx: SessionContext | null;
  /** Waiting in the expectation table. */
  expected = false;

  constructor(ctx: SessionContext, wrq: boolean, fname: string, mode: string, options: string[], blksize: number, tsize: number) {
    const f = ctx.flow;
    this.ts = ctx.ts;
    this.lastTs = ctx.ts;
    this.uid = f.uid;
    this.origH = f.origH;
    this.origP = f.origP;
    this.respH = f.respH;
    this.respP = f.respP;
    this.wrq = wrq;
    this.fname = fname;
    this.mode = mode;
    this.options = options;
    this.askedBlksize = blksize;
    this.tsizeAsked = tsize;
    this.tsize = tsize;
    this.requestCtx = ctx;
  }
}

/** Waiting transfers by client port (the port the request came from). */
const byPort = new Map<number, Transfer[]>();
/** All waiting transfers, oldest first (for expiry and the cap). */
const queue: Transfer[] = [];
/** Transfers of the queue still waiting. */
let waiting = 0;

/** Whether a transfer may be waiting for a flow that involves this port. */
export function portExpected(port: number): boolean {
  return byPort.has(port);
}

function unlink(t: Transfer): void {
  if (!t.expected) return;
  t.expected = false;
  waiting--;
  const l = byPort.get(t.origP);
  if (l === undefined) return;
  const i = l.indexOf(t);
  if (i >= 0) l.splice(i, 1);
  if (l.length === 0) byPort.delete(t.origP);
}

/** Drops expectations older than EXPECT_SECONDS before `now`, and the oldest beyond the cap. Returns whether the cap was hit. */
function prune(now: number): boolean {
  let capped = false;
  let drop = 0;
  while (drop < queue.length) {
    const t = queue[drop];
    if (t.expected) {
      if (now - t.ts <= EXPECT_SECONDS && waiting <= MAX_EXPECTED) break;
      if (now - t.ts <= EXPECT_SECONDS) capped = true;
      unlink(t);
    }
    drop++;
  }
  if (drop > 0) queue.splice(0, drop);
  return capped;
}

/** Registers a request's transfer as waiting for its data flow. Returns whether the cap pushed an older one out. */
export function expect(t: Transfer): boolean {
  t.expected = true;
  waiting++;
  let l = byPort.get(t.origP);
  if (l === undefined) byPort.set(t.origP, (l = []));
  l.push(t);
  queue.push(t);
  return prune(t.ts);
}

/** Withdraws a transfer (its request flow saw a new request, or it was claimed). */
export function withdraw(t: Transfer): void {
  unlink(t);
}

/**
 * The waiting transfer whose data flow this is: one endpoint is the client (address and
 * port of the request), the other the server's address, and the flow started within
 * EXPECT_SECONDS after the request. Claiming removes it from the table.
 */
export function claim(aH: string, aP: number, bH: string, bP: number, now: number): Transfer | null {
  for (let side = 0; side < 2; side++) {
    const clientH = side === 0 ? aH : bH;
    const clientP = side === 0 ? aP : bP;
    const serverH = side === 0 ? bH : aH;
    const l = byPort.get(clientP);
    if (l === undefined) continue;
    for (let i = l.length - 1; i >= 0; i--) {
      const t = l[i];
      if (t.origH !== clientH || t.respH !== serverH) continue;
      if (now < t.ts || now - t.ts > EXPECT_SECONDS) continue;
      unlink(t);
      return t;
    }
  }
  return null;
}

/** Empties the table (tests). */
export function clearExpected(): void {
  for (const t of queue) t.expected = false;
  byPort.clear();
  queue.length = 0;
  waiting = 0;
}
