// Flow state, laid out for the packet path: every number of a flow (key, timestamps, TCP
// state of both sides, counters) lives in one block of a Float64Array, indexed by the flow's
// id. A packet touches one index slot and a few cache lines of one block — no object
// fields, no boxed numbers, no garbage per flow. Flow and Endpoint are *views*: small
// objects bound to a flow id that read and write the block through accessors. A view is
// valid while it is bound; the flow table rebinds its views from packet to packet, so a
// consumer that needs a flow later keeps its id (FlowTable.flowAlive tells whether the
// id still names the same flow) — never the view.
import type { TcpReassembler } from './reassembly.ts';

/** TCP endpoint states, as Zeek's TCP_ENDPOINT_* (the conn_state of a record is derived from them). */
export const TCP_STATE = {
  INACTIVE: 0,
  SYN_SENT: 1,
  SYN_ACK_SENT: 2,
  PARTIAL: 3,
  ESTABLISHED: 4,
  CLOSED: 5,
  RESET: 6,
} as const;

// ---- block layout (doubles; 64-byte cache lines hold 8) ----

/** Doubles per flow: 3 lines of flow fields, 4 lines per side. */
export const BLOCK = 88;
// Line 0: what a lookup and most packets need.
export const F_HASH = 0;
export const F_S0 = 1;
export const F_D0 = 2;
/** sp * 65536 + dp */
export const F_PORTS = 3;
/** ipProto + (vlan + 1) * 256 + (innerVlan + 1) * 256 * 4097 */
export const F_PVL = 4;
/** Bit set: FL_* */
export const F_FLAGS = 5;
export const F_LAST_TS = 6;
export const F_DEADLINE = 7;
// Line 1: IPv6 address words (compared only for IPv6), start and SYN times.
export const F_S1 = 8;
export const F_S2 = 9;
export const F_S3 = 10;
export const F_D1 = 11;
export const F_D2 = 12;
export const F_D3 = 13;
export const F_START_TS = 14;
export const F_SYN_TS = 15;
// Line 2: the rest.
export const F_SCHED = 16;
export const F_HIST_SEEN = 17;
export const F_ICMP_CODE = 18;
export const F_GEN = 19;
/** The two sides: A sent the flow's first packet, B received it. */
export const SIDE_A = 24;
export const SIDE_B = 56;

export const FL_ALIVE = 1;
/** The originator is side A (false after Zeek-style role flips). */
export const FL_ORIG_IS_A = 2;
export const FL_V6 = 4;
/** Zeek's is_partial. */
export const FL_PARTIAL = 8;

// Offsets within a side. Line 0: the TCP sequence state every TCP packet reads.
export const E_STATE = 0;
export const E_PREV_STATE = 1;
export const E_START_SEQ = 2;
export const E_LAST_SEQ = 3;
export const E_ACK_SEQ = 4;
export const E_SEQ_WRAPS = 5;
export const E_ACK_WRAPS = 6;
/** Bit set: EF_* */
export const E_FLAGS = 7;
// Line 1: counters every packet updates, FIN/RST bookkeeping.
export const E_PKTS = 8;
export const E_IP_BYTES = 9;
export const E_L2_BYTES = 10;
export const E_SIZE = 11;
export const E_FIN_CNT = 12;
export const E_RST_CNT = 13;
export const E_FIN_SEQ = 14;
export const E_HIST_SYN = 15;
// Line 2-3: rarer.
export const E_HIST_FIN = 16;
export const E_HIST_RST = 17;
export const E_RXMT_CNT = 18;
export const E_RXMT_THRESH = 19;
export const E_WIN0_CNT = 20;
export const E_WIN0_THRESH = 21;
export const E_GAP_CNT = 22;
export const E_GAP_THRESH = 23;
export const E_MISSED = 24;
/** MAC address: first 2 bytes (-1 when unknown) and last 4. */
export const E_MAC_HI = 25;
export const E_MAC_LO = 26;
/** IP TTL (IPv6 hop limit) of this side's first packet, plus 1 (0: no packet yet). */
export const E_TTL = 27;
/** TCP window of this side's first SYN (or SYN-ACK), plus 1 (0: none seen). */
export const E_SYN_WIN = 28;

export const EF_SEEN = 1;
export const EF_DID_CLOSE = 2;

/** The per-flow numbers of one flow table, and its per-flow objects (strings, reassemblers). */
export class FlowStore {
  f: Float64Array;
  /** Flow ids the arrays hold room for. */
  capacity: number;
  readonly history: string[] = [];
  readonly service: string[] = [];
  readonly app: unknown[] = [];
  /** Reassemblers by 2 * id + side (0: A, 1: B), created on first TCP use and reused. */
  readonly reasm: (TcpReassembler<number> | null)[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
    this.f = new Float64Array(capacity * BLOCK);
  }

