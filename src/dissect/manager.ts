// The dissect stage: the FlowListener the flow table feeds. Per flow it finds the protocol
// (content probes, the port's protocols first), runs its session behind one guard, and
// turns what sessions report into records, `weird` records, the conn `service` field and
// per-protocol counters (stats.json `dissectors`).
//
// Probing: while no protocol is chosen, a flow's first payload is kept (up to PROBE_BYTES
// per side) and offered to the probes; the first YES wins, with the responder port's
// protocols tried before the others. A probe's NO excludes its protocol for that side; a
// MAYBE waits for more bytes. When a protocol is chosen, the kept payload is replayed to
// the new session in arrival order, so it sees the stream from its first byte. A flow that
// no protocol claims within the probe budget is left alone from then on (one load and one
// compare per chunk).
import { formatIPv4, formatIPv6, formatMac } from '../core/addr.ts';
import type { Packet } from '../decode/packet.ts';
import { flowUid } from '../flow/conn.ts';
import type { Flow } from '../flow/flow.ts';
import type { FlowListener } from '../flow/flow-table.ts';
import type { WeirdRecord } from '../events/weird.ts';
import type { Registry } from './registry.ts';
import {
  PROBE, type FlowInfo, type L2Context, type L2ProtocolDef, type ProbeHint, type ProtocolDef, type RecordFields, type RecordFlow, type RecordHead, type Session,
  type SessionContext, type SharedState, type Transport, type L2Session,
} from './types.ts';

/** Where records go (the engine's RecordSink). */
export interface DissectOutput {
  write(type: string, record: object, flow?: RecordFlow): void;
}

/** Payload bytes kept per side while no protocol is chosen. */
const PROBE_BYTES = 4096;
/** Chunks (TCP) or datagrams (UDP) per side offered to the probes before the flow is given up. */
const PROBE_CHUNKS = 6;
/** weird records written per flow and event name (all are counted). */
const WEIRDS_PER_FLOW = 5;
/**
 * weird records written per event name of a layer-2 protocol or shared state, per address
 * pair (all are counted). The pair is the one frames are spread over worker threads by
 * (src/decode/shard.ts): MAC pair and VLAN ids of a layer-2 frame, IP pair and VLAN of the
 * flow a shared state was called from. So each pair's weirds are in one engine and
 * `--workers N` writes the same ones as `--workers 1`.
 */
const WEIRDS_PER_PAIR_EVENT = 100;
/** Address pairs and event names whose weirds are capped per pair; beyond, such weirds of new pairs are counted, not written. */
const MAX_WEIRD_PAIRS = 65536;
/** Child sessions per flow (a parent that opens more raises `<parent>.too_many_children`… as an internal cap). */
const MAX_CHILDREN = 16;

const PHASE_PROBING = 0;
const PHASE_ACTIVE = 1;
const PHASE_DONE = 2;

/** Per-protocol counters, as stats.json writes them. */
export interface ProtocolCountersJSON {
  /** Flows on which a session of the protocol was started. */
  flows: number;
  /** Of those, flows that counted as the protocol (valid messages both ways, or confirm()). */
  confirmed: number;
  /** Sessions that rejected the flow after starting. */
  rejected: number;
  /** Records written, by record type. */
  records: Record<string, number>;
  /** Anomaly events, by event name (without the protocol prefix). */
  events: Record<string, number>;
  /** Bugs in the dissector contained by the guard. */
  internal_errors: number;
}

class ProtocolCounters {
  flows = 0;
  confirmed = 0;
  rejected = 0;
  /** Records written per type, each count in a box; the last type's box is at hand. */
  readonly records = new Map<string, { n: number }>();
  lastType: string | null = null;
  lastCount: { n: number } = { n: 0 };
  readonly events = new Map<string, number>();
  internalErrors = 0;
}

