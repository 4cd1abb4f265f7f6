// Test helpers for protocol dissectors: byte arrays written as commented hex, a session run
// without a flow table, and the segmentation and truncation checks every parser must pass.
// Used by the tests beside each protocol (src/protocols/<id>/*.test.ts); not by the engine.
import type { L2Context, ProbeHint, ProtocolDef, RecordFields, RecordHead, Session, SessionContext, SharedState, Transport, FlowInfo } from './types.ts';
import { PROBE } from './types.ts';

/**
 * Bytes from hex text, with comments: `hex\`00 01  // transaction id\n 00 00 // protocol\``.
 * Whitespace separates nothing in particular; `//` and `#` start a comment to the end of the line.
 */
export function hex(text: string | TemplateStringsArray, ...values: unknown[]): Uint8Array {
  const src = typeof text === 'string' ? text : String.raw({ raw: text }, ...values);
  const digits = src
    .split('\n')
    .map((l) => l.replace(/(\/\/|#).*$/, ''))
    .join('')
    .replace(/[\s,:]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) throw new Error(`hex: bad hex text ${JSON.stringify(src.slice(0, 80))}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One piece of payload in a test conversation. */
export interface Chunk {
  isOrig: boolean;
  bytes: Uint8Array;
  /** A gap of this many bytes instead of data (TCP). */
  gap?: number;
  /** Packet time for this chunk (default: the previous one + 0.001). */
  ts?: number;
}

export interface SessionRun {
  /** Records in order, as [type, record]. Flow records carry the test flow's header. */
  records: [string, Record<string, unknown>][];
  /** Event names (without the protocol prefix), in order, with their details. */
  events: { name: string; addl?: string; isOrig?: boolean }[];
  validOrig: boolean;
  validResp: boolean;
  confirmed: boolean;
  rejected: string | null;
  /** Children opened, by protocol id. */
  children: string[];
}

export interface RunOptions {
  transport?: Transport;
  /** Other protocols the session may open as children. */
  children?: readonly ProtocolDef[];
  flow?: Partial<FlowInfo>;
  /** First packet time (default 1700000000). */
  ts?: number;
}

const TEST_FLOW: FlowInfo = {
  uid: 'CTestFlow0000000001',
  transport: 'tcp',
  origH: '192.0.2.1',
  origP: 49152,
  respH: '192.0.2.2',
  respP: 502,
  origMac: '02:00:00:00:00:01',
  respMac: '02:00:00:00:00:02',
  vlan: -1,
};

class TestCtx implements SessionContext {
  readonly protocol: string;
  ts: number;
  readonly flow: FlowInfo;
  readonly run: SessionRun;
  private readonly def: ProtocolDef;
  private readonly kids: readonly ProtocolDef[];
  readonly sessions: Session[] = [];
  /** The protocol's shared state for this run (ProtocolDef.shared), made at first use. */
  private sharedState: SharedState | null = null;

  constructor(def: ProtocolDef, flow: FlowInfo, run: SessionRun, kids: readonly ProtocolDef[], ts: number) {
    this.def = def;
    this.protocol = def.id;
    this.flow = flow;
    this.run = run;
    this.kids = kids;
    this.ts = ts;
  }

  get shared(): SharedState | null {
    if (this.def.shared === undefined) return null;
    if (this.sharedState === null) {
      this.sharedState = this.def.shared(new TestSharedCtx(this));
    }
    return this.sharedState;
  }

  /** Ends the shared states of this context and its children (end of input). */
  endShared(): void {
    this.sharedState?.end();
    for (const c of this.childCtxs) c.endShared();
  }

  record(type: string, fields: RecordFields, ts?: number): void {
    if (!(type in this.def.records)) throw new Error(`${this.protocol} wrote record type "${type}" that it does not declare`);
    const f = this.flow;
    this.run.records.push([
      type,
      { ts: ts ?? this.ts, uid: f.uid, 'id.orig_h': f.origH, 'id.orig_p': f.origP, 'id.resp_h': f.respH, 'id.resp_p': f.respP, ...fields },
    ]);
  }

  head(ts?: number): RecordHead {
    const f = this.flow;
    return { ts: ts ?? this.ts, uid: f.uid, 'id.orig_h': f.origH, 'id.orig_p': f.origP, 'id.resp_h': f.respH, 'id.resp_p': f.respP };
  }

  rawRecord(type: string, fields: RecordFields): void {
    if (!(type in this.def.records)) throw new Error(`${this.protocol} wrote record type "${type}" that it does not declare`);
    this.run.records.push([type, { ...fields }]);
  }

  event(name: string, addl?: string, isOrig?: boolean): void {
    if (!(name in this.def.events) && name !== 'internal_error') throw new Error(`${this.protocol} raised event "${name}" that it does not declare`);
    this.run.events.push({ name, addl, isOrig });
  }

  valid(isOrig: boolean): void {
    if (isOrig) this.run.validOrig = true;
    else this.run.validResp = true;
    if (this.run.validOrig && this.run.validResp) this.run.confirmed = true;
  }

  confirm(): void {
    this.run.confirmed = true;
  }

  reject(reason: string): void {
    this.run.rejected ??= reason;
  }

  openChild(_parent: string, isOrig: boolean, d: Uint8Array, off: number, len: number): Session | null {
    const hint: ProbeHint = { transport: this.flow.transport, portMatch: true, isOrig, srcPort: 0, dstPort: 0 };
    for (const k of this.kids) {
      if (k.probe(d, off, len, hint) !== PROBE.YES) continue;
      // Children share the run: their records and events land in the same lists.
      const ctx = new TestCtx(k, this.flow, this.run, this.kids, this.ts);
      const s = k.create(ctx, this.flow.transport);
      this.run.children.push(k.id);
      this.childCtxs.push(ctx);
      this.sessions.push(s);
      return s;
    }
    return null;
  }

  readonly childCtxs: TestCtx[] = [];

  setTs(ts: number): void {
    this.ts = ts;
    for (const c of this.childCtxs) c.setTs(ts);
  }
}

/** The context of a shared state in a test run: records and events land in the run's lists. */
class TestSharedCtx implements L2Context {
  readonly protocol: string;
  private readonly owner: TestCtx;
  constructor(owner: TestCtx) {
    this.owner = owner;
    this.protocol = owner.protocol;
  }
  get ts(): number {
    return this.owner.ts;
  }
  record(type: string, fields: RecordFields): void {
    this.owner.rawRecord(type, fields);
  }
  event(name: string, addl?: string): void {
    this.owner.event(name, addl);
  }
}

/**
 * Runs one session of `def` over `chunks` (TCP stream pieces or UDP datagrams) and ends it.
 * Throws whatever the session throws: a test run has no guard.
 */
export function runSession(def: ProtocolDef, chunks: readonly Chunk[], opts: RunOptions = {}): SessionRun {
  const transport = opts.transport ?? 'tcp';
  const flow: FlowInfo = { ...TEST_FLOW, transport, ...opts.flow };
  const run: SessionRun = { records: [], events: [], validOrig: false, validResp: false, confirmed: false, rejected: null, children: [] };
  let ts = opts.ts ?? 1700000000;
  const ctx = new TestCtx(def, flow, run, opts.children ?? [], ts);
  const s = def.create(ctx, transport);
  for (const c of chunks) {
    ts = c.ts ?? ts + 0.001;
    ctx.setTs(ts);
    if (run.rejected !== null) break;
    if (c.gap !== undefined) s.gap(c.isOrig, c.gap);
    else s.data(c.isOrig, c.bytes, 0, c.bytes.length);
  }
  s.end();
  for (const k of ctx.sessions) k.end();
  ctx.endShared();
  return run;
}

/**
 * The same conversation with every message split at each offset, one split at a time:
 * yields chunk lists in which message `i` is cut into two chunks at `at`. The records must
 * not depend on where TCP cut the stream.
 */
export function* everySplit(chunks: readonly Chunk[]): Generator<Chunk[]> {
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    if (c.gap !== undefined) continue;
    for (let at = 1; at < c.bytes.length; at++) {
      const out = chunks.slice(0, i);
      out.push({ ...c, bytes: c.bytes.subarray(0, at) }, { ...c, bytes: c.bytes.subarray(at), ts: c.ts });
      out.push(...chunks.slice(i + 1));
      yield out;
    }
  }
}

/** The conversation as one byte per chunk (the harshest segmentation). */
export function bytewise(chunks: readonly Chunk[]): Chunk[] {
  const out: Chunk[] = [];
  for (const c of chunks) {
    if (c.gap !== undefined) out.push(c);
    else for (let i = 0; i < c.bytes.length; i++) out.push({ ...c, bytes: c.bytes.subarray(i, i + 1), ts: i === 0 ? c.ts : undefined });
  }
  return out;
}

/** Every prefix of `bytes` (lengths 0 .. length-1): for truncation tests. */
export function* prefixes(bytes: Uint8Array): Generator<Uint8Array> {
  for (let n = 0; n < bytes.length; n++) yield bytes.slice(0, n);
}

/** Records with the packet time removed (segmentation changes chunk times, not content). */
export function withoutTs(run: SessionRun): [string, Record<string, unknown>][] {
  return run.records.map(([t, r]) => {
    const { ts: _ts, ...rest } = r;
    return [t, rest];
  });
}

/** A deterministic pseudo-random byte source for fuzz-like loops without fast-check. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s & 0xff;
  };
}
