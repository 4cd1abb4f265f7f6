// A flow (Zeek: a connection) and the per-direction state of its two endpoints. Objects
// get every property in the constructor so they keep one shape on the hot path.
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

export class Endpoint {
  /** The flow this endpoint belongs to (the reassembler's context). */
  readonly flow: Flow;
  // TCP sequence tracking (Zeek's TCP_Endpoint): 32-bit values, wraps counted separately.
  state = 0;
  prevState = 0;
  startSeq = 0;
  lastSeq = 0;
  ackSeq = 0;
  seqWraps = 0;
  ackWraps = 0;
  finCnt = 0;
  rstCnt = 0;
  /** Relative sequence number just past the FIN. */
  finSeq = 0;
  histLastSyn = 0;
  histLastFin = 0;
  histLastRst = 0;
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
  ipBytes = 0;
  /** Sum of frame lengths on the wire (comparable with tshark's conversation bytes). */
  l2Bytes = 0;
  /** UDP/ICMP payload bytes; -1 until this side sent something. */
  size = -1;
  /** MAC address of this side as 12 hex digits, or '' when unknown. */
  mac = '';
  /** Content gaps Zeek would log in missed_bytes. */
  missedBytes = 0;
  reasm: TcpReassembler<Endpoint> | null = null;

  constructor(flow: Flow) {
    this.flow = flow;
  }

  /** Back to the state of a new endpoint (the flow table reuses flows); keeps the reassembler object, reset. */
  reset(): void {
    this.state = 0;
    this.prevState = 0;
    this.startSeq = 0;
    this.lastSeq = 0;
    this.ackSeq = 0;
    this.seqWraps = 0;
    this.ackWraps = 0;
    this.finCnt = 0;
    this.rstCnt = 0;
    this.finSeq = 0;
    this.histLastSyn = 0;
    this.histLastFin = 0;
    this.histLastRst = 0;
    this.rxmtCnt = 0;
    this.rxmtThresh = 1;
    this.win0Cnt = 0;
    this.win0Thresh = 1;
    this.gapCnt = 0;
    this.gapThresh = 1;
    this.didClose = false;
    this.seen = false;
    this.pkts = 0;
    this.ipBytes = 0;
    this.l2Bytes = 0;
    this.size = -1;
    this.mac = '';
    this.missedBytes = 0;
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
  startTs = 0;
  lastTs = 0;
  /** First SYN time (attempt timer), 0 when none. */
  synTs = 0;
  history = '';
  /** History letters already logged once (Zeek's hist_seen). */
  histSeen = 0;
  /** Zeek's is_partial: the connection did not start with a clean SYN from the originator. */
  partial = false;
  /** Timer wheel bookkeeping (see flow-table.ts). */
  deadline = 0;
  scheduledAt = -1;
  alive = true;
  /** Zeek service names detected by dissectors (later stages), comma-joined in the record. */
  service = '';
  /** Attached by later stages (dissectors); null until then. */
  app: unknown = null;

  constructor() {
    this.orig = new Endpoint(this);
    this.resp = new Endpoint(this);
  }

  /**
   * Back to the state of a new flow. The flow table reuses the objects of ended flows (no
   * garbage per flow), so nothing may keep a Flow after FlowListener.flowEnd / FlowSink.flowDone.
   */
  reset(): void {
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
    this.startTs = 0;
    this.lastTs = 0;
    this.synTs = 0;
    this.history = '';
    this.histSeen = 0;
    this.partial = false;
    this.deadline = 0;
    this.scheduledAt = -1;
    this.alive = true;
    this.service = '';
    this.app = null;
  }
}
