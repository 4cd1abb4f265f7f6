// LLDP TLVs as record fields: run only when a record is written (a new or changed LLDPDU),
// on the TLV positions walkLldp kept.
import { formatIPv4, formatIPv6, formatMac } from '../../core/addr.ts';
import { readHex, readOid } from '../../dissect/ber.ts';
import {
  AF_802, AF_IPV4, AF_IPV6, CAPABILITIES, CHASSIS_SUBTYPES, DOT1_LINK_AGGREGATION, DOT1_PORT_VLAN, DOT1_PPVID,
  DOT1_PROTOCOL_IDENTITY, DOT1_VLAN_NAME, DOT3_LINK_AGGREGATION, DOT3_MAC_PHY, DOT3_MAX_FRAME_SIZE, DOT3_POWER_MDI,
  IF_NUMBERING, MAU_TYPES, MED_APPLICATIONS, MED_ASSET_ID, MED_CAPABILITIES, MED_CAPABILITY_NAMES, MED_DEVICE_CLASSES,
  MED_EXTENDED_POWER, MED_FIRMWARE_REVISION, MED_HARDWARE_REVISION, MED_LOCATION, MED_MANUFACTURER, MED_MODEL,
  MED_NETWORK_POLICY, MED_SERIAL_NUMBER, MED_SOFTWARE_REVISION, OUI_IEEE_8021, OUI_IEEE_8023, OUI_MED, OUI_PROFINET,
  PN_ALIAS, PN_CHASSIS_MAC, PN_DELAY, PN_MRP_PORT_STATUS, PN_PORT_STATUS, PN_PTCP_STATUS, PORT_SUBTYPES, SUBTYPE_MAC,
  SUBTYPE_NETWORK, TLV_MANAGEMENT_ADDRESS, TLV_ORG_SPECIFIC, TLV_PORT_DESCRIPTION, TLV_SYSTEM_CAPABILITIES,
  TLV_SYSTEM_DESCRIPTION, TLV_SYSTEM_NAME, nameOf,
} from './constants.ts';
import type { LldpFrame } from './parser.ts';
import type { LldpRecord } from './records.ts';

/** Bytes kept of a text TLV (descriptions, names, inventory strings). */
export const MAX_TEXT_BYTES = 512;
/** Entries kept per list field (management addresses, VLAN names, policies, other TLVs). */
export const MAX_LIST = 16;

const utf8 = new TextDecoder('utf-8');
const u16 = (d: Uint8Array, o: number) => (d[o] << 8) | d[o + 1];
const u32 = (d: Uint8Array, o: number) => ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;

export function macAt(d: Uint8Array, o: number): string {
  return formatMac(u16(d, o), u32(d, o + 2));
}

/** Text when every byte is printable (UTF-8 allowed, trailing NULs dropped), hex otherwise. */
export function textOrHex(d: Uint8Array, off: number, len: number): string {
  let n = len < MAX_TEXT_BYTES ? len : MAX_TEXT_BYTES;
  while (n > 0 && d[off + n - 1] === 0) n--;
  let ascii = true;
  for (let i = off; i < off + n; i++) {
    const c = d[i];
    if (c >= 0x80) ascii = false;
    else if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return readHex(d, off, len, MAX_TEXT_BYTES);
  }
  if (!ascii) {
    const s = utf8.decode(d.subarray(off, off + n));
    return s.includes('\ufffd') ? readHex(d, off, len, MAX_TEXT_BYTES) : s;
  }
  let s = '';
  for (let i = off; i < off + n; i++) s += String.fromCharCode(d[i]);
  return s;
}

function addressOf(d: Uint8Array, family: number, o: number, n: number): string {
  if (family === AF_IPV4 && n === 4) return formatIPv4(u32(d, o));
  if (family === AF_IPV6 && n === 16) return formatIPv6(u32(d, o), u32(d, o + 4), u32(d, o + 8), u32(d, o + 12));
  if (family === AF_802 && n === 6) return macAt(d, o);
  return readHex(d, o, n, 32);
}

/** A Chassis ID or Port ID value (subtype byte first) as text. */
export function idText(d: Uint8Array, off: number, len: number, macSubtype: number, networkSubtype: number): string {
  const sub = d[off];
  const o = off + 1;
  const n = len - 1;
  if (sub === macSubtype && n === 6) return macAt(d, o);
  if (sub === networkSubtype && n >= 2) return addressOf(d, d[o], o + 1, n - 1);
  return textOrHex(d, o, n);
}

