// The flow table: bidirectional flows keyed by the 5-tuple and VLAN tags, TCP endpoint
// state as Zeek keeps it (so conn_state and history mean what they mean in Zeek), timeouts,
// a memory cap, and per-direction TCP reassembly handed to a FlowListener.
//
// Hot path: one symmetric hash, an open-addressing probe over an Int32Array, a few field
// updates. No allocation per packet except when a flow is created.
import { IPPROTO, TCP_FLAG, type Packet } from '../decode/packet.ts';
import { DEFAULT_REASSEMBLY_LIMITS, TcpReassembler, type ReassemblyLimits, type StreamSink } from './reassembly.ts';
import {
  BLOCK, E_ACK_SEQ, E_ACK_WRAPS, E_FLAGS, E_IP_BYTES, E_L2_BYTES, E_LAST_SEQ, E_PKTS, E_RXMT_CNT, E_RXMT_THRESH, E_SEQ_WRAPS, E_SIZE,
  E_START_SEQ, E_STATE, E_SYN_WIN, E_TTL, EF_DID_CLOSE, F_HIST_SEEN, SIDE_A, SIDE_B, F_D0, F_D1, F_D2, F_D3, F_DEADLINE, F_FLAGS, F_HASH, F_ICMP_CODE, F_LAST_TS,
  F_PORTS, F_PVL, F_S0, F_S1, F_S2, F_S3, F_SCHED, F_START_TS, FL_ALIVE, FL_ORIG_IS_A, FL_V6, Flow, FlowStore, TCP_STATE,
  type Endpoint,
} from './flow.ts';
import { allocBlock } from './num-store.ts';
import { LIKELY_SERVER_TCP, LIKELY_SERVER_UDP } from './server-ports.ts';

export interface FlowConfig {
  /** Seconds without packets before an established TCP connection ends (Zeek: tcp_inactivity_timeout). */
  tcpInactivity: number;
  /** Same while both sides are still in the handshake (Zeek uses udp_inactivity_timeout here). */
  tcpHandshakeInactivity: number;
  /** Seconds after an unanswered SYN before the attempt ends (Zeek: tcp_attempt_delay). */
  tcpAttempt: number;
  /** Seconds a closed or reset connection lingers for late packets (Zeek: tcp_close_delay). */
  tcpClose: number;
  udpInactivity: number;
  icmpInactivity: number;
  /** Most flows held at once; beyond it the flow nearest its timeout is ended early (counted as evicted). */
  maxFlows: number;
  reassembly: ReassemblyLimits;
}

export const DEFAULT_FLOW_CONFIG: Readonly<FlowConfig> = Object.freeze({
  tcpInactivity: 300,
  tcpHandshakeInactivity: 60,
  tcpAttempt: 5,
  tcpClose: 5,
  udpInactivity: 60,
  icmpInactivity: 60,
  maxFlows: 500_000,
  reassembly: DEFAULT_REASSEMBLY_LIMITS,
});

/** What the flow table tells the stages after it (dissectors). All methods are called synchronously. */
export interface FlowListener {
  flowStart(flow: Flow): void;
  /** Reassembled TCP payload of one side, in order. A view: valid during the call only. */
  tcpData(flow: Flow, isOrig: boolean, data: Uint8Array, off: number, len: number): void;
  /** len bytes of one side's TCP stream were not captured. */
  tcpGap(flow: Flow, isOrig: boolean, len: number): void;
  /** A UDP datagram's payload (p.data[p.payloadOff, +p.payloadCaplen)). */
  udpData(flow: Flow, isOrig: boolean, p: Packet): void;
  /** The flow ends (timeout, close, eviction or end of input), just before its record is written. */
  flowEnd(flow: Flow): void;
  /**
   * The time of what the listener writes (a packet's time). While a flow ends by timeout the
   * table sets it to the flow's deadline, and at the end of an epoch or of input to the
   * capture clock, then puts it back: what a flow writes as it ends is stamped with when it
   * ended, which is the same whatever packets (of other flows) an engine saw.
   */
  ts?: number;
}

/** Receives every flow once, when it ends. */
export interface FlowSink {
  flowDone(flow: Flow, reason: number): void;
}

export const END_REASON = { TIMEOUT: 0, EVICTED: 1, FLUSH: 2, REUSE: 3 } as const;

export class FlowTableStats {
  flowsCreated = 0;
  flowsEnded = 0;
  /** Flows ended early because the table was full. */
  flowsEvicted = 0;
  maxActive = 0;
  /** TCP reassembly: bytes reported as gaps, segments that hit a buffer cap, retransmitted segments, conflicting overlaps. */
  tcpGapBytes = 0;
  tcpGaps = 0;
  tcpCapHits = 0;
  tcpRetransmits = 0;
  tcpOverlapConflicts = 0;
  tcpTruncatedPayloads = 0;
}

const WHEEL = 4096; // seconds covered by the timer wheel (a power of two)
// Ended flows are all kept for reuse: each owns a block of the numeric store (flow.ts), so the
// pool never holds more than the most flows ever active at once.
const WHEEL_MASK = WHEEL - 1;
const TOO_LARGE_SEQ_DELTA = 1048576;

// History bits (Zeek's hist_seen); the responder's are shifted by 16.
const H_SYN = 0x1;
const H_FIN = 0x2;
const H_RST = 0x4;
const H_FIN_RST = 0x8;
const H_DATA = 0x10;
const H_ACK = 0x20;
const H_MULTI = 0x40;

const { FIN, SYN, RST, ACK } = TCP_FLAG;
const S = TCP_STATE;

