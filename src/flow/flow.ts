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
}
