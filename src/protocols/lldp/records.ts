// The `lldp` record: one per change of a neighbour's LLDPDU (see docs/protocols/lldp.md for
// the rule), with the frame's addresses, every basic TLV, the management addresses, and the
// organizationally specific TLVs of IEEE 802.1, IEEE 802.3, LLDP-MED and PROFINET. Zeek has
// no LLDP log; the names follow the 802.1AB objects (lldpRemChassisId, lldpRemSysName …) in
// the style of Zeek's logs.
import type { ZeekField } from '../../events/zeek-tsv.ts';

export const RECORD_LLDP = 'lldp';

/** Why a record was written. */
export const KIND_NEW = 'new';
export const KIND_CHANGED = 'changed';
export const KIND_REFRESH = 'refresh';
export const KIND_SUMMARY = 'summary';

export interface LldpRecord {
  ts: number;
  src_mac: string;
  dst_mac: string;
  vlan: number | undefined;
  chassis_id: string;
  chassis_id_subtype: string;
  chassis_id_subtype_code: number;
  port_id: string;
  port_id_subtype: string;
  port_id_subtype_code: number;
  /** Seconds the information stays valid; 0 is a shutdown LLDPDU. */
  ttl: number;
  port_description: string | undefined;
  system_name: string | undefined;
  system_description: string | undefined;
  /** System capabilities supported / enabled, by name, and as the 16-bit masks. */
  capabilities: string[] | undefined;
  enabled_capabilities: string[] | undefined;
  capabilities_bits: number | undefined;
  enabled_capabilities_bits: number | undefined;
  /** Management addresses (IPv4, IPv6, MAC; others as hex), their interface numbering, their OIDs. */
  mgmt_addresses: string[];
  mgmt_interfaces: string[];
  mgmt_oids: string[];
  /** IEEE 802.1 */
  port_vlan_id: number | undefined;
  /** Port-and-protocol VLAN ids. */
  ppvids: number[];
  /** VLAN names, "vid:name". */
  vlan_names: string[];
  /** Protocol identities (hex). */
  protocol_ids: string[];
  /** Link aggregation (802.1 or the deprecated 802.3 TLV): status bits and aggregated port id. */
  aggregation_status: number | undefined;
  aggregated_port_id: number | undefined;
  /** IEEE 802.3 MAC/PHY configuration/status. */
  autoneg_supported: boolean | undefined;
  autoneg_enabled: boolean | undefined;
  pmd_capabilities: number | undefined;
  mau_type: number | undefined;
  mau_type_name: string | undefined;
  /** IEEE 802.3 power via MDI: MDI power support bits, PSE power pair, power class. */
  mdi_power_support: number | undefined;
  pse_power_pair: number | undefined;
  power_class: number | undefined;
  max_frame_size: number | undefined;
  /** LLDP-MED */
  med_capabilities: string[] | undefined;
  med_device_class: string | undefined;
  /** Network policies, "application:vlan=<id>,priority=<p>,dscp=<d>[,tagged][,unknown]". */
  med_policies: string[];
  /** Location identification: data format code and the data as hex. */
  med_location: string[];
  /** Extended power via MDI: "type=<t>,source=<s>,priority=<p>,power_mw=<n>". */
  med_power: string | undefined;
  med_hardware_revision: string | undefined;
  med_firmware_revision: string | undefined;
  med_software_revision: string | undefined;
  med_serial_number: string | undefined;
  med_manufacturer: string | undefined;
  med_model: string | undefined;
  med_asset_id: string | undefined;
  /** PROFINET (OUI 00-0e-cf) */
  pn_rtc2_port_status: number | undefined;
  pn_rtc3_port_status: number | undefined;
  pn_chassis_mac: string | undefined;
  pn_mrp_domain_uuid: string | undefined;
  pn_mrrt_port_status: number | undefined;
  /** Measured delays in ns: rx local, rx remote, tx local, tx remote, cable local (of the frame written). */
  pn_delays: number[] | undefined;
  pn_ptcp_master: string | undefined;
  pn_ptcp_subdomain_uuid: string | undefined;
  pn_alias: string | undefined;
  /** Organizationally specific TLVs not decoded ("oui/subtype", e.g. "00:00:5e/1") and reserved TLV types ("type 9"). */
  other_tlvs: string[];
  /** The LLDPDU was cut before its end (snap length): the fields above are those before the cut. */
  truncated: boolean;
  /** The change-only rule: new | changed | refresh | summary. */
  record_kind: string;
  /** LLDPDUs of this neighbour folded (identical, not written) since its previous record. */
  repeats: number;
  /** LLDPDUs of this neighbour so far. */
  frame_count: number;
  first_ts: number;
}