  /** Makes room for flow id `id`. */
  ensure(id: number): void {
    if (id < this.capacity) return;
    let cap = this.capacity * 2;
    while (cap <= id) cap *= 2;
    const bigger = new Float64Array(cap * BLOCK);
    bigger.set(this.f);
    this.f = bigger;
    this.capacity = cap;
  }

  /** Zeroes a flow's block and sets the defaults of a new flow. */
  clear(id: number): void {
    const f = this.f;
    const b = id * BLOCK;
    // A plain loop and no array of the sides: this runs once per flow, often before V8 has
    // optimised it, where a builtin call and an iterator cost several times the writes.
    for (let i = b; i < b + BLOCK; i++) f[i] = 0;
    f[b + F_SCHED] = -1;
    const a = b + SIDE_A;
    const z = b + SIDE_B;
    f[a + E_SIZE] = -1;
    f[a + E_RXMT_THRESH] = 1;
    f[a + E_WIN0_THRESH] = 1;
    f[a + E_GAP_THRESH] = 1;
    f[a + E_MAC_HI] = -1;
    f[z + E_SIZE] = -1;
    f[z + E_RXMT_THRESH] = 1;
    f[z + E_WIN0_THRESH] = 1;
    f[z + E_GAP_THRESH] = 1;
    f[z + E_MAC_HI] = -1;
    this.history[id] = '';
    this.service[id] = '';
    this.app[id] = null;
  }
}

/** A view of one side of a flow. */
export class Endpoint {
  readonly st: FlowStore;
  /** Index of this side's first number in st.f. */
  b = 0;
  /** The flow view this side belongs to. */
  readonly flow: Flow;
  /** 0 for side A, 1 for side B. */
  readonly side: 0 | 1;

  constructor(st: FlowStore, flow: Flow, side: 0 | 1) {
    this.st = st;
    this.flow = flow;
    this.side = side;
  }