/** Everything the stage keeps for one flow (Flow.app). */
class FlowDissect {
  phase = PHASE_PROBING;
  readonly flowId: number;
  readonly transport: Transport;
  /** Probing: kept payload in arrival order, bytes and chunks per side. */
  kept: { isOrig: boolean; bytes: Uint8Array }[] = [];
  keptBytes = [0, 0];
  probed = [0, 0];
  /** Probing: per protocol of the candidate list, bit 1 = NO from orig, bit 2 = NO from resp. */
  no: Uint8Array | null = null;
  top: Ctx | null = null;
  readonly sessions: Ctx[] = [];
  info: Info | null = null;
  /** Protocol ids that counted, in the order they did (conn `service`). */
  services: string[] = [];
  weirds: Map<string, number> | null = null;

  constructor(flowId: number, transport: Transport) {
    this.flowId = flowId;
    this.transport = transport;
  }
}

class Info implements FlowInfo, RecordFlow {
  readonly uid: string;
  readonly transport: Transport;
  readonly origH: string;
  readonly origP: number;
  readonly respH: string;
  readonly respP: number;
  readonly origMac: string;
  readonly respMac: string;
  readonly vlan: number;
  /** Orientation the strings were made for (a role flip makes new ones). */
  readonly origIsA: boolean;
  /** The record header, reused (its ts set) by each SessionContext.head() call. */
  readonly head: RecordHead;
  /** The inventory's state for this flow (RecordFlow.assets): the Info goes with every record of the flow. */
  assets: unknown = undefined;

  constructor(f: Flow, transport: Transport) {
    this.uid = flowUid(f);
    this.transport = transport;
    this.origIsA = f.origIsS;
    const v6 = f.v6;
    const a = v6 ? formatIPv6(f.s0, f.s1, f.s2, f.s3) : formatIPv4(f.s0);
    const b = v6 ? formatIPv6(f.d0, f.d1, f.d2, f.d3) : formatIPv4(f.d0);
    this.origH = this.origIsA ? a : b;
    this.respH = this.origIsA ? b : a;
    this.origP = this.origIsA ? f.sp : f.dp;
    this.respP = this.origIsA ? f.dp : f.sp;
    const o = f.orig;
    const r = f.resp;
    this.origMac = o.macHi >= 0 ? formatMac(o.macHi, o.macLo) : '';
    this.respMac = r.macHi >= 0 ? formatMac(r.macHi, r.macLo) : '';
    this.vlan = f.vlan;
    this.head = { ts: 0, uid: this.uid, 'id.orig_h': this.origH, 'id.orig_p': this.origP, 'id.resp_h': this.respH, 'id.resp_p': this.respP };
  }
}

/** A session's context (SessionContext), one per session. */
class Ctx implements SessionContext {
  readonly protocol: string;
  readonly def: ProtocolDef;
  readonly fd: FlowDissect;
  readonly m: DissectManager;
  readonly counters: ProtocolCounters;
  session: Session | null = null;
  validOrig = false;
  validResp = false;
  confirmed = false;
  rejected = false;
  readonly isChild: boolean;

  constructor(m: DissectManager, fd: FlowDissect, def: ProtocolDef, isChild: boolean) {
    this.m = m;
    this.fd = fd;
    this.def = def;
    this.protocol = def.id;
    this.counters = m.countersFor(def.id);
    this.isChild = isChild;
  }

  get ts(): number {
    return this.m.ts;
  }

  get flow(): FlowInfo {
    return this.m.info(this.fd);
  }

  record(type: string, fields: RecordFields, ts?: number): void {
    const i = this.m.info(this.fd);
    // An object literal with a spread: V8 clones the fields' shape in one step.
    const r = {
      ts: ts ?? this.m.ts,
      uid: i.uid,
      'id.orig_h': i.origH,
      'id.orig_p': i.origP,
      'id.resp_h': i.respH,
      'id.resp_p': i.respP,
      ...fields,
    };
    this.m.emit(this.counters, type, r, i);
  }

  head(ts?: number): RecordHead {
    const h = this.m.info(this.fd).head;
    h.ts = ts ?? this.m.ts;
    return h;
  }

  rawRecord(type: string, fields: RecordFields): void {
    // The flow's Info as head() left it (a record not built on head() may find none yet).
    this.m.emit(this.counters, type, fields, this.fd.info ?? undefined);
  }

