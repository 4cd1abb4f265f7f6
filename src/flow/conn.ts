// Builds the conn record of a flow when it ends: Zeek's conn.log fields (see
// src/events/conn-fields.ts and docs/records/conn.md), computed the way Zeek computes them.
import { formatIPv4, formatIPv6, formatMac, ipv6Bytes } from '../core/addr.ts';
import type { ConnRecord } from '../events/conn-fields.ts';
import { IPPROTO } from '../decode/packet.ts';
import { communityId, communityIdV4 } from './community-id.ts';
import type { Flow} from './flow.ts';
import { TCP_STATE, type Endpoint } from './flow.ts';
import { tcpSize } from './flow-table.ts';
import { connUid } from './uid.ts';

const S = TCP_STATE;
const uidWords = new Uint32Array(13);

/**
 * Address and MAC texts already made: plant networks have few hosts and many flows, so most
 * flows' addresses were formatted before. The cache hands back the same (flat) string, which
 * costs less to make, to serialise and to use as a map key than a new one. Bounded: emptied
 * when full.
 */
class TextCache {
  private readonly m = new Map<number, string>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  ipv4(a: number): string {
    let s = this.m.get(a);
    if (s === undefined) {
      if (this.m.size >= this.max) this.m.clear();
      s = formatIPv4(a);
      this.m.set(a, s);
    }
    return s;
  }
  mac(hi: number, lo: number): string {
    const k = hi * 4294967296 + lo;
    let s = this.m.get(k);
    if (s === undefined) {
      if (this.m.size >= this.max) this.m.clear();
      s = formatMac(hi, lo);
      this.m.set(k, s);
    }
    return s;
  }
}
const ipText = new TextCache(16384);
const macText = new TextCache(16384);

function ipv6Text(f: Flow, orig: boolean): string {
  return orig === f.origIsS ? formatIPv6(f.s0, f.s1, f.s2, f.s3) : formatIPv6(f.d0, f.d1, f.d2, f.d3);
}

function ipv6Key(f: Flow, orig: boolean): Uint8Array {
  return orig === f.origIsS ? ipv6Bytes(f.s0, f.s1, f.s2, f.s3) : ipv6Bytes(f.d0, f.d1, f.d2, f.d3);
}

export function flowUid(f: Flow): string {
  // From the key in a fixed orientation (the first packet's) and the start time, so that
  // every run and every worker layout gives a flow the same uid.
  const w = uidWords;
  w[0] = f.s0; w[1] = f.s1; w[2] = f.s2; w[3] = f.s3;
  w[4] = f.d0; w[5] = f.d1; w[6] = f.d2; w[7] = f.d3;
  w[8] = f.sp; w[9] = f.dp; w[10] = f.proto; w[11] = f.vlan + 1; w[12] = f.innerVlan + 1;
  return connUid(w, f.startTs);
}

export function connState(f: Flow): string {
  const o = f.orig;
  const r = f.resp;
  if (f.proto === IPPROTO.TCP) {
    const os = o.state;
    const rs = r.state;
    const oInactive = os === S.INACTIVE || os === S.PARTIAL;
    const rInactive = rs === S.INACTIVE || rs === S.PARTIAL;
    if (rs === S.RESET) {
      if (os === S.SYN_SENT || os === S.SYN_ACK_SENT || (os === S.RESET && tcpSize(o, r) === 0 && tcpSize(r, o) === 0)) return 'REJ';
      return oInactive ? 'RSTRH' : 'RSTR';
    }
    if (os === S.RESET) {
      if (rInactive) return /^\^?S[^HAFGIQ]*R/.test(f.history) ? 'RSTOS0' : 'OTH';
      return 'RSTO';
    }
    if (rs === S.CLOSED && os === S.CLOSED) return 'SF';
    if (os === S.CLOSED) return rInactive ? 'SH' : 'S2';
    if (rs === S.CLOSED) return oInactive ? 'SHR' : 'S3';
    if (os === S.SYN_SENT && rs === S.INACTIVE) return 'S0';
    if (os === S.ESTABLISHED && rs === S.ESTABLISHED) return 'S1';
    return 'OTH';
  }
  if (f.proto === IPPROTO.UDP) {
    if (o.size >= 0) return r.size >= 0 ? 'SF' : 'S0';
    return r.size >= 0 ? 'SHR' : 'OTH';
  }
  return 'OTH';
}

function payloadBytes(f: Flow, e: Endpoint, peer: Endpoint): number {
  if (f.proto === IPPROTO.TCP) return tcpSize(e, peer);
  return e.size < 0 ? 0 : e.size;
}

/** The conn record of an ended flow. Unset fields are `undefined` (left out of NDJSON, `-` in Zeek TSV). */
export function buildConnRecord(f: Flow): ConnRecord {
  const s = f.origIsS;
  const op = s ? f.sp : f.dp;
  const rp = s ? f.dp : f.sp;
  // IPv4: the first address word.
  const o4 = s ? f.s0 : f.d0;
  const r4 = s ? f.d0 : f.s0;
  const v6 = f.v6;
  const o = f.orig;
  const r = f.resp;
  const duration = f.lastTs - f.startTs;
  const hasDuration = duration > 0;
  // Community ID: ICMP flows hash the message type and code, not Zeek's port pair.
  const cp = f.proto === IPPROTO.ICMP || f.proto === IPPROTO.ICMPV6 ? f.icmpCode : rp;
  return {
    ts: f.startTs,
    uid: flowUid(f),
    'id.orig_h': v6 ? ipv6Text(f, true) : ipText.ipv4(o4),
    'id.orig_p': op,
    'id.resp_h': v6 ? ipv6Text(f, false) : ipText.ipv4(r4),
    'id.resp_p': rp,
    proto: f.proto === IPPROTO.TCP ? 'tcp' : f.proto === IPPROTO.UDP ? 'udp' : 'icmp',
    service: f.service !== '' ? f.service : undefined,
    duration: hasDuration ? Math.round(duration * 1e6) / 1e6 : undefined,
    orig_bytes: hasDuration ? payloadBytes(f, o, r) : undefined,
    resp_bytes: hasDuration ? payloadBytes(f, r, o) : undefined,
    conn_state: connState(f),
    local_orig: undefined,
    local_resp: undefined,
    missed_bytes: o.missedBytes + r.missedBytes,
    history: f.history !== '' ? f.history : undefined,
    orig_pkts: o.pkts,
    orig_ip_bytes: o.ipBytes,
    resp_pkts: r.pkts,
    resp_ip_bytes: r.ipBytes,
    tunnel_parents: undefined,
    ip_proto: f.proto,
    orig_l2_addr: o.macHi >= 0 ? macText.mac(o.macHi, o.macLo) : undefined,
    resp_l2_addr: r.macHi >= 0 ? macText.mac(r.macHi, r.macLo) : undefined,
    vlan: f.vlan >= 0 ? f.vlan : undefined,
    inner_vlan: f.innerVlan >= 0 ? f.innerVlan : undefined,
    community_id: v6 ? communityId(f.proto, ipv6Key(f, true), ipv6Key(f, false), op, cp) : communityIdV4(f.proto, o4, r4, op, cp),
    orig_l2_bytes: o.l2Bytes,
    resp_l2_bytes: r.l2Bytes,
    orig_ttl: o.ttl >= 0 ? o.ttl : undefined,
    resp_ttl: r.ttl >= 0 ? r.ttl : undefined,
    orig_syn_window: o.synWindow >= 0 ? o.synWindow : undefined,
    resp_syn_window: r.synWindow >= 0 ? r.synWindow : undefined,
  };
}