export class FlowTable implements StreamSink<number> {
  readonly stats = new FlowTableStats();
  private readonly cfg: FlowConfig;
  private readonly sink: FlowSink;
  private readonly listener: FlowListener | null;
  /** Every flow's numbers and objects, by flow id (see flow.ts). */
  readonly store = new FlowStore(1024);
  /** The view of the packet's flow; `ev` serves ending flows, `cv` the reassemblers' callbacks. */
  private readonly v = new Flow(this.store);
  private readonly ev = new Flow(this.store);
  private readonly cv = new Flow(this.store);
  /** Open-addressing index: flow id + 1 per slot (0 = empty). Grows by doubling at half load. */
  private slots: Int32Array;
  private mask: number;
  private readonly maxSlots: number;
  /** One past the highest flow id in use; ids of ended flows are reused first. */
  private nextId = 0;
  private readonly freeIds: number[] = [];
  private active = 0;
  /** Flow ids by the wheel second they are filed under (stale entries are skipped). */
  private readonly buckets: number[][] = [];
  /** Last second the wheel has processed; -1 before the first packet. */
  private wheelNow = -1;
  /** While the wheel processes second t, flows can only be scheduled after it. */
  private wheelFloor = 0;
  /** Newest packet time seen (time never runs backwards for timeouts). */
  now = 0;
  /** Set by lookup(): whether the packet travels from the flow's side A to side B. */
  private fwd = true;
  private probeHash = 0;
  /** True while an acknowledgement is being processed (only those gaps are missed bytes, as in Zeek). */
  private inAck = false;