  event(name: string, addl?: string, isOrig?: boolean): void {
    this.m.event(this.counters, this.protocol, this.fd, name, addl, isOrig);
  }

  valid(isOrig: boolean): void {
    if (isOrig) this.validOrig = true;
    else this.validResp = true;
    if (!this.confirmed && this.validOrig && this.validResp) this.confirm();
  }

  confirm(): void {
    if (this.confirmed) return;
    this.confirmed = true;
    this.counters.confirmed++;
    if (!this.fd.services.includes(this.protocol)) this.fd.services.push(this.protocol);
  }

  reject(_reason: string): void {
    if (this.rejected) return;
    this.rejected = true;
    this.counters.rejected++;
    if (this.fd.top === this) this.fd.phase = PHASE_DONE;
  }

  openChild(parent: string, isOrig: boolean, d: Uint8Array, off: number, len: number): Session | null {
    return this.m.openChild(this.fd, parent, isOrig, d, off, len);
  }

  get shared(): SharedState | null {
    return this.def.shared === undefined ? null : this.m.sharedFor(this.def);
  }
}

class L2Ctx implements L2Context {
  readonly protocol: string;
  private readonly m: DissectManager;
  private readonly counters: ProtocolCounters;
  constructor(m: DissectManager, def: L2ProtocolDef | ProtocolDef) {
    this.m = m;
    this.protocol = def.id;
    this.counters = m.countersFor(def.id);
  }
  get ts(): number {
    return this.m.ts;
  }
  record(type: string, fields: RecordFields): void {
    this.m.emit(this.counters, type, fields, undefined);
  }
  event(name: string, addl?: string): void {
    this.m.event(this.counters, this.protocol, null, name, addl, undefined);
  }
}

export class DissectManager implements FlowListener {
  readonly registry: Registry;
  private readonly out: DissectOutput;
  /** Time of the packet being processed; the engine sets it for every frame. */
  ts = 0;
  private readonly counters = new Map<string, ProtocolCounters>();
  private readonly l2Sessions = new Map<string, L2Session>();
  /** ProtocolDef.shared states, by protocol id (made at first use). */
  private readonly sharedStates = new Map<string, SharedState>();
  /** weird records written per event name and address pair, for events outside a flow's sessions. */
  private readonly pairWeirds = new Map<string, number>();
  /** The frame of the layer-2 callback under way, else null. */
  private l2Frame: Packet | null = null;
  private readonly hint: ProbeHint = { transport: 'tcp', portMatch: false, isOrig: true, srcPort: 0, dstPort: 0 };
  /** The flow of the current callback (its view is valid during the callback only). */
  private cur: Flow | null = null;
  internalErrors = 0;
  firstInternalError = '';

  constructor(registry: Registry, out: DissectOutput) {
    this.registry = registry;
    this.out = out;
    for (const p of registry.protocols) this.countersFor(p.id);
    for (const p of registry.l2) this.countersFor(p.id);
  }

  countersFor(id: string): ProtocolCounters {
    let c = this.counters.get(id);
    if (c === undefined) this.counters.set(id, (c = new ProtocolCounters()));
    return c;
  }

  // ---- FlowListener ----

  flowStart(_flow: Flow): void {
    // State is made on the first payload: most flows never carry any.
  }

  tcpData(flow: Flow, isOrig: boolean, data: Uint8Array, off: number, len: number): void {
    if (len <= 0) return;
    let fd = flow.app as FlowDissect | null;
    if (fd === null) {
      fd = new FlowDissect(flow.id, 'tcp');
      flow.app = fd;
    }
    if (fd.phase === PHASE_DONE) return;
    this.cur = flow;
    if (fd.phase === PHASE_ACTIVE) {
      const top = fd.top!;
      try {
        top.session!.data(isOrig, data, off, len);
      } catch (e) {
        this.contain(fd, top, e);
      }
      return;
    }
    this.probeStream(flow, fd, isOrig, data, off, len);
  }

