// LLDP state for one engine: one entry per neighbour (Chassis ID + Port ID). A switch port or
// device repeats the same LLDPDU every 30 s (or every few seconds, PROFINET), so a record per
// frame would bury the few that matter. The rule (docs/protocols/lldp.md):
//   - a record for the first LLDPDU of a neighbour (record_kind "new");
//   - a record whenever its content differs from the neighbour's previous LLDPDU ("changed"):
//     any TLV, the source MAC or the VLAN (PROFINET measured delays excepted: they vary with
//     every frame);
//   - a record when the neighbour's last record is older than REFRESH_SECONDS ("refresh"), so
//     a long-running sensor keeps showing the neighbours that are still there;
//   - at the end of input, a record per neighbour whose last LLDPDUs were folded ("summary").
// Identical LLDPDUs in between are folded and counted: `repeats` (since the neighbour's
// previous record) and `frame_count` (all of its LLDPDUs).
import { formatMac } from '../../core/addr.ts';
import type { Packet } from '../../decode/packet.ts';
import type { L2Context, L2Session } from '../../dissect/types.ts';
import { ETHERTYPE_LLDP } from './constants.ts';
import { describeLldp, textOrHex } from './fields.ts';
import { LldpFrame, PROBLEM, walkLldp } from './parser.ts';
import { KIND_CHANGED, KIND_NEW, KIND_REFRESH, KIND_SUMMARY, RECORD_LLDP, type LldpRecord } from './records.ts';

/** Neighbours tracked per engine; LLDPDUs of further ones raise `too_many_neighbors` and are not recorded. */
export const MAX_NEIGHBORS = 4096;
/** Seconds after which an unchanged neighbour is written again. */
export const REFRESH_SECONDS = 3600;
/** Bytes of an LLDPDU kept per neighbour for its summary (longer ones are kept cut, and flagged). */
const MAX_KEPT = 1500;

export const LLDP_EVENTS = {
  truncated: 'an LLDPDU cut before its end (a TLV runs past the frame); recorded up to the cut when its mandatory TLVs are whole',
  missing_mandatory: 'an LLDPDU that does not start with Chassis ID, Port ID and TTL; discarded (802.1AB 8.2)',
  bad_mandatory: 'an empty Chassis ID or Port ID, or a TTL that is not 2 bytes; discarded',
  bad_tlv_length: 'a TLV whose length does not fit its kind (capabilities not 4 bytes, a cut management address …); left out of the record',
  reserved_tlv: 'a TLV of a reserved type (9-126); listed in other_tlvs',
  duplicate_mandatory: 'a second Chassis ID, Port ID or TTL TLV (802.1AB allows one of each); the record keeps the first',
  too_many_tlvs: 'an LLDPDU with more than 64 TLVs: the rest are ignored',
  too_many_neighbors: `more than ${MAX_NEIGHBORS} neighbours: later ones are not recorded`,
} as const;

const PROBLEM_EVENTS = ['', 'truncated', 'missing_mandatory', 'bad_mandatory'] as const;

class Neighbor {
  readonly key: string;
  h1 = 0;
  h2 = 0;
  frames = 0;
  /** Frames folded since the last record. */
  folded = 0;
  firstTs = 0;
  lastTs = 0;
  lastWritten = 0;
  /** The last LLDPDU (a reused buffer) and its addressing, for the summary. */
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

/** A record with every field in place (one shape); describeLldp fills the TLV fields. */
export function emptyRecord(): LldpRecord {
  return {
    ts: 0, src_mac: '', dst_mac: '', vlan: undefined, chassis_id: '', chassis_id_subtype: '', chassis_id_subtype_code: 0,
    port_id: '', port_id_subtype: '', port_id_subtype_code: 0, ttl: 0, port_description: undefined, system_name: undefined,
    system_description: undefined, capabilities: undefined, enabled_capabilities: undefined, capabilities_bits: undefined,
    enabled_capabilities_bits: undefined, mgmt_addresses: [], mgmt_interfaces: [], mgmt_oids: [], port_vlan_id: undefined,
    ppvids: [], vlan_names: [], protocol_ids: [], aggregation_status: undefined, aggregated_port_id: undefined,
    autoneg_supported: undefined, autoneg_enabled: undefined, pmd_capabilities: undefined, mau_type: undefined,
    mau_type_name: undefined, mdi_power_support: undefined, pse_power_pair: undefined, power_class: undefined,
    max_frame_size: undefined, med_capabilities: undefined, med_device_class: undefined, med_policies: [], med_location: [],
    med_power: undefined, med_hardware_revision: undefined, med_firmware_revision: undefined, med_software_revision: undefined,
    med_serial_number: undefined, med_manufacturer: undefined, med_model: undefined, med_asset_id: undefined,
    pn_rtc2_port_status: undefined, pn_rtc3_port_status: undefined, pn_chassis_mac: undefined, pn_mrp_domain_uuid: undefined,
    pn_mrrt_port_status: undefined, pn_delays: undefined, pn_ptcp_master: undefined, pn_ptcp_subdomain_uuid: undefined,
    pn_alias: undefined, other_tlvs: [], truncated: false, record_kind: '', repeats: 0, frame_count: 0, first_ts: 0,
  };
}

function macOf(fr: Uint8Array, o: number): string {
  return formatMac((fr[o] << 8) | fr[o + 1], ((fr[o + 2] << 24) | (fr[o + 3] << 16) | (fr[o + 4] << 8) | fr[o + 5]) >>> 0);
}

export class LldpSession implements L2Session {
  private readonly ctx: L2Context;
  private readonly f = new LldpFrame();
  private readonly neighbors = new Map<string, Neighbor>();
  private capHit = false;
  /** LLDPDUs of neighbours beyond the cap. */
  untracked = 0;

