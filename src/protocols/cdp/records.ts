// The `cdp` record: one per change of a neighbour's CDP announcement (the rule of
// docs/protocols/cdp.md), with the header and every TLV Palisade reads. Zeek has no CDP log;
// the names follow the TLVs as Cisco names them, in the style of Zeek's logs.
import type { ZeekField } from '../../events/zeek-tsv.ts';

export const RECORD_CDP = 'cdp';

export const KIND_NEW = 'new';
export const KIND_CHANGED = 'changed';
export const KIND_REFRESH = 'refresh';
export const KIND_SUMMARY = 'summary';

export interface CdpRecord {
  ts: number;
  src_mac: string;
  dst_mac: string;
  vlan: number | undefined;
  version: number;
  /** Seconds the receiver keeps the information. */
  ttl: number;
  /** The checksum field ("0x09a0") and whether it verified. */
  checksum: string;
  checksum_ok: boolean;
  device_id: string | undefined;
  /** Addresses of the sending interface (IPv4, IPv6; others as "proto:<hex>=<hex>"). */
  addresses: string[];
  port_id: string | undefined;
  capabilities: string[] | undefined;
  capabilities_bits: number | undefined;
  software_version: string | undefined;
  platform: string | undefined;
  /** IP prefixes (ODR), "a.b.c.d/len". */
  ip_prefixes: string[];
  vtp_domain: string | undefined;
  native_vlan: number | undefined;
  /** "full" or "half". */
  duplex: string | undefined;
  /** VoIP VLAN of a VoIP VLAN reply. */
  voice_vlan: number | undefined;
  /** Power consumption in mW. */
  power_mw: number | undefined;
  mtu: number | undefined;
  trust_bitmap: number | undefined;
  untrusted_cos: number | undefined;
  system_name: string | undefined;
  /** System object id (the sysObjectID of the device), dotted. */
  system_object_id: string | undefined;
  mgmt_addresses: string[];
  location: string | undefined;
  /** Power available, mW (the first value of the TLV). */
  power_available_mw: number | undefined;
  /** TLV types not decoded, "0x001d". */
  other_tlvs: string[];
  truncated: boolean;
  record_kind: string;
  repeats: number;
  frame_count: number;
  first_ts: number;
}

export const CDP_FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'src_mac', type: 'string' },
  { name: 'dst_mac', type: 'string' },
  { name: 'vlan', type: 'count' },
  { name: 'version', type: 'count' },
  { name: 'ttl', type: 'count' },
  { name: 'checksum', type: 'string' },
  { name: 'checksum_ok', type: 'bool' },
  { name: 'device_id', type: 'string' },
  { name: 'addresses', type: 'vector[string]' },
  { name: 'port_id', type: 'string' },
  { name: 'capabilities', type: 'vector[string]' },
  { name: 'capabilities_bits', type: 'count' },
  { name: 'software_version', type: 'string' },
  { name: 'platform', type: 'string' },
  { name: 'ip_prefixes', type: 'vector[string]' },
  { name: 'vtp_domain', type: 'string' },
  { name: 'native_vlan', type: 'count' },
  { name: 'duplex', type: 'string' },
  { name: 'voice_vlan', type: 'count' },
  { name: 'power_mw', type: 'count' },
  { name: 'mtu', type: 'count' },
  { name: 'trust_bitmap', type: 'count' },
  { name: 'untrusted_cos', type: 'count' },
  { name: 'system_name', type: 'string' },
  { name: 'system_object_id', type: 'string' },
  { name: 'mgmt_addresses', type: 'vector[string]' },
  { name: 'location', type: 'string' },
  { name: 'power_available_mw', type: 'count' },
  { name: 'other_tlvs', type: 'vector[string]' },
  { name: 'truncated', type: 'bool' },
  { name: 'record_kind', type: 'string' },
  { name: 'repeats', type: 'count' },
  { name: 'frame_count', type: 'count' },
  { name: 'first_ts', type: 'time' },
];