export const LLDP_FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'src_mac', type: 'string' },
  { name: 'dst_mac', type: 'string' },
  { name: 'vlan', type: 'count' },
  { name: 'chassis_id', type: 'string' },
  { name: 'chassis_id_subtype', type: 'string' },
  { name: 'chassis_id_subtype_code', type: 'count' },
  { name: 'port_id', type: 'string' },
  { name: 'port_id_subtype', type: 'string' },
  { name: 'port_id_subtype_code', type: 'count' },
  { name: 'ttl', type: 'count' },
  { name: 'port_description', type: 'string' },
  { name: 'system_name', type: 'string' },
  { name: 'system_description', type: 'string' },
  { name: 'capabilities', type: 'vector[string]' },
  { name: 'enabled_capabilities', type: 'vector[string]' },
  { name: 'capabilities_bits', type: 'count' },
  { name: 'enabled_capabilities_bits', type: 'count' },
  { name: 'mgmt_addresses', type: 'vector[string]' },
  { name: 'mgmt_interfaces', type: 'vector[string]' },
  { name: 'mgmt_oids', type: 'vector[string]' },
  { name: 'port_vlan_id', type: 'count' },
  { name: 'ppvids', type: 'vector[count]' },
  { name: 'vlan_names', type: 'vector[string]' },
  { name: 'protocol_ids', type: 'vector[string]' },
  { name: 'aggregation_status', type: 'count' },
  { name: 'aggregated_port_id', type: 'count' },
  { name: 'autoneg_supported', type: 'bool' },
  { name: 'autoneg_enabled', type: 'bool' },
  { name: 'pmd_capabilities', type: 'count' },
  { name: 'mau_type', type: 'count' },
  { name: 'mau_type_name', type: 'string' },
  { name: 'mdi_power_support', type: 'count' },
  { name: 'pse_power_pair', type: 'count' },
  { name: 'power_class', type: 'count' },
  { name: 'max_frame_size', type: 'count' },
  { name: 'med_capabilities', type: 'vector[string]' },
  { name: 'med_device_class', type: 'string' },
  { name: 'med_policies', type: 'vector[string]' },
  { name: 'med_location', type: 'vector[string]' },
  { name: 'med_power', type: 'string' },
  { name: 'med_hardware_revision', type: 'string' },
  { name: 'med_firmware_revision', type: 'string' },
  { name: 'med_software_revision', type: 'string' },
  { name: 'med_serial_number', type: 'string' },
  { name: 'med_manufacturer', type: 'string' },
  { name: 'med_model', type: 'string' },
  { name: 'med_asset_id', type: 'string' },
  { name: 'pn_rtc2_port_status', type: 'count' },
  { name: 'pn_rtc3_port_status', type: 'count' },
  { name: 'pn_chassis_mac', type: 'string' },
  { name: 'pn_mrp_domain_uuid', type: 'string' },
  { name: 'pn_mrrt_port_status', type: 'count' },
  { name: 'pn_delays', type: 'vector[count]' },
  { name: 'pn_ptcp_master', type: 'string' },
  { name: 'pn_ptcp_subdomain_uuid', type: 'string' },
  { name: 'pn_alias', type: 'string' },
  { name: 'other_tlvs', type: 'vector[string]' },
  { name: 'truncated', type: 'bool' },
  { name: 'record_kind', type: 'string' },
  { name: 'repeats', type: 'count' },
  { name: 'frame_count', type: 'count' },
  { name: 'first_ts', type: 'time' },
];