  constructor(sink: FlowSink, listener: FlowListener | null = null, cfg: Partial<FlowConfig> = {}) {
    this.cfg = { ...DEFAULT_FLOW_CONFIG, ...cfg };
    this.sink = sink;
    this.listener = listener;
    let max = 1024;
    while (max < this.cfg.maxFlows * 2) max *= 2;
    this.maxSlots = max;
    const cap = Math.min(max, 1 << 14);
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < WHEEL; i++) this.buckets.push([]);
  }

  get activeFlows(): number {
    return this.active;
  }

  /** Whether flow `id` is open (ids are reused after a flow ends). */
  flowAlive(id: number): boolean {
    return id < this.nextId && (this.store.f[id * BLOCK + F_FLAGS] & FL_ALIVE) !== 0;
  }

  /**
   * Moves the table's clock to `now` (the newest packet time of the whole capture, which a
   * worker learns from the reader): flows whose timeout passed are ended. Time never runs
   * backwards here.
   */
  clock(now: number): void {
    if (now > this.now) {
      this.now = now;
      if (now >= this.wheelNow + 1) this.advance(now);
    }
  }

  /** A new capture epoch (time jumped far back): every open flow ends and the clock restarts. */
  newEpoch(): void {
    this.flush();
    this.now = 0;
    this.wheelNow = -1;
    this.wheelFloor = 0;
    for (let i = 0; i < WHEEL; i++) this.buckets[i] = [];
  }

  /** One packet whose outcome was OUTCOME.FLOW. */
  packet(p: Packet): void {
    const ts = p.ts;
    if (ts > this.now) this.clock(ts);
    const fd = this.store.f;
    let id = this.lookup(p);
    if (id >= 0 && fd[id * BLOCK + F_DEADLINE] <= this.now) {
      // Timed out between wheel ticks (the wheel has one-second buckets). The test is against
      // the capture clock, not this packet's time, so that it does not depend on which other
      // packets a worker saw.
      this.end(id, END_REASON.TIMEOUT);
      id = -1;
    }
    const proto = p.ipProto;
    if (id >= 0 && proto === IPPROTO.TCP && (p.tcpFlags & SYN) !== 0 && this.isReuse(this.v.bind(id), p)) {
      this.end(id, END_REASON.REUSE);
      id = -1;
    }
    if (id < 0) id = this.create(p);
    const st = this.store.f; // create() may have grown the store
    const b = id * BLOCK;
    const fwd = this.fwd;
    // Side A sent the flow's first packet; this packet is from A when it travels forward.
    const eb = b + (fwd ? SIDE_A : SIDE_B);
    if (++st[eb + E_PKTS] === 1) st[eb + E_TTL] = p.ttl + 1;
    st[eb + E_IP_BYTES] += p.ipLen;
    st[eb + E_L2_BYTES] += p.wirelen;
    if (proto === IPPROTO.TCP) {
      if (this.tcpEstablished(id, b, eb, fwd, p)) return;
      // The SYN's window is part of the sender's OS fingerprint.
      if ((p.tcpFlags & SYN) !== 0 && st[eb + E_SYN_WIN] === 0) st[eb + E_SYN_WIN] = p.window + 1;
    }
    const f = this.v.bind(id);
    const isOrig = fwd === f.origIsS;
    if (proto === IPPROTO.TCP) this.tcp(f, isOrig, p);
    else {
      st[f.b + F_LAST_TS] = ts;
      st[eb + E_SIZE] = (st[eb + E_SIZE] < 0 ? 0 : st[eb + E_SIZE]) + p.payloadLen;
      if (proto === IPPROTO.UDP) {
        this.checkHistory(f, isOrig, H_DATA, 'D');
        if (this.listener !== null) this.listener.udpData(f, isOrig, p);
      }
    }
    const d = this.deadline(f);
    st[f.b + F_DEADLINE] = d;
    if (Math.floor(d) < st[f.b + F_SCHED]) this.schedule(id);
  }

  /** Ends every flow whose timeout passed by `now` (seconds). Called by packet(); call it for idle live captures. */
  advance(now: number): void {
    const sec = Math.floor(now);
    if (this.wheelNow < 0) {
      this.wheelNow = sec - 1;
      this.wheelFloor = sec;
      return;
    }
    if (sec <= this.wheelNow) return;
    const from = sec - this.wheelNow > WHEEL ? sec - WHEEL + 1 : this.wheelNow + 1;
    for (let t = from; t <= sec; t++) {
      const idx = t & WHEEL_MASK;
      const list = this.buckets[idx];
      if (list.length === 0) continue;
      this.buckets[idx] = [];
      this.wheelFloor = t + 1;
      for (let i = 0; i < list.length; i++) {
        const id = list[i];
        const b = id * BLOCK;
        const fd = this.store.f;
        const at = fd[b + F_SCHED];
        // Skip stale entries: the flow ended, or was filed under another second since.
        if ((fd[b + F_FLAGS] & FL_ALIVE) === 0 || (at & WHEEL_MASK) !== idx) continue;
        if (at > sec) {
          this.buckets[idx].push(id);
          continue;
        }
        if (fd[b + F_DEADLINE] <= now) this.end(id, END_REASON.TIMEOUT);
        else this.schedule(id);
      }
    }
    this.wheelNow = sec;
    this.wheelFloor = sec + 1;
  }

  /** End of input: ends every flow still open, oldest first. */
  flush(): void {
    const open: number[] = [];
    const fd = this.store.f;
    for (let id = 0; id < this.nextId; id++) if ((fd[id * BLOCK + F_FLAGS] & FL_ALIVE) !== 0) open.push(id);
    open.sort((x, y) => fd[x * BLOCK + F_START_TS] - fd[y * BLOCK + F_START_TS] || x - y);
    for (const id of open) this.end(id, END_REASON.FLUSH);
  }

  // ---- StreamSink<number>: what the reassemblers hand over; ctx = 2 * flow id + side ----

  data(ctx: number, _dir: 0 | 1, data: Uint8Array, off: number, len: number): void {
    if (this.listener === null) return;
    const f = this.cv.bind(ctx >> 1);
    this.listener.tcpData(f, (ctx & 1) === 0 === f.origIsS, data, off, len);
  }

  gap(ctx: number, _dir: 0 | 1, len: number): void {
    const f = this.cv.bind(ctx >> 1);
    const ep = (ctx & 1) === 0 ? f.a : f.bSide;
    const peer = (ctx & 1) === 0 ? f.bSide : f.a;
    const isOrig = ep === f.orig;
    this.stats.tcpGapBytes += len;
    this.stats.tcpGaps++;
    // As Zeek: only gaps of a cleanly established (or cleanly closing) connection are content
    // gaps (history 'G', missed_bytes); elsewhere they come from RST sequence numbers or
    // from packets before a mid-stream pickup.
    if (isClean(ep) && isClean(peer) && this.inAck) {
      ep.missedBytes += len;
      const t = ep.gapThresh;
      if (++ep.gapCnt === t) {
        this.addHistory(f, isOrig ? 'G' : 'g');
        ep.gapThresh = t * 10;
      }
    }
    if (this.listener !== null) this.listener.tcpGap(f, isOrig, len);
  }

  // ---- lookup and table maintenance ----

  /** The id of the packet's flow, or -1. Sets `fwd` and `probeHash`. */
  private lookup(p: Packet): number {
    const h = flowHash(p);
    // create() reuses it, also after a found flow was ended (timeout, port reuse).
    this.probeHash = h;
    const slots = this.slots;
    const mask = this.mask;
    const fd = this.store.f;
    const pvl = p.ipProto + (p.vlan + 1) * 256 + (p.innerVlan + 1) * 1048832;
    const fwdPorts = p.sport * 65536 + p.dport;
    const revPorts = p.dport * 65536 + p.sport;
    const v6 = p.ipVersion === 6;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = slots[i];
      if (s === 0) return -1;
      const b = (s - 1) * BLOCK;
      if (fd[b + F_HASH] !== h || fd[b + F_PVL] !== pvl) continue;
      const ports = fd[b + F_PORTS];
      if (ports === fwdPorts && fd[b + F_S0] === p.src0 && fd[b + F_D0] === p.dst0) {
        if (!v6 || (fd[b + F_S1] === p.src1 && fd[b + F_S2] === p.src2 && fd[b + F_S3] === p.src3 && fd[b + F_D1] === p.dst1 && fd[b + F_D2] === p.dst2 && fd[b + F_D3] === p.dst3)) {
          this.fwd = true;
          return s - 1;
        }
      }
      if (ports === revPorts && fd[b + F_S0] === p.dst0 && fd[b + F_D0] === p.src0) {
        if (!v6 || (fd[b + F_S1] === p.dst1 && fd[b + F_S2] === p.dst2 && fd[b + F_S3] === p.dst3 && fd[b + F_D1] === p.src1 && fd[b + F_D2] === p.src2 && fd[b + F_D3] === p.src3)) {
          this.fwd = false;
          return s - 1;
        }
      }
    }
  }

  private create(p: Packet): number {
    if (this.active >= this.cfg.maxFlows) this.evictOne();
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.nextId++;
    const st = this.store;
    st.ensure(id);
    st.clear(id);
    const fd = st.f;
    const b = id * BLOCK;
    fd[b + F_HASH] = this.probeHash;
    fd[b + F_S0] = p.src0;
    fd[b + F_D0] = p.dst0;
    fd[b + F_PORTS] = p.sport * 65536 + p.dport;
    fd[b + F_PVL] = p.ipProto + (p.vlan + 1) * 256 + (p.innerVlan + 1) * 1048832;
    fd[b + F_S1] = p.src1;
    fd[b + F_S2] = p.src2;
    fd[b + F_S3] = p.src3;
    fd[b + F_D1] = p.dst1;
    fd[b + F_D2] = p.dst2;
    fd[b + F_D3] = p.dst3;
    fd[b + F_FLAGS] = FL_ALIVE | FL_ORIG_IS_A | (p.ipVersion === 6 ? FL_V6 : 0);
    fd[b + F_ICMP_CODE] = p.icmpCode;
    fd[b + F_START_TS] = p.ts;
    fd[b + F_LAST_TS] = p.ts;
    const f = this.v.bind(id);
    // Layer-2 addresses as Zeek logs them: the first packet's source and destination.
    if (p.macOff >= 0) {
      setMac(f.a, p.frame, p.macOff + 6);
      setMac(f.bSide, p.frame, p.macOff);
    } else if (p.sllAddrOff >= 0 && p.sllAddrLen === 6) {
      setMac(f.a, p.frame, p.sllAddrOff);
    }
    this.insertSlot(id);
    this.active++;
    if (this.active > this.stats.maxActive) this.stats.maxActive = this.active;
    this.stats.flowsCreated++;
    this.fwd = true;
    // Zeek's choice of originator: the first packet's sender, unless that looks like the
    // server (and the packet is not sent to the IPv4 broadcast address).
    const toBroadcast = p.ipVersion !== 6 && p.dst0 === 0xffffffff;
    const proto = p.ipProto;
    if (proto === IPPROTO.TCP) {
      const fl = p.tcpFlags;
      if ((fl & SYN) === 0 || (fl & ACK) !== 0) {
        if (LIKELY_SERVER_TCP[p.sport] === 1) {
          const flip = LIKELY_SERVER_TCP[p.dport] === 1 ? (fl & SYN) === 0 && p.sport < p.dport : true;
          if (flip && !toBroadcast) this.flipRoles(f);
        }
      }
      // Reassemblers are kept by flow id and side, and reused.
      const r = st.reasm;
      const ra = r[2 * id];
      if (ra === undefined || ra === null) r[2 * id] = new TcpReassembler<number>(0, this.cfg.reassembly, allocBlock(4));
      else ra.reset();
      const rb = r[2 * id + 1];
      if (rb === undefined || rb === null) r[2 * id + 1] = new TcpReassembler<number>(1, this.cfg.reassembly, allocBlock(4));
      else rb.reset();
    } else if (proto === IPPROTO.UDP) {
      if (LIKELY_SERVER_UDP[p.sport] === 1 && LIKELY_SERVER_UDP[p.dport] !== 1 && !toBroadcast) this.flipRoles(f);
    }
    fd[b + F_DEADLINE] = p.ts + this.cfg.tcpHandshakeInactivity;
    this.schedule(id);
    if (this.listener !== null) this.listener.flowStart(f);
    return id;
  }

  private insertSlot(id: number): void {
    if ((this.active + 1) * 2 > this.slots.length && this.slots.length < this.maxSlots) this.grow();
    this.place(id);
  }

  private place(id: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = this.store.f[id * BLOCK + F_HASH] & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = id + 1;
  }

  /** Doubles the index and re-inserts every open flow. */
  private grow(): void {
    const cap = this.slots.length * 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    const fd = this.store.f;
    for (let id = 0; id < this.nextId; id++) if ((fd[id * BLOCK + F_FLAGS] & FL_ALIVE) !== 0) this.place(id);
  }

  private removeSlot(id: number): void {
    const slots = this.slots;
    const mask = this.mask;
    const fd = this.store.f;
    const want = id + 1;
    let i = fd[id * BLOCK + F_HASH] & mask;
    while (slots[i] !== want) {
      if (slots[i] === 0) return; // not present (cannot happen)
      i = (i + 1) & mask;
    }
    // Backward-shift deletion keeps linear probing correct without tombstones.
    slots[i] = 0;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const s = slots[j];
      if (s === 0) return;
      const k = fd[(s - 1) * BLOCK + F_HASH] & mask;
      const between = i <= j ? i < k && k <= j : i < k || k <= j;
      if (!between) {
        slots[i] = s;
        slots[j] = 0;
        i = j;
      }
    }
  }

  private schedule(id: number): void {
    const fd = this.store.f;
    const b = id * BLOCK;
    let sec = Math.floor(fd[b + F_DEADLINE]);
    if (sec < this.wheelFloor) sec = this.wheelFloor;
    const last = this.wheelFloor + WHEEL - 2;
    if (sec > last) sec = last;
    fd[b + F_SCHED] = sec;
    this.buckets[sec & WHEEL_MASK].push(id);
  }

  private evictOne(): void {
    // The flow nearest its timeout goes first: walk the wheel forward from now.
    const fd = this.store.f;
    for (let k = 0; k < WHEEL; k++) {
      const idx = (this.wheelFloor + k) & WHEEL_MASK;
      const list = this.buckets[idx];
      for (let i = 0; i < list.length; i++) {
        const id = list[i];
        const b = id * BLOCK;
        if ((fd[b + F_FLAGS] & FL_ALIVE) !== 0 && (fd[b + F_SCHED] & WHEEL_MASK) === idx) {
          this.stats.flowsEvicted++;
          this.end(id, END_REASON.EVICTED);
          return;
        }
      }
    }
  }

  private end(id: number, reason: number): void {
    const f = this.ev.bind(id);
    if (!f.alive) return;
    f.alive = false;
    const l = this.listener;
    const was = l?.ts;
    if (l !== null && was !== undefined) {
      if (reason === END_REASON.TIMEOUT) l.ts = this.store.f[id * BLOCK + F_DEADLINE];
      else if (reason === END_REASON.FLUSH) l.ts = this.now;
    }
    this.ended(id, f, reason);
    if (l !== null && was !== undefined) l.ts = was;
  }

  private ended(id: number, f: Flow, reason: number): void {
    if (f.proto === IPPROTO.TCP) {
      const a = this.store.reasm[2 * id];
      const b = this.store.reasm[2 * id + 1];
      if (a !== null && a !== undefined) {
        a.finish(2 * id, this);
        this.countReasm(a);
      }
      if (b !== null && b !== undefined) {
        b.finish(2 * id + 1, this);
        this.countReasm(b);
      }
    }
    if (this.listener !== null) this.listener.flowEnd(f);
    this.removeSlot(id);
    this.freeIds.push(id);
    this.active--;
    this.stats.flowsEnded++;
    this.sink.flowDone(f, reason);
  }

  private countReasm(r: TcpReassembler<number>): void {
    this.stats.tcpCapHits += r.capHits;
    this.stats.tcpRetransmits += r.retransmits;
    this.stats.tcpOverlapConflicts += r.overlapConflicts;
  }

  private deadline(f: Flow): number {
    const c = this.cfg;
    const proto = f.proto;
    if (proto === IPPROTO.UDP) return f.lastTs + c.udpInactivity;
    if (proto !== IPPROTO.TCP) return f.lastTs + c.icmpInactivity;
    const o = f.orig;
    const r = f.resp;
    if (o.didClose || r.didClose) {
      if ((o.didClose && r.didClose) || o.state === S.RESET || r.state === S.RESET || o.state === S.INACTIVE || r.state === S.INACTIVE)
        return f.lastTs + c.tcpClose;
      return f.lastTs + c.tcpInactivity;
    }
    if (isHandshake(o.state) && isHandshake(r.state)) {
      if ((o.state === S.SYN_SENT || o.state === S.SYN_ACK_SENT) && r.state === S.INACTIVE && f.synTs > 0)
        return f.synTs + c.tcpAttempt;
      return f.lastTs + c.tcpHandshakeInactivity;
    }
    return f.lastTs + c.tcpInactivity;
  }

  // ---- history (Zeek's Connection::CheckHistory / AddHistory) ----

  private addHistory(f: Flow, code: string): void {
    f.history += code;
  }

  /** Logs `code` (upper case for the originator) the first time; returns whether it had been seen before. */
  private checkHistory(f: Flow, isOrig: boolean, mask: number, code: string): boolean {
    const m = isOrig ? mask : mask << 16;
    const seen = f.histSeen;
    if ((seen & m) === 0) {
      f.histSeen = seen | m;
      f.history += isOrig ? code : code.toLowerCase();
      return false;
    }
    return true;
  }

  private flipRoles(f: Flow): void {
    f.origIsS = !f.origIsS;
    f.partial = false;
    f.history += '^';
  }

  // ---- TCP (Zeek's TCPAnalyzer::DeliverPacket and the endpoint state machine) ----

  private isReuse(f: Flow, p: Packet): boolean {
    const fl = p.tcpFlags;
    let connOrig = f.orig;
    if ((fl & ACK) !== 0) {
      if (f.orig.state !== S.INACTIVE) return false;
      connOrig = f.resp;
    }
    if (!(f.orig.didClose && f.resp.didClose)) {
      if (p.seq === connOrig.startSeq) return false;
      if ((fl & ACK) === 0 && connOrig.state === S.SYN_ACK_SENT && f.resp.state === S.INACTIVE && p.seq === f.resp.startSeq)
        return false;
      // Only a SYN that starts a new sequence space on a connection that has started is a reuse.
      return true;
    }
    return true;
  }

  /**
   * The common TCP packet, handled without views: both sides ESTABLISHED (or PARTIAL) and not closing,
   * only ACK (and PSH/URG/ECE/CWR) set, a window above zero, and this side's history
   * letter (D or A) already logged. Does exactly what tcp() and deadline() do for such a
   * packet (nothing of the handshake, close and history logic applies); returns false,
   * having changed nothing, for any other packet.
   */
  private tcpEstablished(id: number, b: number, eb: number, fwd: boolean, p: Packet): boolean {
    const fl = p.tcpFlags;
    if ((fl & (SYN | FIN | RST | ACK)) !== ACK || p.window === 0) return false;
    const st = this.store.f;
    const pb = b + (fwd ? SIDE_B : SIDE_A);
    // ESTABLISHED or PARTIAL (a connection picked up mid-stream): the same code applies to both.
    const es = st[eb + E_STATE];
    const ps = st[pb + E_STATE];
    if ((es !== S.ESTABLISHED && es !== S.PARTIAL) || (ps !== S.ESTABLISHED && ps !== S.PARTIAL)) return false;
    if (((st[eb + E_FLAGS] | st[pb + E_FLAGS]) & EF_DID_CLOSE) !== 0) return false;
    const len = p.payloadLen;
    const isOrig = fwd === ((st[b + F_FLAGS] & FL_ORIG_IS_A) !== 0);
    const bit = len > 0 ? H_DATA : H_ACK;
    if ((st[b + F_HIST_SEEN] & (isOrig ? bit : bit << 16)) === 0) return false;

    const ts = p.ts;
    st[b + F_LAST_TS] = ts;
    const seq = p.seq;
    // relativeSeq(ep, seq, lastSeq, seqWraps) < 0: the segment starts before the stream.
    const last = st[eb + E_LAST_SEQ];
    let wraps = st[eb + E_SEQ_WRAPS];
    const dl = (seq - last) | 0;
    if (dl < 0) {
      if (wraps > 0 && seq > last) wraps--;
    } else if (dl > 0 && seq < last) wraps++;
    const underflow = (wraps === 0 ? (seq - st[eb + E_START_SEQ]) | 0 : wraps * 4294967296 + seq - st[eb + E_START_SEQ]) < 0;

    // The acknowledgement moves the peer's ack_seq forward (update_ack_seq).
    const ack = p.ack;
    const pAck = st[pb + E_ACK_SEQ];
    let aw = st[pb + E_ACK_WRAPS];
    const da = (ack - pAck) | 0;
    if (da < 0) {
      if (aw > 0 && ack > pAck) aw--;
    } else if (da > 0 && ack < pAck) aw++;
    const relAck = aw === 0 ? (ack - st[pb + E_START_SEQ]) | 0 : aw * 4294967296 + ack - st[pb + E_START_SEQ];
    if (relAck >= 0 && !(ack === 0 && da > TOO_LARGE_SEQ_DELTA) && da > 0) {
      if (ack < pAck) st[pb + E_ACK_WRAPS]++;
      st[pb + E_ACK_SEQ] = ack;
    }

    // update_last_seq: a segment that ends beyond the last one moves it; one that does not
    // and carries payload is a retransmission (history T, logged at 1, 10, 100, ... times).
    const onePast = (seq + len) >>> 0;
    const d2 = (onePast - last) | 0;
    if (d2 > 0) {
      if (onePast < last) st[eb + E_SEQ_WRAPS]++;
      st[eb + E_LAST_SEQ] = onePast;
    } else if (len > 0) {
      const t = st[eb + E_RXMT_THRESH];
      if (++st[eb + E_RXMT_CNT] === t) {
        this.store.history[id] += isOrig ? 'T' : 't';
        st[eb + E_RXMT_THRESH] = t * 10;
      }
    }

    const reasm = this.store.reasm;
    const epCtx = 2 * id + (fwd ? 0 : 1);
    const peerCtx = epCtx ^ 1;
    this.inAck = true;
    reasm[peerCtx]!.ackSeen(ack, peerCtx, this);
    this.inAck = false;
    // A pure ACK (no payload, no SYN/FIN/RST here) tells a started stream nothing new; it only
    // anchors the stream of a side picked up mid-stream.
    const r = reasm[epCtx]!;
    if (!underflow && (len > 0 || !r.started)) {
      if (p.payloadCaplen < len) {
        this.stats.tcpTruncatedPayloads++;
        r.segmentTruncated(seq, fl, p.data, p.payloadOff, p.payloadCaplen > 0 ? p.payloadCaplen : 0, len, epCtx, this);
      } else {
        r.segment(seq, fl, p.data, p.payloadOff, len, epCtx, this);
      }
    }
    // The reassembler's callbacks may not end or move the flow; the block is still this flow's.
    const fd = this.store.f;
    const d = ts + this.cfg.tcpInactivity;
    fd[b + F_DEADLINE] = d;
    if (Math.floor(d) < fd[b + F_SCHED]) this.schedule(id);
    return true;
  }

  private tcp(f: Flow, isOrig: boolean, p: Packet): void {
    const ep = isOrig ? f.orig : f.resp;
    const peer = isOrig ? f.resp : f.orig;
    const fl = p.tcpFlags;
    const syn = (fl & SYN) !== 0;
    const fin = (fl & FIN) !== 0;
    const rst = (fl & RST) !== 0;
    const ack = (fl & ACK) !== 0;
    const len = p.payloadLen;
    const seq = p.seq;

    // Zeek's SetPartialStatus.
    if (isOrig) {
      if (!ep.seen) f.partial = !syn || ack;
    } else if (!ep.seen && !f.partial) f.partial = !syn;
    ep.seen = true;

    let segLen = len;
    if (syn) segLen++;
    if (fin) segLen++;
    if (rst) segLen -= len;
    const seqOnePast = (seq + segLen) >>> 0;

    initEndpoint(ep, fl, seq, seqOnePast);
    const relSeq = relativeSeq(ep, seq, ep.lastSeq, ep.seqWraps);
    const underflow = relSeq < 0;
    this.updateHistory(f, ep, isOrig, fl, relSeq, len);

    // Zero window (the 'W' history letter), as Zeek's update_window.
    if (p.window === 0 && !rst && peer.state !== S.CLOSED && ep.state !== S.RESET) {
      const t = ep.win0Thresh;
      if (++ep.win0Cnt === t) {
        this.addHistory(f, isOrig ? 'W' : 'w');
        ep.win0Thresh = t * 10;
      }
    }

    if (!(f.orig.didClose && f.resp.didClose)) f.lastTs = p.ts;
    if (syn && f.synTs === 0 && isOrig) f.synTs = p.ts;
    if (fin) {
      ep.finCnt++;
      ep.finSeq = relSeq + segLen;
    }
    if (rst) ep.rstCnt++;

    if (ack) {
      if (peer.state === S.INACTIVE) {
        const a = (p.ack - 1) >>> 0;
        peer.startSeq = a;
        peer.ackSeq = a;
        peer.lastSeq = a;
      } else if (!rst && relativeSeq(peer, p.ack, peer.ackSeq, peer.ackWraps) >= 0) {
        // update_ack_seq: acks only move forward; an ack of 0 far ahead is more likely broken.
        const delta = (p.ack - peer.ackSeq) | 0;
        if (!(p.ack === 0 && delta > TOO_LARGE_SEQ_DELTA) && delta > 0) {
          if (p.ack < peer.ackSeq) peer.ackWraps++;
          peer.ackSeq = p.ack;
        }
      }
    }

    updateLastSeq(ep, seqOnePast, fl, len);
    if (rxmtSeen) {
      // Retransmitted payload: the 'T' history letter, logged at 1, 10, 100, ... times.
      const t = ep.rxmtThresh;
      if (++ep.rxmtCnt === t) {
        this.addHistory(f, isOrig ? 'T' : 't');
        ep.rxmtThresh = t * 10;
      }
    }

    // The state machine may flip the roles (SYN and SYN-ACK seen in reverse order); ep and
    // peer stay the sender and the receiver of this packet.
    const doClose = this.updateStateMachine(f, ep, peer, isOrig, fl, len, seq);

    const reasm = this.store.reasm;
    const epCtx = 2 * f.id + ep.side;
    const peerCtx = 2 * f.id + peer.side;
    if (ack) {
      this.inAck = true;
      reasm[peerCtx]!.ackSeen(p.ack, peerCtx, this);
      this.inAck = false;
    }

    if (!rst && !underflow) {
      if (p.payloadCaplen < len) {
        // The snap length cut the payload: the captured part goes on, the rest is a gap.
        this.stats.tcpTruncatedPayloads++;
        reasm[epCtx]!.segmentTruncated(seq, fl, p.data, p.payloadOff, p.payloadCaplen > 0 ? p.payloadCaplen : 0, len, epCtx, this);
      } else {
        // Pure ACKs too: they fix where a side's stream starts on a mid-stream pickup.
        reasm[epCtx]!.segment(seq, fl, p.data, p.payloadOff, len, epCtx, this);
      }
    }
    if (doClose) connectionClosed(ep, peer);
  }

  private updateHistory(f: Flow, ep: Endpoint, isOrig: boolean, fl: number, relSeq: number, len: number): void {
    const syn = (fl & SYN) !== 0;
    const fin = (fl & FIN) !== 0;
    const rst = (fl & RST) !== 0;
    const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (bits > 1) {
      if (fin && rst) this.checkHistory(f, isOrig, H_FIN_RST, 'I');
      else this.checkHistory(f, isOrig, H_MULTI, 'Q');
    } else if (bits === 1) {
      if (syn) {
        const code = (fl & ACK) !== 0 ? 'H' : 'S';
        if (this.checkHistory(f, isOrig, H_SYN, code) && relSeq !== ep.histLastSyn) this.addHistory(f, isOrig ? code : code.toLowerCase());
        ep.histLastSyn = relSeq;
      }
      if (fin) {
        if (this.checkHistory(f, isOrig, H_FIN, 'F') && relSeq + len !== ep.histLastFin) this.addHistory(f, isOrig ? 'F' : 'f');
        ep.histLastFin = relSeq + len;
      }
      if (rst) {
        if (this.checkHistory(f, isOrig, H_RST, 'R') && relSeq !== ep.histLastRst) this.addHistory(f, isOrig ? 'R' : 'r');
        ep.histLastRst = relSeq;
      }
    } else if (len > 0) this.checkHistory(f, isOrig, H_DATA, 'D');
    else if ((fl & ACK) !== 0) this.checkHistory(f, isOrig, H_ACK, 'A');
  }

  /** Zeek's UpdateStateMachine; returns whether the sender closed its side. */
  private updateStateMachine(f: Flow, ep: Endpoint, peer: Endpoint, isOrig: boolean, fl: number, len: number, seq: number): boolean {
    const syn = (fl & SYN) !== 0;
    const fin = (fl & FIN) !== 0;
    const rst = (fl & RST) !== 0;
    const ack = (fl & ACK) !== 0;
    let doClose = false;
    switch (ep.state) {
      case S.INACTIVE: {
        if (syn) {
          if (isOrig) setState(ep, ack ? S.SYN_ACK_SENT : S.SYN_SENT);
          else {
            if (!ack && peer.state === S.SYN_ACK_SENT && seq === ep.startSeq) {
              // SYN and SYN-ACK seen in reverse order: flip the roles and establish.
              f.partial = false;
              this.flipRoles(f);
              setState(peer, S.ESTABLISHED);
            }
            if (peer.state === S.SYN_SENT) setState(peer, S.ESTABLISHED);
            setState(ep, S.ESTABLISHED);
          }
        }
        if (fin) {
          setState(ep, S.CLOSED);
          doClose = true;
        }
        if (rst) {
          setState(ep, S.RESET);
          doClose = true;
        }
        if (ep.state === S.INACTIVE) {
          if (!isOrig && len === 0 && f.orig.state === S.SYN_SENT) {
            // An ACK of the SYN before the SYN-ACK: not a partial connection.
          } else if (ack && peer.state === S.ESTABLISHED) {
            setState(ep, S.ESTABLISHED);
            f.partial = false;
          } else setState(ep, S.PARTIAL);
        }
        break;
      }
      case S.SYN_SENT:
      case S.SYN_ACK_SENT:
        if (fin) {
          setState(ep, S.CLOSED);
          doClose = true;
        }
        if (rst) {
          setState(ep, S.RESET);
          doClose = true;
        }
        break;
      case S.ESTABLISHED:
      case S.PARTIAL:
        if (syn && ep.state === S.PARTIAL && peer.state === S.INACTIVE && !ack) setState(ep, S.SYN_SENT);
        if (fin && !rst) {
          setState(ep, S.CLOSED);
          if (peer.state === S.RESET && peer.prevState === S.CLOSED) setState(peer, S.CLOSED);
          doClose = true;
        }
        if (rst) {
          setState(ep, S.RESET);
          doClose = true;
        }
        break;
      case S.CLOSED:
        if (rst && peer.state !== S.CLOSED) {
          setState(ep, S.RESET);
          if (!ep.didClose) doClose = true;
        }
        break;
      case S.RESET:
        break;
    }
    return doClose;
  }
}

