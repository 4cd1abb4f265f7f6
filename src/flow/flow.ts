// A flow (Zeek: a connection) and the per-direction state of its two endpoints. Objects
// get every property in the constructor so they keep one shape on the hot path.
import { allocBlock, num } from './num-store.ts';
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

// Numbers that do not fit a small integer live in the shared numeric store (num-store.ts).
// Block of a flow: [0, 4) the flow, [4, 18) the first endpoint, [18, 32) the second; the
// endpoint parts from offset 10 belong to the endpoint's reassembler.
// Offsets in an endpoint's part of the block.
const E_START_SEQ = 0;
const E_LAST_SEQ = 1;
const E_ACK_SEQ = 2;
const E_FIN_SEQ = 3;
const E_HIST_SYN = 4;
const E_HIST_FIN = 5;
const E_HIST_RST = 6;
const E_IP_BYTES = 7;
const E_L2_BYTES = 8;
const E_MISSED = 9;
// Offsets in the flow's part.
const F_START_TS = 0;
const F_LAST_TS = 1;
const F_SYN_TS = 2;
const F_DEADLINE = 3;

export class Endpoint {
  /** The flow this endpoint belongs to (the reassembler's context). */
  readonly flow: Flow;
  // TCP sequence tracking (Zeek's TCP_Endpoint): 32-bit values, wraps counted separately.
  state = 0;
  prevState = 0;
  seqWraps = 0;
  ackWraps = 0;
  finCnt = 0;
  rstCnt = 0;
  rxmtCnt = 0;
  rxmtThresh = 1;
  win0Cnt = 0;
  win0Thresh = 1;
  gapCnt = 0;
  gapThresh = 1;
  didClose = false;
  /** Seen a packet from this side (for the partial-connection test). */
  seen = false;
  // Counters for the conn record.
  pkts = 0;
  /** UDP/ICMP payload bytes; -1 until this side sent something. */
  size = -1;
  /** MAC address of this side: its first 2 bytes (-1 when unknown) and last 4 bytes. */
  macHi = -1;
  macLo = 0;
  /** Base of this endpoint's numbers in the shared store (set by its Flow). */
  nb = 0;
  get startSeq(): number { return num[this.nb + E_START_SEQ]; }
  set startSeq(v: number) { num[this.nb + E_START_SEQ] = v; }
  get lastSeq(): number { return num[this.nb + E_LAST_SEQ]; }
  set lastSeq(v: number) { num[this.nb + E_LAST_SEQ] = v; }
  get ackSeq(): number { return num[this.nb + E_ACK_SEQ]; }
  set ackSeq(v: number) { num[this.nb + E_ACK_SEQ] = v; }
  /** Relative sequence number just past the FIN. */
  get finSeq(): number { return num[this.nb + E_FIN_SEQ]; }
  set finSeq(v: number) { num[this.nb + E_FIN_SEQ] = v; }
  get histLastSyn(): number { return num[this.nb + E_HIST_SYN]; }
  set histLastSyn(v: number) { num[this.nb + E_HIST_SYN] = v; }
  get histLastFin(): number { return num[this.nb + E_HIST_FIN]; }
  set histLastFin(v: number) { num[this.nb + E_HIST_FIN] = v; }
  get histLastRst(): number { return num[this.nb + E_HIST_RST]; }
  set histLastRst(v: number) { num[this.nb + E_HIST_RST] = v; }
  /** IP-level bytes sent (sum of IP total lengths). */
  get ipBytes(): number { return num[this.nb + E_IP_BYTES]; }
  set ipBytes(v: number) { num[this.nb + E_IP_BYTES] = v; }
  /** Sum of frame lengths on the wire (comparable with tshark's conversation bytes). */
  get l2Bytes(): number { return num[this.nb + E_L2_BYTES]; }
  set l2Bytes(v: number) { num[this.nb + E_L2_BYTES] = v; }
  /** Content gaps Zeek would log in missed_bytes. */
  get missedBytes(): number { return num[this.nb + E_MISSED]; }
  set missedBytes(v: number) { num[this.nb + E_MISSED] = v; }