function uuid(d: Uint8Array, o: number): string {
  const h = readHex(d, o, 16, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function bitNames(bits: number, names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < 16; i++) if (bits & (1 << i)) out.push(names[i] ?? `bit${i}`);
  return out;
}

const hex2 = (b: number) => (b < 16 ? '0' : '') + b.toString(16);

/**
 * Fills the TLV fields of `r` from the frame's TLVs. Returns the number of TLVs whose length
 * does not fit their kind (left out of the record).
 */
export function describeLldp(d: Uint8Array, f: LldpFrame, r: LldpRecord): number {
  let bad = 0;
  r.chassis_id = idText(d, f.chassisOff, f.chassisLen, SUBTYPE_MAC.chassis, SUBTYPE_NETWORK.chassis);
  r.chassis_id_subtype_code = d[f.chassisOff];
  r.chassis_id_subtype = nameOf(CHASSIS_SUBTYPES, d[f.chassisOff]);
  r.port_id = idText(d, f.portOff, f.portLen, SUBTYPE_MAC.port, SUBTYPE_NETWORK.port);
  r.port_id_subtype_code = d[f.portOff];
  r.port_id_subtype = nameOf(PORT_SUBTYPES, d[f.portOff]);
  r.ttl = f.ttl;
  for (let i = 3; i < f.tlvs; i++) {
    const type = f.type[i];
    const o = f.off[i];
    const n = f.len[i];
    switch (type) {
      case TLV_PORT_DESCRIPTION:
        r.port_description = textOrHex(d, o, n);
        break;
      case TLV_SYSTEM_NAME:
        r.system_name = textOrHex(d, o, n);
        break;
      case TLV_SYSTEM_DESCRIPTION:
        r.system_description = textOrHex(d, o, n);
        break;
      case TLV_SYSTEM_CAPABILITIES:
        if (n !== 4) {
          bad++;
          break;
        }
        r.capabilities_bits = u16(d, o);
        r.enabled_capabilities_bits = u16(d, o + 2);
        r.capabilities = bitNames(r.capabilities_bits, CAPABILITIES);
        r.enabled_capabilities = bitNames(r.enabled_capabilities_bits, CAPABILITIES);
        break;
      case TLV_MANAGEMENT_ADDRESS: {
        const sl = n > 0 ? d[o] : 0;
        // address string length (subtype + address), interface subtype + number, OID length
        if (sl < 2 || n < sl + 7 || n < sl + 7 + d[o + sl + 6]) {
          bad++;
          break;
        }
        if (r.mgmt_addresses.length >= MAX_LIST) break;
        r.mgmt_addresses.push(addressOf(d, d[o + 1], o + 2, sl - 1));
        r.mgmt_interfaces.push(`${nameOf(IF_NUMBERING, d[o + sl + 1])} ${u32(d, o + sl + 2)}`);
        const ol = d[o + sl + 6];
        if (ol > 0) {
          const oid = readOid(d, o + sl + 7, ol);
          r.mgmt_oids.push(oid === '' ? readHex(d, o + sl + 7, ol, 64) : oid);
        }
        break;
      }
      case TLV_ORG_SPECIFIC:
        if (n < 4) {
          bad++;
          break;
        }
        bad += orgSpecific(d, o, n, r);
        break;
      default:
        if (type > 8 && r.other_tlvs.length < MAX_LIST) r.other_tlvs.push(`type ${type}`);
    }
  }
  return bad;
}

function orgSpecific(d: Uint8Array, o: number, n: number, r: LldpRecord): number {
  const oui = (d[o] << 16) | (d[o + 1] << 8) | d[o + 2];
  const sub = d[o + 3];
  const v = o + 4;
  const m = n - 4;
  switch (oui) {
    case OUI_IEEE_8021:
      switch (sub) {
        case DOT1_PORT_VLAN:
          if (m !== 2) return 1;
          r.port_vlan_id = u16(d, v);
          return 0;
        case DOT1_PPVID:
          if (m !== 3) return 1;
          if (r.ppvids.length < MAX_LIST) r.ppvids.push(u16(d, v + 1));
          return 0;
        case DOT1_VLAN_NAME: {
          if (m < 3 || m < 3 + d[v + 2]) return 1;
          if (r.vlan_names.length < MAX_LIST) r.vlan_names.push(`${u16(d, v) & 0xfff}:${textOrHex(d, v + 3, d[v + 2])}`);
          return 0;
        }
        case DOT1_PROTOCOL_IDENTITY:
          if (m < 1 || m < 1 + d[v]) return 1;
          if (r.protocol_ids.length < MAX_LIST) r.protocol_ids.push(readHex(d, v + 1, d[v], 64));
          return 0;
        case DOT1_LINK_AGGREGATION:
          if (m !== 5) return 1;
          r.aggregation_status = d[v];
          r.aggregated_port_id = u32(d, v + 1);
          return 0;
      }
      break;
    case OUI_IEEE_8023:
      switch (sub) {
        case DOT3_MAC_PHY:
          if (m !== 5) return 1;
          r.autoneg_supported = (d[v] & 1) !== 0;
          r.autoneg_enabled = (d[v] & 2) !== 0;
          r.pmd_capabilities = u16(d, v + 1);
          r.mau_type = u16(d, v + 3);
          r.mau_type_name = MAU_TYPES[r.mau_type] ?? `unknown-${r.mau_type}`;
          return 0;
        case DOT3_POWER_MDI:
          if (m < 3) return 1;
          r.mdi_power_support = d[v];
          r.pse_power_pair = d[v + 1];
          r.power_class = d[v + 2];
          return 0;
        case DOT3_LINK_AGGREGATION:
          if (m !== 5) return 1;
          r.aggregation_status = d[v];
          r.aggregated_port_id = u32(d, v + 1);
          return 0;
        case DOT3_MAX_FRAME_SIZE:
          if (m !== 2) return 1;
          r.max_frame_size = u16(d, v);
          return 0;
      }
      break;
    case OUI_MED:
      switch (sub) {
        case MED_CAPABILITIES:
          if (m !== 3) return 1;
          r.med_capabilities = bitNames(u16(d, v), MED_CAPABILITY_NAMES);
          r.med_device_class = nameOf(MED_DEVICE_CLASSES, d[v + 2]);
          return 0;
        case MED_NETWORK_POLICY: {
          if (m !== 4) return 1;
          const b1 = d[v + 1];
          const b2 = d[v + 2];
          const b3 = d[v + 3];
          const vlan = ((b1 & 0x1f) << 7) | (b2 >> 1);
          const prio = ((b2 & 1) << 2) | (b3 >> 6);
          let s = `${nameOf(MED_APPLICATIONS, d[v])}:vlan=${vlan},priority=${prio},dscp=${b3 & 0x3f}`;
          if (b1 & 0x40) s += ',tagged';
          if (b1 & 0x80) s += ',unknown';
          if (r.med_policies.length < MAX_LIST) r.med_policies.push(s);
          return 0;
        }
        case MED_LOCATION:
          if (m < 1) return 1;
          if (r.med_location.length < MAX_LIST) r.med_location.push(`${d[v]}:${readHex(d, v + 1, m - 1, 256)}`);
          return 0;
        case MED_EXTENDED_POWER:
          if (m !== 3) return 1;
          r.med_power = `type=${d[v] >> 6},source=${(d[v] >> 4) & 3},priority=${d[v] & 15},power_mw=${u16(d, v + 1) * 100}`;
          return 0;
        case MED_HARDWARE_REVISION:
          r.med_hardware_revision = textOrHex(d, v, m);
          return 0;
        case MED_FIRMWARE_REVISION:
          r.med_firmware_revision = textOrHex(d, v, m);
          return 0;
        case MED_SOFTWARE_REVISION:
          r.med_software_revision = textOrHex(d, v, m);
          return 0;
        case MED_SERIAL_NUMBER:
          r.med_serial_number = textOrHex(d, v, m);
          return 0;
        case MED_MANUFACTURER:
          r.med_manufacturer = textOrHex(d, v, m);
          return 0;
        case MED_MODEL:
          r.med_model = textOrHex(d, v, m);
          return 0;
        case MED_ASSET_ID:
          r.med_asset_id = textOrHex(d, v, m);
          return 0;
      }
      break;
    case OUI_PROFINET:
      switch (sub) {
        case PN_DELAY:
          if (m !== 20) return 1;
          r.pn_delays = [u32(d, v), u32(d, v + 4), u32(d, v + 8), u32(d, v + 12), u32(d, v + 16)];
          return 0;
        case PN_PORT_STATUS:
          if (m !== 4) return 1;
          r.pn_rtc2_port_status = u16(d, v);
          r.pn_rtc3_port_status = u16(d, v + 2);
          return 0;
        case PN_ALIAS:
          r.pn_alias = textOrHex(d, v, m);
          return 0;
        case PN_MRP_PORT_STATUS:
          if (m !== 18) return 1;
          r.pn_mrp_domain_uuid = uuid(d, v);
          r.pn_mrrt_port_status = u16(d, v + 16);
          return 0;
        case PN_CHASSIS_MAC:
          if (m !== 6) return 1;
          r.pn_chassis_mac = macAt(d, v);
          return 0;
        case PN_PTCP_STATUS:
          if (m < 22) return 1;
          r.pn_ptcp_master = macAt(d, v);
          r.pn_ptcp_subdomain_uuid = uuid(d, v + 6);
          return 0;
      }
      break;
  }
  if (r.other_tlvs.length < MAX_LIST) r.other_tlvs.push(`${hex2(d[o])}:${hex2(d[o + 1])}:${hex2(d[o + 2])}/${sub}`);
  return 0;
}
