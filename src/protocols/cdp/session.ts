// CDP state for one engine: one entry per neighbour (Device ID + Port ID). Cisco devices
// repeat the same announcement every 60 s; the change-only rule is LLDP's
// (docs/protocols/cdp.md): a record for a neighbour's first announcement ("new"), for every
// announcement whose content differs from its previous one ("changed": any TLV, the version,
// the TTL, the source MAC or the VLAN), after REFRESH_SECONDS without a record ("refresh"),
// and at the end of input when announcements were folded since the last record ("summary").
// `repeats` counts the folded announcements since the previous record, `frame_count` all.
import { formatMac } from '../../core/addr.ts';
import type { Packet } from '../../decode/packet.ts';
import type { L2Context, L2Session } from '../../dissect/types.ts';
import { SNAP_HEADER_LEN } from './constants.ts';
import { describeCdp, textOrHex } from './fields.ts';
import { CdpFrame, PROBLEM, walkCdp } from './parser.ts';
import { KIND_CHANGED, KIND_NEW, KIND_REFRESH, KIND_SUMMARY, RECORD_CDP, type CdpRecord } from './records.ts';

export const MAX_NEIGHBORS = 4096;
export const REFRESH_SECONDS = 3600;
const MAX_KEPT = 1500;

export const CDP_EVENTS = {
  truncated: 'a CDP packet cut before its end (shorter than the header, or a TLV runs past the frame); recorded up to the cut',
  bad_tlv_length: 'a TLV length below 4, or a TLV whose length does not fit its kind; the TLV is left out',
  unknown_version: 'a CDP version other than 1 and 2; recorded as read',
  bad_checksum: 'the checksum does not verify (neither the IP checksum nor Cisco\'s odd-length variant); recorded',
  too_many_tlvs: 'a packet with more than 64 TLVs: the rest are ignored',
  too_many_neighbors: `more than ${MAX_NEIGHBORS} neighbours: later ones are not recorded`,
} as const;

class Neighbor {
  readonly key: string;
  h1 = 0;
  h2 = 0;
  frames = 0;
  folded = 0;
  firstTs = 0;
  lastTs = 0;
  lastWritten = 0;
  last: Uint8Array = new Uint8Array(0);
  lastLen = 0;
  srcMac = '';
  dstMac = '';
  vlan = -1;
  truncated = false;

  constructor(key: string) {
    this.key = key;
  }
}

/** A record with every field in place (one shape); describeCdp fills the TLV fields. */
export function emptyRecord(): CdpRecord {
  return {
    ts: 0, src_mac: '', dst_mac: '', vlan: undefined, version: 0, ttl: 0, checksum: '', checksum_ok: false,
    device_id: undefined, addresses: [], port_id: undefined, capabilities: undefined, capabilities_bits: undefined,
    software_version: undefined, platform: undefined, ip_prefixes: [], vtp_domain: undefined, native_vlan: undefined,
    duplex: undefined, voice_vlan: undefined, power_mw: undefined, mtu: undefined, trust_bitmap: undefined,
    untrusted_cos: undefined, system_name: undefined, system_object_id: undefined, mgmt_addresses: [], location: undefined,
    power_available_mw: undefined, other_tlvs: [], truncated: false, record_kind: '', repeats: 0, frame_count: 0, first_ts: 0,
  };
}

function macOf(fr: Uint8Array, o: number): string {
  return formatMac((fr[o] << 8) | fr[o + 1], ((fr[o + 2] << 24) | (fr[o + 3] << 16) | (fr[o + 4] << 8) | fr[o + 5]) >>> 0);
}

export class CdpSession implements L2Session {
  private readonly ctx: L2Context;
  private readonly f = new CdpFrame();
  private readonly neighbors = new Map<string, Neighbor>();
  private capHit = false;
  untracked = 0;

  constructor(ctx: L2Context) {
    this.ctx = ctx;
  }

