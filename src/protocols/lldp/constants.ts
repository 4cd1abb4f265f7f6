// LLDP wire constants (IEEE 802.1AB-2016 clause 8, and its annexes for the organizationally
// specific TLVs of IEEE 802.1 (annex D), IEEE 802.3 (clause 79), LLDP-MED (ANSI/TIA-1057)
// and PROFINET (IEC 61158-6-10)), with the names the records use.

export const ETHERTYPE_LLDP = 0x88cc;

export const TLV_END = 0;
export const TLV_CHASSIS_ID = 1;
export const TLV_PORT_ID = 2;
export const TLV_TTL = 3;
export const TLV_PORT_DESCRIPTION = 4;
export const TLV_SYSTEM_NAME = 5;
export const TLV_SYSTEM_DESCRIPTION = 6;
export const TLV_SYSTEM_CAPABILITIES = 7;
export const TLV_MANAGEMENT_ADDRESS = 8;
export const TLV_ORG_SPECIFIC = 127;

/** Chassis ID subtypes (802.1AB table 8-2). */
export const CHASSIS_SUBTYPES: readonly string[] = [
  'reserved', 'chassis_component', 'interface_alias', 'port_component', 'mac_address', 'network_address',
  'interface_name', 'locally_assigned',
];
/** Port ID subtypes (802.1AB table 8-3). */
export const PORT_SUBTYPES: readonly string[] = [
  'reserved', 'interface_alias', 'port_component', 'mac_address', 'network_address', 'interface_name',
  'agent_circuit_id', 'locally_assigned',
];
export const SUBTYPE_MAC = { chassis: 4, port: 3 } as const;
export const SUBTYPE_NETWORK = { chassis: 5, port: 4 } as const;

/** System capabilities bits, bit 0 first (802.1AB table 8-4). */
export const CAPABILITIES: readonly string[] = [
  'other', 'repeater', 'bridge', 'wlan_ap', 'router', 'telephone', 'docsis', 'station_only', 'c_vlan', 's_vlan', 'tpmr',
];

/** IANA address family numbers used in network-address ids and management addresses. */
export const AF_IPV4 = 1;
export const AF_IPV6 = 2;
export const AF_802 = 6;

/** Management address interface numbering subtypes (802.1AB table 8-5). */
export const IF_NUMBERING: readonly string[] = ['', 'unknown', 'ifIndex', 'system_port_number'];

/** Organizationally unique identifiers of the TLVs Palisade decodes. */
export const OUI_IEEE_8021 = 0x0080c2;
export const OUI_IEEE_8023 = 0x00120f;
export const OUI_MED = 0x0012bb;
export const OUI_PROFINET = 0x000ecf;

/** IEEE 802.1 subtypes. */
export const DOT1_PORT_VLAN = 1;
export const DOT1_PPVID = 2;
export const DOT1_VLAN_NAME = 3;
export const DOT1_PROTOCOL_IDENTITY = 4;
export const DOT1_LINK_AGGREGATION = 7;
/** IEEE 802.3 subtypes. */
export const DOT3_MAC_PHY = 1;
export const DOT3_POWER_MDI = 2;
export const DOT3_LINK_AGGREGATION = 3;
export const DOT3_MAX_FRAME_SIZE = 4;
/** LLDP-MED subtypes (TIA-1057 clause 10.2). */
export const MED_CAPABILITIES = 1;
export const MED_NETWORK_POLICY = 2;
export const MED_LOCATION = 3;
export const MED_EXTENDED_POWER = 4;
export const MED_HARDWARE_REVISION = 5;
export const MED_FIRMWARE_REVISION = 6;
export const MED_SOFTWARE_REVISION = 7;
export const MED_SERIAL_NUMBER = 8;
export const MED_MANUFACTURER = 9;
export const MED_MODEL = 10;
export const MED_ASSET_ID = 11;
/** LLDP-MED capability bits, bit 0 first. */
export const MED_CAPABILITY_NAMES: readonly string[] = [
  'capabilities', 'network_policy', 'location', 'extended_power_pse', 'extended_power_pd', 'inventory',
];
/** LLDP-MED device types. */
export const MED_DEVICE_CLASSES: readonly string[] = ['not_defined', 'endpoint_class_1', 'endpoint_class_2', 'endpoint_class_3', 'network_connectivity'];
/** LLDP-MED network policy application types. */
export const MED_APPLICATIONS: readonly string[] = [
  'reserved', 'voice', 'voice_signaling', 'guest_voice', 'guest_voice_signaling', 'softphone_voice', 'video_conferencing',
  'streaming_video', 'video_signaling',
];
/** PROFINET subtypes (IEC 61158-6-10, LLDP extensions). */
export const PN_DELAY = 1;
export const PN_PORT_STATUS = 2;
export const PN_ALIAS = 3;
export const PN_MRP_PORT_STATUS = 4;
export const PN_CHASSIS_MAC = 5;
export const PN_PTCP_STATUS = 6;

/** A few IANA MAU types (RFC 4836 dot3MauType) as the records name them. */
export const MAU_TYPES: Readonly<Record<number, string>> = {
  10: '10BaseTHD',
  11: '10BaseTFD',
  15: '100BaseTXHD',
  16: '100BaseTXFD',
  17: '100BaseFXHD',
  18: '100BaseFXFD',
  21: '100BaseT2HD',
  22: '100BaseT2FD',
  23: '1000BaseXHD',
  24: '1000BaseXFD',
  25: '1000BaseLXHD',
  26: '1000BaseLXFD',
  27: '1000BaseSXHD',
  28: '1000BaseSXFD',
  29: '1000BaseCXHD',
  30: '1000BaseCXFD',
  31: '1000BaseTHD',
  32: '1000BaseTFD',
  54: '10GbaseT',
  110: '1000BaseT1',
  111: '100BaseT1',
};

export function nameOf(table: readonly string[], code: number): string {
  const n = table[code];
  return n === undefined || n === '' ? `unknown-${code}` : n;
}