  constructor(ctx: L2Context) {
    this.ctx = ctx;
  }

  frame(p: Packet): void {
    if (p.ethertype !== ETHERTYPE_LLDP) return;
    const d = p.data;
    const f = this.f;
    const problem = walkLldp(d, p.l2PayloadOff, p.end, f);
    if (problem !== PROBLEM.NONE) this.ctx.event(PROBLEM_EVENTS[problem], `${p.end - p.l2PayloadOff} bytes`);
    if (problem !== PROBLEM.NONE && !(problem === PROBLEM.TRUNCATED && f.tlvs >= 3)) return;
    if (f.tooMany) this.ctx.event('too_many_tlvs', `more than ${f.tlvs} TLVs`);
    if (f.reserved > 0) this.ctx.event('reserved_tlv', `${f.reserved} TLVs of reserved types`);
    if (f.duplicates > 0) this.ctx.event('duplicate_mandatory', `${f.duplicates} repeated Chassis ID/Port ID/TTL TLVs`);
    const fr = p.frame;
    const m = p.macOff;
    const src = m >= 0 ? macOf(fr, m + 6) : '';
    const dst = m >= 0 ? macOf(fr, m) : '';
    // The content includes who sent it and on which VLAN.
    let h1 = f.h1;
    for (let i = 0; i < src.length; i++) h1 = Math.imul(h1 ^ src.charCodeAt(i), 0x01000193);
    h1 = Math.imul(h1 ^ (p.vlan + 1), 0x01000193) >>> 0;
    const h2 = f.h2 >>> 0;
    const key = textOrHex(d, f.chassisOff, f.chassisLen) + '\u0000' + textOrHex(d, f.portOff, f.portLen) + '\u0000' + d[f.chassisOff] + '/' + d[f.portOff];
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
    nb.truncated = problem === PROBLEM.TRUNCATED;
    // Keep the LLDPDU for the end-of-input summary (one copy into a reused buffer).
    const len = Math.min(f.end - p.l2PayloadOff, MAX_KEPT);
    if (nb.last.length < len) nb.last = new Uint8Array(Math.max(len, 128));
    nb.last.set(d.subarray(p.l2PayloadOff, p.l2PayloadOff + len), 0);
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
      walkLldp(nb.last, 0, nb.lastLen, f);
      this.write(nb.last, f, nb, KIND_SUMMARY, nb.lastTs);
    }
  }

  private write(d: Uint8Array, f: LldpFrame, nb: Neighbor, kind: string, ts: number): void {
    const r = emptyRecord();
    const bad = describeLldp(d, f, r);
    if (bad > 0 && kind !== KIND_SUMMARY) this.ctx.event('bad_tlv_length', `${bad} TLVs of ${nb.key.split('\u0000')[0]}`);
    r.ts = ts;
    r.src_mac = nb.srcMac;
    r.dst_mac = nb.dstMac;
    r.vlan = nb.vlan >= 0 ? nb.vlan : undefined;
    r.truncated = nb.truncated || (kind === KIND_SUMMARY && nb.lastLen >= MAX_KEPT);
    r.record_kind = kind;
    r.repeats = nb.folded;
    r.frame_count = nb.frames;
    r.first_ts = nb.firstTs;
    nb.folded = 0;
    nb.lastWritten = ts;
    this.ctx.record(RECORD_LLDP, r as unknown as Record<string, unknown>);
  }
}