  tcpGap(flow: Flow, isOrig: boolean, len: number): void {
    const fd = flow.app as FlowDissect | null;
    if (fd === null || fd.phase === PHASE_DONE) return;
    if (fd.phase === PHASE_PROBING) {
      // A hole before any protocol was chosen: what was kept no longer lines up.
      if (fd.kept.length > 0) fd.phase = PHASE_DONE;
      return;
    }
    this.cur = flow;
    const top = fd.top!;
    try {
      top.session!.gap(isOrig, len);
    } catch (e) {
      this.contain(fd, top, e);
    }
  }

  udpData(flow: Flow, isOrig: boolean, p: Packet): void {
    const len = p.payloadCaplen;
    if (len <= 0) return;
    let fd = flow.app as FlowDissect | null;
    if (fd === null) {
      fd = new FlowDissect(flow.id, 'udp');
      flow.app = fd;
    }
    if (fd.phase === PHASE_DONE) return;
    this.cur = flow;
    if (fd.phase === PHASE_ACTIVE) {
      const top = fd.top!;
      try {
        top.session!.data(isOrig, p.data, p.payloadOff, len);
      } catch (e) {
        this.contain(fd, top, e);
      }
      return;
    }
    const side = isOrig ? 0 : 1;
    if (fd.probed[side] >= PROBE_CHUNKS) {
      this.giveUp(fd);
      return;
    }
    fd.probed[side]++;
    const def = this.choose(flow, fd, 'udp', isOrig, p.data, p.payloadOff, len);
    if (def === null) return;
    const ctx = this.start(fd, def, 'udp');
    if (ctx === null) return;
    try {
      ctx.session!.data(isOrig, p.data, p.payloadOff, len);
    } catch (e) {
      this.contain(fd, ctx, e);
    }
  }

  flowEnd(flow: Flow): void {
    const fd = flow.app as FlowDissect | null;
    if (fd === null) return;
    this.cur = flow;
    if (fd.top !== null && !fd.top.rejected) {
      for (const c of fd.sessions) {
        if (c.rejected || c.session === null) continue;
        try {
          c.session.end();
        } catch (e) {
          this.contain(fd, c, e);
        }
      }
    }
    if (fd.services.length > 0) flow.service = fd.services.join(',');
    flow.app = null;
    this.cur = null;
  }

  // ---- layer 2 ----

  /** A frame the decoder classified as OUTCOME.L2. */
  l2(p: Packet): void {
    let def: L2ProtocolDef | undefined;
    if (p.ethertype >= 0x0600) def = this.registry.l2ForEthertype(p.ethertype);
    else {
      const d = p.data;
      const o = p.l2PayloadOff;
      if (p.end - o >= 8 && d[o] === 0xaa && d[o + 1] === 0xaa && d[o + 2] === 0x03) {
        const ouiType = ((d[o + 3] << 16) | (d[o + 4] << 8) | d[o + 5]) * 65536 + ((d[o + 6] << 8) | d[o + 7]);
        def = this.registry.l2ForSnap(ouiType);
      }
    }
    if (def === undefined) return;
    this.l2Frame = p;
    try {
      let s = this.l2Sessions.get(def.id);
      if (s === undefined) {
        s = def.create(new L2Ctx(this, def));
        this.l2Sessions.set(def.id, s);
      }
      s.frame(p);
    } catch (e) {
      this.countersFor(def.id).internalErrors++;
      this.noteInternal(e);
    }
    this.l2Frame = null;
  }

  /** End of input (after the flow table's flush): layer-2 protocols and shared states write what is pending. */
  finish(): void {
    this.cur = null;
    for (const [id, s] of this.l2Sessions) {
      try {
        s.end();
      } catch (e) {
        this.countersFor(id).internalErrors++;
        this.noteInternal(e);
      }
    }
    for (const [id, s] of this.sharedStates) {
      try {
        s.end();
      } catch (e) {
        this.countersFor(id).internalErrors++;
        this.noteInternal(e);
      }
    }
  }