function isHandshake(st: number): boolean {
  return st === S.INACTIVE || st === S.SYN_SENT || st === S.SYN_ACK_SENT;
}

function isClean(e: Endpoint): boolean {
  return e.state === S.ESTABLISHED || (e.state === S.CLOSED && e.prevState === S.ESTABLISHED);
}

function setState(e: Endpoint, st: number): void {
  if (st !== e.state) {
    e.prevState = e.state;
    e.state = st;
  }
}

function connectionClosed(ep: Endpoint, _peer: Endpoint): void {
  if (ep.didClose) return;
  ep.didClose = true;
}

/** Zeek's init_endpoint: where the sequence space of this side starts. */
function initEndpoint(e: Endpoint, fl: number, seq: number, lastSeq: number): void {
  const syn = (fl & SYN) !== 0;
  switch (e.state) {
    case S.INACTIVE:
      if (syn) {
        e.ackSeq = seq;
        e.startSeq = seq;
      } else {
        // A partial connection: number as though a SYN had been seen.
        e.ackSeq = (seq - 1) >>> 0;
        e.startSeq = (seq - 1) >>> 0;
        lastSeq = seq;
      }
      e.lastSeq = lastSeq;
      break;
    case S.SYN_SENT:
    case S.SYN_ACK_SENT:
      if (syn && seq !== e.startSeq) {
        e.startSeq = seq;
        e.ackSeq = seq;
        e.lastSeq = lastSeq;
      }
      break;
    case S.ESTABLISHED:
    case S.PARTIAL:
      if (syn) {
        e.startSeq = seq;
        e.ackSeq = seq;
        e.lastSeq = lastSeq;
      }
      break;
    case S.RESET:
      if (syn && e.prevState === S.INACTIVE) {
        e.startSeq = seq;
        e.ackSeq = seq;
        e.lastSeq = lastSeq;
      }
      break;
  }
}

