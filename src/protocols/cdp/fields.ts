// CDP TLVs as record fields: run only when a record is written.
import { formatIPv4, formatIPv6 } from '../../core/addr.ts';
import { BER_OK, Tlv, readHex, readOid, readTlv } from '../../dissect/ber.ts';
import {
  CAPABILITIES, NLPID_IP, PROTO_8022, PROTO_NLPID, TLV_ADDRESSES, TLV_CAPABILITIES, TLV_DEVICE_ID, TLV_DUPLEX,
  TLV_IP_PREFIXES, TLV_LOCATION, TLV_MANAGEMENT_ADDRESSES, TLV_MTU, TLV_NATIVE_VLAN, TLV_PLATFORM, TLV_PORT_ID, TLV_POWER,
  TLV_POWER_AVAILABLE, TLV_PROTOCOL_HELLO, TLV_SOFTWARE_VERSION, TLV_SYSTEM_NAME, TLV_SYSTEM_OID, TLV_TRUST_BITMAP,
  TLV_UNTRUSTED_COS, TLV_VOIP_VLAN_QUERY, TLV_VOIP_VLAN_REPLY, TLV_VTP_DOMAIN,
} from './constants.ts';
import type { CdpFrame } from './parser.ts';
import type { CdpRecord } from './records.ts';

/** Bytes kept of a text TLV (the software version is the longest, a few hundred bytes). */
export const MAX_TEXT_BYTES = 1024;
export const MAX_LIST = 16;

const utf8 = new TextDecoder('utf-8');
const u16 = (d: Uint8Array, o: number) => (d[o] << 8) | d[o + 1];
const u32 = (d: Uint8Array, o: number) => ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
const tlv = new Tlv();

/** Text (UTF-8, trailing NULs dropped), or hex when it holds control characters other than tab, CR and LF. */
export function textOrHex(d: Uint8Array, off: number, len: number): string {
  let n = len < MAX_TEXT_BYTES ? len : MAX_TEXT_BYTES;
  while (n > 0 && d[off + n - 1] === 0) n--;
  let ascii = true;
  for (let i = off; i < off + n; i++) {
    const c = d[i];
    if (c >= 0x80) ascii = false;
    else if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return readHex(d, off, len, MAX_TEXT_BYTES);
  }
  if (!ascii) return utf8.decode(d.subarray(off, off + n));
  let s = '';
  for (let i = off; i < off + n; i++) s += String.fromCharCode(d[i]);
  return s;
}

/** An Addresses / Management Addresses TLV value into `out`. False when it is cut. */
function addresses(d: Uint8Array, o: number, n: number, out: string[]): boolean {
  if (n < 4) return false;
  const count = u32(d, o);
  const end = o + n;
  let p = o + 4;
  for (let i = 0; i < count; i++) {
    if (end - p < 2) return false;
    const ptype = d[p];
    const plen = d[p + 1];
    if (end - p < 2 + plen + 2) return false;
    const proto = p + 2;
    const alen = u16(d, proto + plen);
    const a = proto + plen + 2;
    if (end - a < alen) return false;
    if (out.length < MAX_LIST) {
      if (ptype === PROTO_NLPID && plen === 1 && d[proto] === NLPID_IP && alen === 4) out.push(formatIPv4(u32(d, a)));
      else if (ptype === PROTO_8022 && plen === 8 && d[proto + 6] === 0x86 && d[proto + 7] === 0xdd && alen === 16) {
        out.push(formatIPv6(u32(d, a), u32(d, a + 4), u32(d, a + 8), u32(d, a + 12)));
      } else out.push(`${readHex(d, proto, plen, 16)}=${readHex(d, a, alen, 32)}`);
    }
    p = a + alen;
  }
  return true;
}