  /** The state `def`'s sessions share in this engine, made at first use. */
  sharedFor(def: ProtocolDef): SharedState {
    let s = this.sharedStates.get(def.id);
    if (s === undefined) {
      s = def.shared!(new L2Ctx(this, def));
      this.sharedStates.set(def.id, s);
    }
    return s;
  }

  // ---- probing ----

  private probeStream(flow: Flow, fd: FlowDissect, isOrig: boolean, data: Uint8Array, off: number, len: number): void {
    const side = isOrig ? 0 : 1;
    if (fd.probed[side] >= PROBE_CHUNKS || fd.keptBytes[side] >= PROBE_BYTES) {
      // This side sent its probe budget and nothing claimed the flow.
      this.giveUp(fd);
      return;
    }
    fd.probed[side]++;
    const take = Math.min(len, PROBE_BYTES - fd.keptBytes[side]);
    fd.kept.push({ isOrig, bytes: data.slice(off, off + take) });
    fd.keptBytes[side] += take;
    // Probe on everything this side sent so far (a first message may span chunks).
    let buf: Uint8Array;
    let boff: number;
    let blen: number;
    if (fd.probed[side] === 1) {
      buf = data;
      boff = off;
      blen = len;
    } else {
      buf = new Uint8Array(fd.keptBytes[side]);
      let o = 0;
      for (const k of fd.kept) {
        if (k.isOrig !== isOrig) continue;
        buf.set(k.bytes, o);
        o += k.bytes.length;
      }
      boff = 0;
      blen = o;
    }
    const def = this.choose(flow, fd, 'tcp', isOrig, buf, boff, blen);
    if (def === null) return;
    const ctx = this.start(fd, def, 'tcp');
    const kept = fd.kept;
    fd.kept = [];
    if (ctx === null) return;
    // Replay what was kept (the current chunk is the last of it, possibly cut at PROBE_BYTES).
    try {
      for (let i = 0; i < kept.length; i++) {
        if (ctx.rejected) return;
        const k = kept[i];
        if (i === kept.length - 1) ctx.session!.data(isOrig, data, off, len);
        else ctx.session!.data(k.isOrig, k.bytes, 0, k.bytes.length);
      }
    } catch (e) {
      this.contain(fd, ctx, e);
    }
  }

  private giveUp(fd: FlowDissect): void {
    fd.phase = PHASE_DONE;
    fd.kept = [];
    fd.no = null;
  }

  /**
   * The protocol whose probe says YES, trying the responder port's protocols first (then
   * the originator port's, then all); null if none yet. A NO excludes a protocol found by
   * content at once; a protocol of the flow's port is excluded once both sides said NO (a
   * capture that starts in the middle of a stream may begin with part of a message).
   */
  private choose(flow: Flow, fd: FlowDissect, transport: Transport, isOrig: boolean, d: Uint8Array, off: number, len: number): ProtocolDef | null {
    const reg = this.registry;
    const origP = flow.origIsS ? flow.sp : flow.dp;
    const respP = flow.origIsS ? flow.dp : flow.sp;
    const h = this.hint;
    h.transport = transport;
    h.isOrig = isOrig;
    h.srcPort = isOrig ? origP : respP;
    h.dstPort = isOrig ? respP : origP;
    const onPort = transport === 'tcp' ? reg.tcpOnPort(respP) : reg.udpOnPort(respP);
    const onOrigPort = transport === 'tcp' ? reg.tcpOnPort(origP) : reg.udpOnPort(origP);
    const all = transport === 'tcp' ? reg.tcpAll : reg.udpAll;
    if (fd.no === null) fd.no = new Uint8Array(all.length);
    const no = fd.no;
    const bit = isOrig ? 1 : 2;
    for (let pass = 0; pass < 3; pass++) {
      const list = pass === 0 ? onPort : pass === 1 ? onOrigPort : all;
      h.portMatch = pass < 2;
      for (let i = 0; i < list.length; i++) {
        const def = list[i];
        const ai = pass === 2 ? i : all.indexOf(def);
        if (ai < 0) continue;
        if (pass === 2 && (onPort.includes(def) || onOrigPort.includes(def))) continue;
        const n = no[ai];
        if ((n & bit) !== 0 || (n & 4) !== 0) continue;
        let r: number;
        try {
          r = def.probe(d, off, len, h);
        } catch (e) {
          this.countersFor(def.id).internalErrors++;
          this.noteInternal(e);
          r = PROBE.NO;
        }
        if (r === PROBE.YES) return def;
        if (r === PROBE.NO) {
          // bit 4: out for good.
          const m = n | bit;
          no[ai] = !h.portMatch || m === 3 ? m | 4 : m;
        }
      }
    }
    let live = false;
    for (let i = 0; i < no.length && !live; i++) live = (no[i] & 4) === 0;
    if (!live) this.giveUp(fd);
    return null;
  }