  frame(p: Packet): void {
    const d = p.data;
    const start = p.l2PayloadOff + SNAP_HEADER_LEN;
    // On Ethernet the 802.3 length field bounds the LLC payload (the frame may carry padding).
    let end = p.end;
    if (p.macOff >= 0 && p.ethertype >= SNAP_HEADER_LEN && p.ethertype < 0x0600 && p.l2PayloadOff + p.ethertype < end) end = p.l2PayloadOff + p.ethertype;
    const f = this.f;
    const problem = walkCdp(d, start, end, f);
    if (problem === PROBLEM.TRUNCATED) this.ctx.event('truncated', `${end - start} bytes`);
    else if (problem === PROBLEM.BAD_TLV_LENGTH) this.ctx.event('bad_tlv_length', 'a TLV length below 4');
    else if (problem === PROBLEM.UNKNOWN_VERSION) this.ctx.event('unknown_version', `version ${f.version}`);
    if (end - start < 4) return;
    if (problem === PROBLEM.NONE && !f.checksumOk) this.ctx.event('bad_checksum', `checksum 0x${f.checksum.toString(16).padStart(4, '0')}`);
    if (f.tooMany) this.ctx.event('too_many_tlvs', `more than ${f.tlvs} TLVs`);
    const fr = p.frame;
    const m = p.macOff;
    const src = m >= 0 ? macOf(fr, m + 6) : '';
    const dst = m >= 0 ? macOf(fr, m) : '';
    let h1 = f.h1;
    for (let i = 0; i < src.length; i++) h1 = Math.imul(h1 ^ src.charCodeAt(i), 0x01000193);
    h1 = Math.imul(h1 ^ (p.vlan + 1), 0x01000193) >>> 0;
    const h2 = f.h2;
    const key = f.deviceOff >= 0
      ? textOrHex(d, f.deviceOff, f.deviceLen) + '\u0000' + (f.portOff >= 0 ? textOrHex(d, f.portOff, f.portLen) : '')
      : '\u0000' + src;
    let nb = this.neighbors.get(key);
    const ts = this.ctx.ts;
    let kind = '';
    if (nb === undefined) {
      if (this.neighbors.size >= MAX_NEIGHBORS) {
        this.untracked++;
        if (!this.capHit) {
          this.capHit = true;
          this.ctx.event('too_many_neighbors', `more than ${MAX_NEIGHBORS} neighbours: later ones are not recorded`);
        }
        return;
      }
      nb = new Neighbor(key);
      nb.firstTs = ts;
      this.neighbors.set(key, nb);
      kind = KIND_NEW;
    } else if (nb.h1 !== h1 || nb.h2 !== h2) {
      kind = KIND_CHANGED;
    } else if (ts - nb.lastWritten >= REFRESH_SECONDS) {
      kind = KIND_REFRESH;
    }
    nb.frames++;
    nb.lastTs = ts;
    nb.h1 = h1;
    nb.h2 = h2;
    nb.srcMac = src;
    nb.dstMac = dst;
    nb.vlan = p.vlan;
    nb.truncated = problem === PROBLEM.TRUNCATED || problem === PROBLEM.BAD_TLV_LENGTH;
    const len = Math.min(end - start, MAX_KEPT);
    if (nb.last.length < len) nb.last = new Uint8Array(Math.max(len, 128));
    nb.last.set(d.subarray(start, start + len), 0);
    nb.lastLen = len;
    if (kind === '') {
      nb.folded++;
      return;
    }
    this.write(d, f, nb, kind, ts);
  }

  end(): void {
    const f = this.f;
    for (const nb of this.neighbors.values()) {
      if (nb.folded === 0) continue;
      walkCdp(nb.last, 0, nb.lastLen, f);
      this.write(nb.last, f, nb, KIND_SUMMARY, nb.lastTs);
    }
  }

  private write(d: Uint8Array, f: CdpFrame, nb: Neighbor, kind: string, ts: number): void {
    const r = emptyRecord();
    const bad = describeCdp(d, f, r);
    if (bad > 0 && kind !== KIND_SUMMARY) this.ctx.event('bad_tlv_length', `${bad} TLVs`);
    r.ts = ts;
    r.src_mac = nb.srcMac;
    r.dst_mac = nb.dstMac;
    r.vlan = nb.vlan >= 0 ? nb.vlan : undefined;
    r.version = f.version;
    r.ttl = f.ttl;
    r.checksum = '0x' + f.checksum.toString(16).padStart(4, '0');
    r.checksum_ok = f.checksumOk;
    r.truncated = nb.truncated;
    r.record_kind = kind;
    r.repeats = nb.folded;
    r.frame_count = nb.frames;
    r.first_ts = nb.firstTs;
    nb.folded = 0;
    nb.lastWritten = ts;
    this.ctx.record(RECORD_CDP, r as unknown as Record<string, unknown>);
  }
}