/** Fills the TLV fields of `r`. Returns the number of TLVs whose length does not fit their kind. */
export function describeCdp(d: Uint8Array, f: CdpFrame, r: CdpRecord): number {
  let bad = 0;
  for (let i = 0; i < f.tlvs; i++) {
    const o = f.off[i];
    const n = f.len[i];
    switch (f.type[i]) {
      case TLV_DEVICE_ID:
        r.device_id ??= textOrHex(d, o, n);
        break;
      case TLV_ADDRESSES:
        if (!addresses(d, o, n, r.addresses)) bad++;
        break;
      case TLV_PORT_ID:
        r.port_id ??= textOrHex(d, o, n);
        break;
      case TLV_CAPABILITIES: {
        if (n !== 4) {
          bad++;
          break;
        }
        const bits = u32(d, o);
        r.capabilities_bits = bits;
        const names: string[] = [];
        for (let b = 0; b < 32; b++) if (bits & (1 << b)) names.push(CAPABILITIES[b] ?? `bit${b}`);
        r.capabilities = names;
        break;
      }
      case TLV_SOFTWARE_VERSION:
        r.software_version = textOrHex(d, o, n);
        break;
      case TLV_PLATFORM:
        r.platform = textOrHex(d, o, n);
        break;
      case TLV_IP_PREFIXES:
        if (n % 5 !== 0) {
          bad++;
          break;
        }
        for (let p = o; p < o + n && r.ip_prefixes.length < MAX_LIST; p += 5) r.ip_prefixes.push(`${formatIPv4(u32(d, p))}/${d[p + 4]}`);
        break;
      case TLV_VTP_DOMAIN:
        r.vtp_domain = textOrHex(d, o, n);
        break;
      case TLV_NATIVE_VLAN:
        if (n !== 2) bad++;
        else r.native_vlan = u16(d, o);
        break;
      case TLV_DUPLEX:
        if (n !== 1) bad++;
        else r.duplex = d[o] === 1 ? 'full' : d[o] === 0 ? 'half' : `unknown-${d[o]}`;
        break;
      case TLV_VOIP_VLAN_REPLY:
        if (n < 3) bad++;
        else r.voice_vlan = u16(d, o + 1);
        break;
      case TLV_POWER:
        if (n !== 2) bad++;
        else r.power_mw = u16(d, o);
        break;
      case TLV_MTU:
        if (n !== 4) bad++;
        else r.mtu = u32(d, o);
        break;
      case TLV_TRUST_BITMAP:
        if (n !== 1) bad++;
        else r.trust_bitmap = d[o];
        break;
      case TLV_UNTRUSTED_COS:
        if (n !== 1) bad++;
        else r.untrusted_cos = d[o];
        break;
      case TLV_SYSTEM_NAME:
        r.system_name = textOrHex(d, o, n);
        break;
      case TLV_SYSTEM_OID:
        // A BER OBJECT IDENTIFIER (tag 0x06), or the bare value.
        if (n >= 2 && readTlv(d, o, o + n, tlv) === BER_OK && tlv.id === 0x06) r.system_object_id = readOid(d, tlv.off, tlv.len) || readHex(d, o, n, 64);
        else r.system_object_id = readOid(d, o, n) || readHex(d, o, n, 64);
        break;
      case TLV_MANAGEMENT_ADDRESSES:
        if (!addresses(d, o, n, r.mgmt_addresses)) bad++;
        break;
      case TLV_LOCATION:
        if (n < 1) bad++;
        else r.location = textOrHex(d, o + 1, n - 1);
        break;
      case TLV_POWER_AVAILABLE:
        // request id, management id, then power available values (mW, 4 bytes each)
        if (n < 8) bad++;
        else r.power_available_mw = u32(d, o + 4);
        break;
      case TLV_PROTOCOL_HELLO:
      case TLV_VOIP_VLAN_QUERY:
      default:
        if (r.other_tlvs.length < MAX_LIST) r.other_tlvs.push('0x' + f.type[i].toString(16).padStart(4, '0'));
    }
  }
  return bad;
}