  private start(fd: FlowDissect, def: ProtocolDef, transport: Transport): Ctx | null {
    const ctx = new Ctx(this, fd, def, false);
    ctx.counters.flows++;
    fd.top = ctx;
    fd.sessions.push(ctx);
    fd.phase = PHASE_ACTIVE;
    fd.no = null;
    try {
      ctx.session = def.create(ctx, transport);
    } catch (e) {
      this.contain(fd, ctx, e);
      return null;
    }
    return ctx;
  }

  openChild(fd: FlowDissect, parent: string, isOrig: boolean, d: Uint8Array, off: number, len: number): Session | null {
    const kids = this.registry.children(parent);
    if (kids.length === 0 || fd.sessions.length > MAX_CHILDREN) return null;
    const info = this.info(fd);
    const h: ProbeHint = { transport: fd.transport, portMatch: true, isOrig, srcPort: isOrig ? info.origP : info.respP, dstPort: isOrig ? info.respP : info.origP };
    for (const def of kids) {
      let r: number;
      try {
        r = def.probe(d, off, len, h);
      } catch (e) {
        this.countersFor(def.id).internalErrors++;
        this.noteInternal(e);
        continue;
      }
      if (r !== PROBE.YES) continue;
      const ctx = new Ctx(this, fd, def, true);
      ctx.counters.flows++;
      const s = def.create(ctx, fd.transport);
      ctx.session = s;
      fd.sessions.push(ctx);
      return s;
    }
    return null;
  }

  // ---- output ----

  info(fd: FlowDissect): Info {
    let i = fd.info;
    const f = this.cur;
    if (i === null || (f !== null && f.id === fd.flowId && f.origIsS !== i.origIsA)) {
      if (f === null || f.id !== fd.flowId) throw new Error('dissect: flow info asked outside a callback of its flow');
      i = new Info(f, fd.transport);
      fd.info = i;
    }
    return i;
  }

  emit(c: ProtocolCounters, type: string, record: object, flow: Info | undefined): void {
    if (type !== c.lastType) {
      let b = c.records.get(type);
      if (b === undefined) c.records.set(type, (b = { n: 0 }));
      c.lastType = type;
      c.lastCount = b;
    }
    c.lastCount.n++;
    this.out.write(type, record, flow);
  }

  event(c: ProtocolCounters, protocol: string, fd: FlowDissect | null, name: string, addl: string | undefined, isOrig: boolean | undefined): void {
    c.events.set(name, (c.events.get(name) ?? 0) + 1);
    const full = `${protocol}.${name}`;
    let w: WeirdRecord;
    if (fd !== null) {
      const seen = fd.weirds ?? (fd.weirds = new Map());
      const n = seen.get(full) ?? 0;
      seen.set(full, n + 1);
      if (n >= WEIRDS_PER_FLOW) return;
      const i = this.info(fd);
      w = {
        ts: this.ts, uid: i.uid, 'id.orig_h': i.origH, 'id.orig_p': i.origP, 'id.resp_h': i.respH, 'id.resp_p': i.respP,
        name: full, addl, notice: false, peer: 'palisade', source: protocol,
        direction: isOrig === undefined ? undefined : isOrig ? 'orig' : 'resp',
      };
    } else {
      const key = `${full} ${this.weirdPair()}`;
      const n = this.pairWeirds.get(key);
      if (n === undefined) {
        if (this.pairWeirds.size >= MAX_WEIRD_PAIRS) return;
        this.pairWeirds.set(key, 1);
      } else {
        this.pairWeirds.set(key, n + 1);
        if (n >= WEIRDS_PER_PAIR_EVENT) return;
      }
      w = { ts: this.ts, name: full, addl, notice: false, peer: 'palisade', source: protocol };
    }
    this.out.write('weird', w);
  }