/** Zeek's get_relative_seq: position of `cur` relative to the side's start; negative on underflow. */
function relativeSeq(e: Endpoint, cur: number, last: number, wraps: number): number {
  const delta = (cur - last) | 0;
  if (delta < 0) {
    if (wraps > 0 && cur > last) wraps--;
  } else if (delta > 0) {
    if (cur < last) wraps++;
  }
  if (wraps === 0) return (cur - e.startSeq) | 0;
  return wraps * 4294967296 + cur - e.startSeq;
}

/** Set by updateLastSeq: the segment carried payload that had been seen before. */
let rxmtSeen = false;

/** Zeek's update_last_seq; returns the signed distance of the segment's end from the last one. */
function updateLastSeq(e: Endpoint, lastSeq: number, fl: number, len: number): number {
  const delta = (lastSeq - e.lastSeq) | 0;
  rxmtSeen = false;
  const synOrRst = (fl & (SYN | RST)) !== 0;
  if (synOrRst && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) {
    // Untrusted jump.
  } else if ((fl & FIN) !== 0 && e.lastSeq === ((e.startSeq + 1) >>> 0)) {
    setLastSeq(e, lastSeq);
  } else if (e.state === S.RESET) {
    // Nothing after a reset is trusted.
  } else if (delta > 0) {
    setLastSeq(e, lastSeq);
  } else if (len > 0) {
    rxmtSeen = true;
  }
  return delta;
}

