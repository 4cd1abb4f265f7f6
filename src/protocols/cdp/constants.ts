// CDP wire constants (Cisco Discovery Protocol v1/v2, as Cisco documents it and the open
// implementations read it): LLC/SNAP identification, TLV types and capability bits.

/** LLC/SNAP: OUI 00-00-0c (Cisco), protocol id 0x2000. */
export const CDP_SNAP = 0x00000c * 65536 + 0x2000;
/** DSAP, SSAP, control, OUI, protocol id. */
export const SNAP_HEADER_LEN = 8;
/** version, ttl, checksum. */
export const CDP_HEADER_LEN = 4;

export const TLV_DEVICE_ID = 0x0001;
export const TLV_ADDRESSES = 0x0002;
export const TLV_PORT_ID = 0x0003;
export const TLV_CAPABILITIES = 0x0004;
export const TLV_SOFTWARE_VERSION = 0x0005;
export const TLV_PLATFORM = 0x0006;
export const TLV_IP_PREFIXES = 0x0007;
export const TLV_PROTOCOL_HELLO = 0x0008;
export const TLV_VTP_DOMAIN = 0x0009;
export const TLV_NATIVE_VLAN = 0x000a;
export const TLV_DUPLEX = 0x000b;
export const TLV_VOIP_VLAN_REPLY = 0x000e;
export const TLV_VOIP_VLAN_QUERY = 0x000f;
export const TLV_POWER = 0x0010;
export const TLV_MTU = 0x0011;
export const TLV_TRUST_BITMAP = 0x0012;
export const TLV_UNTRUSTED_COS = 0x0013;
export const TLV_SYSTEM_NAME = 0x0014;
export const TLV_SYSTEM_OID = 0x0015;
export const TLV_MANAGEMENT_ADDRESSES = 0x0016;
export const TLV_LOCATION = 0x0017;
export const TLV_POWER_REQUESTED = 0x0019;
export const TLV_POWER_AVAILABLE = 0x001a;

/** Capability bits, bit 0 first. */
export const CAPABILITIES: readonly string[] = [
  'router', 'trans_bridge', 'source_route_bridge', 'switch', 'host', 'igmp', 'repeater', 'phone', 'remote', 'cvta',
  'mac_relay',
];

/** Address protocol types: NLPID (1) and IEEE 802.2 (2). */
export const PROTO_NLPID = 1;
export const PROTO_8022 = 2;
/** NLPID of IPv4. */
export const NLPID_IP = 0xcc;