  reasm: TcpReassembler<Endpoint> | null = null;

  constructor(flow: Flow, nb: number) {
    this.flow = flow;
    this.nb = nb;
  }

  /** Back to the state of a new endpoint (the flow table reuses flows); keeps the reassembler object, reset. */
  reset(): void {
    num.fill(0, this.nb, this.nb + 10);
    this.state = 0;
    this.prevState = 0;
    this.seqWraps = 0;
    this.ackWraps = 0;
    this.finCnt = 0;
    this.rstCnt = 0;
    this.rxmtCnt = 0;
    this.rxmtThresh = 1;
    this.win0Cnt = 0;
    this.win0Thresh = 1;
    this.gapCnt = 0;
    this.gapThresh = 1;
    this.didClose = false;
    this.seen = false;
    this.pkts = 0;
    this.size = -1;
    this.macHi = -1;
    this.macLo = 0;
    if (this.reasm !== null) this.reasm.reset();
  }
}

export class Flow {
  /** Index in the flow table (stable for the life of the flow). */
  id = 0;
  proto = 0;
  v6 = false;
  /** Key, in the orientation of the first packet: s = its sender, d = its receiver. */
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;
  d0 = 0;
  d1 = 0;
  d2 = 0;
  d3 = 0;
  sp = 0;
  dp = 0;
  vlan = -1;
  innerVlan = -1;
  hash = 0;
  /** ICMP code of the first packet (the community ID hashes type and code). */
  icmpCode = 0;
  /** True while the originator is the s side (false after Zeek-style role flips). */
  origIsS = true;
  orig: Endpoint;
  resp: Endpoint;
  history = '';
  /** History letters already logged once (Zeek's hist_seen). */
  histSeen = 0;
  /** Zeek's is_partial: the connection did not start with a clean SYN from the originator. */
  partial = false;
  scheduledAt = -1;
  alive = true;
  /** Zeek service names detected by dissectors (later stages), comma-joined in the record. */
  service = '';
  /** Attached by later stages (dissectors); null until then. */
  app: unknown = null;

  /** Base of this flow's numbers in the shared store. */
  readonly nb: number;
  /** Time of the first packet. */
  get startTs(): number { return num[this.nb + F_START_TS]; }
  set startTs(v: number) { num[this.nb + F_START_TS] = v; }
  /** Time of the last packet that counts for the duration. */
  get lastTs(): number { return num[this.nb + F_LAST_TS]; }
  set lastTs(v: number) { num[this.nb + F_LAST_TS] = v; }
  /** First SYN time (attempt timer), 0 when none. */
  get synTs(): number { return num[this.nb + F_SYN_TS]; }
  set synTs(v: number) { num[this.nb + F_SYN_TS] = v; }
  /** When the flow times out (see flow-table.ts). */
  get deadline(): number { return num[this.nb + F_DEADLINE]; }
  set deadline(v: number) { num[this.nb + F_DEADLINE] = v; }

  constructor() {
    const b = allocBlock();
    this.nb = b;
    this.orig = new Endpoint(this, b + 4);
    this.resp = new Endpoint(this, b + 18);
  }

  /**
   * Back to the state of a new flow. The flow table reuses the objects of ended flows (no
   * garbage per flow), so nothing may keep a Flow after FlowListener.flowEnd / FlowSink.flowDone.
   */
  reset(): void {
    num.fill(0, this.nb, this.nb + 4);
    this.id = 0;
    this.proto = 0;
    this.v6 = false;
    this.s0 = this.s1 = this.s2 = this.s3 = 0;
    this.d0 = this.d1 = this.d2 = this.d3 = 0;
    this.sp = 0;
    this.dp = 0;
    this.vlan = -1;
    this.innerVlan = -1;
    this.hash = 0;
    this.icmpCode = 0;
    this.origIsS = true;
    this.orig.reset();
    this.resp.reset();
    this.history = '';
    this.histSeen = 0;
    this.partial = false;
    this.scheduledAt = -1;
    this.alive = true;
    this.service = '';
    this.app = null;
  }
}