function setLastSeq(e: Endpoint, seq: number): void {
  if (seq < e.lastSeq) e.seqWraps++;
  e.lastSeq = seq;
}

/** Payload bytes of one TCP side as Zeek computes them from sequence numbers (TCP_Endpoint::Size). */
export function tcpSize(e: Endpoint, peer: Endpoint): number {
  if (e.prevState === S.SYN_SENT && e.state === S.RESET && peer.state === S.INACTIVE && !noDataAcked(e)) return 0;
  const last = e.seqWraps * 4294967296 + e.lastSeq;
  const acked = e.ackWraps * 4294967296 + e.ackSeq;
  let size = (last > acked ? last : acked) - e.startSeq;
  if (size < 0) size = 0;
  if (size !== 0) size--;
  if (e.finCnt > 0 && size !== 0) size--;
  return size;
}

function noDataAcked(e: Endpoint): boolean {
  const acked = e.ackWraps * 4294967296 + e.ackSeq;
  return acked === e.startSeq || acked === e.startSeq + 1;
}

// ---- hashing and formatting ----

/** Hash of one endpoint (address words and port); murmur-style multiply-xorshift rounds. */
function endHash(a0: number, a1: number, a2: number, a3: number, port: number): number {
  let h = Math.imul(a0 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15) ^ a1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ a2, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16) ^ a3, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15) ^ port, 0x85ebca6b);
  return h ^ (h >>> 16);
}

/** A hash of the flow key that is the same for both directions (the endpoint hashes are added). */
export function flowHash(p: Packet): number {
  let h = (endHash(p.src0, p.src1, p.src2, p.src3, p.sport) + endHash(p.dst0, p.dst1, p.dst2, p.dst3, p.dport)) | 0;
  h = Math.imul(h ^ p.ipProto ^ ((p.vlan + 1) << 8) ^ ((p.innerVlan + 1) << 20), 0xcc9e2d51);
  h ^= h >>> 15;
  h = Math.imul(h, 0x1b873593);
  return (h ^ (h >>> 16)) >>> 0;
}

function setMac(e: Endpoint, d: Uint8Array, o: number): void {
  // (views: the numbers land in the flow's block)
  e.macHi = (d[o] << 8) | d[o + 1];
  e.macLo = ((d[o + 2] << 24) | (d[o + 3] << 16) | (d[o + 4] << 8) | d[o + 5]) >>> 0;
}