  /** The address pair of an event outside a flow's sessions (see WEIRDS_PER_PAIR_EVENT); '' at the end of input. */
  private weirdPair(): string {
    const p = this.l2Frame;
    if (p !== null) {
      const m = p.macOff;
      const vlans = `${p.vlan}/${p.innerVlan}`;
      if (m < 0) return vlans;
      const d = p.frame;
      const a = formatMac((d[m] << 8) | d[m + 1], ((d[m + 2] << 24) | (d[m + 3] << 16) | (d[m + 4] << 8) | d[m + 5]) >>> 0);
      const b = formatMac((d[m + 6] << 8) | d[m + 7], ((d[m + 8] << 24) | (d[m + 9] << 16) | (d[m + 10] << 8) | d[m + 11]) >>> 0);
      return a < b ? `${a} ${b} ${vlans}` : `${b} ${a} ${vlans}`;
    }
    const f = this.cur;
    if (f === null) return '';
    const a = f.v6 ? formatIPv6(f.s0, f.s1, f.s2, f.s3) : formatIPv4(f.s0);
    const b = f.v6 ? formatIPv6(f.d0, f.d1, f.d2, f.d3) : formatIPv4(f.d0);
    return a < b ? `${a} ${b} ${f.vlan}` : `${b} ${a} ${f.vlan}`;
  }

  private contain(fd: FlowDissect, ctx: Ctx, e: unknown): void {
    ctx.counters.internalErrors++;
    this.noteInternal(e);
    ctx.rejected = true;
    const top = fd.top;
    if (top !== null) top.rejected = true;
    fd.phase = PHASE_DONE;
    try {
      this.event(ctx.counters, ctx.protocol, fd, 'internal_error', e instanceof Error ? e.message : String(e), undefined);
    } catch {
      // the flow's info could not be made: the count above stands
    }
  }

  private noteInternal(e: unknown): void {
    this.internalErrors++;
    if (this.firstInternalError === '') this.firstInternalError = String((e as Error)?.stack ?? e);
  }

  /** Per-protocol counters for stats.json (protocols with no activity are left out). */
  countersJSON(): Record<string, ProtocolCountersJSON> {
    const out: Record<string, ProtocolCountersJSON> = {};
    for (const [id, c] of this.counters) {
      if (c.flows === 0 && c.records.size === 0 && c.events.size === 0 && c.internalErrors === 0) continue;
      out[id] = {
        flows: c.flows,
        confirmed: c.confirmed,
        rejected: c.rejected,
        records: Object.fromEntries([...c.records].map(([t, b]) => [t, b.n])),
        events: Object.fromEntries(c.events),
        internal_errors: c.internalErrors,
      };
    }
    return out;
  }
}

/** Sums per-protocol counters of several shards. */
export function mergeDissectCounters(all: Record<string, ProtocolCountersJSON>[]): Record<string, ProtocolCountersJSON> {
  const out: Record<string, ProtocolCountersJSON> = {};
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  for (const m of all) {
    for (const [id, c] of Object.entries(m)) {
      const o = (out[id] ??= { flows: 0, confirmed: 0, rejected: 0, records: {}, events: {}, internal_errors: 0 });
      o.flows += c.flows;
      o.confirmed += c.confirmed;
      o.rejected += c.rejected;
      add(o.records, c.records);
      add(o.events, c.events);
      o.internal_errors += c.internal_errors;
    }
  }
  const sorted: Record<string, ProtocolCountersJSON> = {};
  for (const id of Object.keys(out).sort()) sorted[id] = out[id];
  return sorted;
}