  get state(): number { return this.st.f[this.b + E_STATE]; }
  set state(v: number) { this.st.f[this.b + E_STATE] = v; }
  get prevState(): number { return this.st.f[this.b + E_PREV_STATE]; }
  set prevState(v: number) { this.st.f[this.b + E_PREV_STATE] = v; }
  get startSeq(): number { return this.st.f[this.b + E_START_SEQ]; }
  set startSeq(v: number) { this.st.f[this.b + E_START_SEQ] = v; }
  get lastSeq(): number { return this.st.f[this.b + E_LAST_SEQ]; }
  set lastSeq(v: number) { this.st.f[this.b + E_LAST_SEQ] = v; }
  get ackSeq(): number { return this.st.f[this.b + E_ACK_SEQ]; }
  set ackSeq(v: number) { this.st.f[this.b + E_ACK_SEQ] = v; }
  get seqWraps(): number { return this.st.f[this.b + E_SEQ_WRAPS]; }
  set seqWraps(v: number) { this.st.f[this.b + E_SEQ_WRAPS] = v; }
  get ackWraps(): number { return this.st.f[this.b + E_ACK_WRAPS]; }
  set ackWraps(v: number) { this.st.f[this.b + E_ACK_WRAPS] = v; }
  /** A packet from this side was seen (for the partial-connection test). */
  get seen(): boolean { return (this.st.f[this.b + E_FLAGS] & EF_SEEN) !== 0; }
  set seen(v: boolean) { const f = this.st.f; const i = this.b + E_FLAGS; f[i] = v ? f[i] | EF_SEEN : f[i] & ~EF_SEEN; }
  get didClose(): boolean { return (this.st.f[this.b + E_FLAGS] & EF_DID_CLOSE) !== 0; }
  set didClose(v: boolean) { const f = this.st.f; const i = this.b + E_FLAGS; f[i] = v ? f[i] | EF_DID_CLOSE : f[i] & ~EF_DID_CLOSE; }
  /** Packets sent. */
  get pkts(): number { return this.st.f[this.b + E_PKTS]; }
  set pkts(v: number) { this.st.f[this.b + E_PKTS] = v; }
  /** IP-level bytes sent (sum of IP total lengths). */
  get ipBytes(): number { return this.st.f[this.b + E_IP_BYTES]; }
  set ipBytes(v: number) { this.st.f[this.b + E_IP_BYTES] = v; }
  /** Sum of frame lengths on the wire (comparable with tshark's conversation bytes). */
  get l2Bytes(): number { return this.st.f[this.b + E_L2_BYTES]; }
  set l2Bytes(v: number) { this.st.f[this.b + E_L2_BYTES] = v; }
  /** UDP/ICMP payload bytes; -1 until this side sent something. */
  get size(): number { return this.st.f[this.b + E_SIZE]; }
  set size(v: number) { this.st.f[this.b + E_SIZE] = v; }
  get finCnt(): number { return this.st.f[this.b + E_FIN_CNT]; }
  set finCnt(v: number) { this.st.f[this.b + E_FIN_CNT] = v; }
  get rstCnt(): number { return this.st.f[this.b + E_RST_CNT]; }
  set rstCnt(v: number) { this.st.f[this.b + E_RST_CNT] = v; }
  /** Relative sequence number just past the FIN. */
  get finSeq(): number { return this.st.f[this.b + E_FIN_SEQ]; }
  set finSeq(v: number) { this.st.f[this.b + E_FIN_SEQ] = v; }
  get histLastSyn(): number { return this.st.f[this.b + E_HIST_SYN]; }
  set histLastSyn(v: number) { this.st.f[this.b + E_HIST_SYN] = v; }
  get histLastFin(): number { return this.st.f[this.b + E_HIST_FIN]; }
  set histLastFin(v: number) { this.st.f[this.b + E_HIST_FIN] = v; }
  get histLastRst(): number { return this.st.f[this.b + E_HIST_RST]; }
  set histLastRst(v: number) { this.st.f[this.b + E_HIST_RST] = v; }
  get rxmtCnt(): number { return this.st.f[this.b + E_RXMT_CNT]; }
  set rxmtCnt(v: number) { this.st.f[this.b + E_RXMT_CNT] = v; }
  get rxmtThresh(): number { return this.st.f[this.b + E_RXMT_THRESH]; }
  set rxmtThresh(v: number) { this.st.f[this.b + E_RXMT_THRESH] = v; }
  get win0Cnt(): number { return this.st.f[this.b + E_WIN0_CNT]; }
  set win0Cnt(v: number) { this.st.f[this.b + E_WIN0_CNT] = v; }
  get win0Thresh(): number { return this.st.f[this.b + E_WIN0_THRESH]; }
  set win0Thresh(v: number) { this.st.f[this.b + E_WIN0_THRESH] = v; }
  get gapCnt(): number { return this.st.f[this.b + E_GAP_CNT]; }
  set gapCnt(v: number) { this.st.f[this.b + E_GAP_CNT] = v; }
  get gapThresh(): number { return this.st.f[this.b + E_GAP_THRESH]; }
  set gapThresh(v: number) { this.st.f[this.b + E_GAP_THRESH] = v; }
  /** Content gaps Zeek would log in missed_bytes. */
  get missedBytes(): number { return this.st.f[this.b + E_MISSED]; }
  set missedBytes(v: number) { this.st.f[this.b + E_MISSED] = v; }
  /** MAC address: first 2 bytes, -1 when unknown. */
  get macHi(): number { return this.st.f[this.b + E_MAC_HI]; }
  set macHi(v: number) { this.st.f[this.b + E_MAC_HI] = v; }
  /** MAC address: last 4 bytes. */
  get macLo(): number { return this.st.f[this.b + E_MAC_LO]; }
  set macLo(v: number) { this.st.f[this.b + E_MAC_LO] = v; }
  /** IP TTL / hop limit of this side's first packet; -1 when it sent none. */
  get ttl(): number { return this.st.f[this.b + E_TTL] - 1; }
  /** TCP window of this side's first SYN or SYN-ACK; -1 when none was seen. */
  get synWindow(): number { return this.st.f[this.b + E_SYN_WIN] - 1; }
  /** This side's stream reassembler (TCP), or null. */
  get reasm(): TcpReassembler<number> | null {
    return this.st.reasm[2 * this.flow.id + this.side] ?? null;
  }
}

/** A view of one flow (a Zeek connection). Bind it with FlowStore-owning code only. */
export class Flow {
  readonly st: FlowStore;
  id = 0;
  /** Index of the flow's first number in st.f. */
  b = 0;
  readonly a: Endpoint;
  readonly bSide: Endpoint;

  constructor(st: FlowStore) {
    this.st = st;
    this.a = new Endpoint(st, this, 0);
    this.bSide = new Endpoint(st, this, 1);
  }

  /** Points the view (and its sides) at flow `id`. */
  bind(id: number): this {
    this.id = id;
    this.b = id * BLOCK;
    this.a.b = this.b + SIDE_A;
    this.bSide.b = this.b + SIDE_B;
    return this;
  }

  private flag(bit: number): boolean {
    return (this.st.f[this.b + F_FLAGS] & bit) !== 0;
  }

  private setFlag(bit: number, v: boolean): void {
    const f = this.st.f;
    const i = this.b + F_FLAGS;
    f[i] = v ? f[i] | bit : f[i] & ~bit;
  }

  get alive(): boolean { return this.flag(FL_ALIVE); }
  set alive(v: boolean) { this.setFlag(FL_ALIVE, v); }
  get v6(): boolean { return this.flag(FL_V6); }
  /** True while the originator is side A, the first packet's sender (false after Zeek-style role flips). */
  get origIsS(): boolean { return this.flag(FL_ORIG_IS_A); }
  set origIsS(v: boolean) { this.setFlag(FL_ORIG_IS_A, v); }
  get partial(): boolean { return this.flag(FL_PARTIAL); }
  set partial(v: boolean) { this.setFlag(FL_PARTIAL, v); }
  get orig(): Endpoint { return this.flag(FL_ORIG_IS_A) ? this.a : this.bSide; }
  get resp(): Endpoint { return this.flag(FL_ORIG_IS_A) ? this.bSide : this.a; }
  get proto(): number { return this.st.f[this.b + F_PVL] % 256; }
  get vlan(): number { return (Math.floor(this.st.f[this.b + F_PVL] / 256) % 4097) - 1; }
  get innerVlan(): number { return Math.floor(this.st.f[this.b + F_PVL] / (256 * 4097)) - 1; }
  /** Key, in the orientation of the first packet: s = its sender (side A), d = its receiver. */
  get s0(): number { return this.st.f[this.b + F_S0]; }
  get s1(): number { return this.st.f[this.b + F_S1]; }
  get s2(): number { return this.st.f[this.b + F_S2]; }
  get s3(): number { return this.st.f[this.b + F_S3]; }
  get d0(): number { return this.st.f[this.b + F_D0]; }
  get d1(): number { return this.st.f[this.b + F_D1]; }
  get d2(): number { return this.st.f[this.b + F_D2]; }
  get d3(): number { return this.st.f[this.b + F_D3]; }
  get sp(): number { return Math.floor(this.st.f[this.b + F_PORTS] / 65536); }
  get dp(): number { return this.st.f[this.b + F_PORTS] % 65536; }
  /** ICMP code of the first packet (the community ID hashes type and code). */
  get icmpCode(): number { return this.st.f[this.b + F_ICMP_CODE]; }
  /** Time of the first packet. */
  get startTs(): number { return this.st.f[this.b + F_START_TS]; }
  /** Time of the last packet that counts for the duration (Zeek's LastTime). */
  get lastTs(): number { return this.st.f[this.b + F_LAST_TS]; }
  set lastTs(v: number) { this.st.f[this.b + F_LAST_TS] = v; }
  /** First SYN time (attempt timer), 0 when none. */
  get synTs(): number { return this.st.f[this.b + F_SYN_TS]; }
  set synTs(v: number) { this.st.f[this.b + F_SYN_TS] = v; }
  /** When the flow times out (see flow-table.ts). */
  get deadline(): number { return this.st.f[this.b + F_DEADLINE]; }
  set deadline(v: number) { this.st.f[this.b + F_DEADLINE] = v; }
  /** Timer-wheel second the flow is filed under (-1: none). */
  get scheduledAt(): number { return this.st.f[this.b + F_SCHED]; }
  set scheduledAt(v: number) { this.st.f[this.b + F_SCHED] = v; }
  /** History letters already logged once (Zeek's hist_seen). */
  get histSeen(): number { return this.st.f[this.b + F_HIST_SEEN]; }
  set histSeen(v: number) { this.st.f[this.b + F_HIST_SEEN] = v; }
  get hash(): number { return this.st.f[this.b + F_HASH]; }
  /** Zeek connection history letters. */
  get history(): string { return this.st.history[this.id]; }
  set history(v: string) { this.st.history[this.id] = v; }
  /** Application protocols confirmed on the flow by dissectors (later stages), comma-joined. */
  get service(): string { return this.st.service[this.id]; }
  set service(v: string) { this.st.service[this.id] = v; }
  /** Per-flow state of later stages (dissectors); null until they attach some. */
  get app(): unknown { return this.st.app[this.id]; }
  set app(v: unknown) { this.st.app[this.id] = v; }
}
