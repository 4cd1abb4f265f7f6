// PROFINET wire constants (IEC 61158-6-10: the RT frame ID ranges, DCP services, options,
// suboptions and their coded values), with the names the records carry. Names are the
// specification's terms in snake case; unknown codes are "unknown-<n>".

export const ETHERTYPE_PROFINET = 0x8892;

/** DCP frame IDs. */
export const FRAME_DCP_HELLO = 0xfefc;
export const FRAME_DCP_GET_SET = 0xfefd;
export const FRAME_DCP_IDENTIFY_REQUEST = 0xfefe;
export const FRAME_DCP_IDENTIFY_RESPONSE = 0xfeff;
export const FRAME_ALARM_HIGH = 0xfc01;
export const FRAME_ALARM_LOW = 0xfe01;

/** What a frame ID range carries. CYCLIC ones end with the APDU status (cycle counter, data status, transfer status). */
export const FRAME_KIND = {
  RESERVED: 0,
  CYCLIC: 1,
  ALARM: 2,
  DCP: 3,
  PTCP: 4,
  FRAGMENT: 5,
  OTHER: 6,
} as const;

/** The frame class of a frame ID, and its kind. */
export function frameClass(id: number): [name: string, kind: number] {
  if (id >= 0x8000 && id <= 0xbfff) return ['RT_CLASS_2', FRAME_KIND.CYCLIC];
  if (id >= 0xc000 && id <= 0xfbff) return ['RT_CLASS_1', FRAME_KIND.CYCLIC];
  if (id >= 0x0100 && id <= 0x0fff) return ['RT_CLASS_3', FRAME_KIND.CYCLIC];
  if (id === FRAME_ALARM_HIGH) return ['ALARM_HIGH', FRAME_KIND.ALARM];
  if (id === FRAME_ALARM_LOW) return ['ALARM_LOW', FRAME_KIND.ALARM];
  if (id >= FRAME_DCP_HELLO && id <= FRAME_DCP_IDENTIFY_RESPONSE) return ['DCP', FRAME_KIND.DCP];
  if (id === 0x0020 || id === 0x0021) return ['PTCP_RTSYNC_FOLLOWUP', FRAME_KIND.PTCP];
  if (id === 0x0080 || id === 0x0081) return ['PTCP_RTSYNC', FRAME_KIND.PTCP];
  if (id === 0xff00 || id === 0xff01) return ['PTCP_ANNOUNCE', FRAME_KIND.PTCP];
  if (id === 0xff20 || id === 0xff21) return ['PTCP_FOLLOWUP', FRAME_KIND.PTCP];
  if (id >= 0xff40 && id <= 0xff43) return ['PTCP_DELAY', FRAME_KIND.PTCP];
  if (id >= 0xff80 && id <= 0xff8f) return ['FRAGMENTATION', FRAME_KIND.FRAGMENT];
  if (id === 0xfe02) return ['RSI', FRAME_KIND.OTHER];
  return [`unknown-${id}`, FRAME_KIND.RESERVED];
}

/** DCP ServiceID. */
export const SERVICE = { GET: 3, SET: 4, IDENTIFY: 5, HELLO: 6 } as const;
export function serviceName(id: number): string {
  switch (id) {
    case 3: return 'get';
    case 4: return 'set';
    case 5: return 'identify';
    case 6: return 'hello';
    default: return `unknown-${id}`;
  }
}

/** DCP ServiceType: bit 0 response, bit 2 "request not supported". */
export function serviceTypeName(t: number): string {
  switch (t) {
    case 0: return 'request';
    case 1: return 'response_success';
    case 5: return 'response_unsupported';
    default: return `unknown-${t}`;
  }
}

export const OPTION = {
  IP: 1,
  DEVICE: 2,
  DHCP: 3,
  CONTROL: 5,
  DEVICE_INITIATIVE: 6,
  ALL_SELECTOR: 0xff,
} as const;

export const SUB_IP = { MAC: 1, PARAMETER: 2, FULL_SUITE: 3 } as const;
export const SUB_DEVICE = {
  VENDOR: 1,
  NAME_OF_STATION: 2,
  DEVICE_ID: 3,
  ROLE: 4,
  OPTIONS: 5,
  ALIAS: 6,
  INSTANCE: 7,
  OEM_DEVICE_ID: 8,
  STANDARD_GATEWAY: 9,
  RSI_PROPERTIES: 10,
} as const;
export const SUB_CONTROL = { START: 1, STOP: 2, SIGNAL: 3, RESPONSE: 4, FACTORY_RESET: 5, RESET_TO_FACTORY: 6 } as const;

const OPTION_NAMES: Record<number, string> = {
  1: 'ip', 2: 'device', 3: 'dhcp', 4: 'lldp', 5: 'control', 6: 'device_initiative', 7: 'nme_domain', 255: 'all_selector',
};
const SUB_NAMES: Record<number, Record<number, string>> = {
  1: { 1: 'mac_address', 2: 'ip_parameter', 3: 'full_ip_suite' },
  2: {
    1: 'type_of_station', 2: 'name_of_station', 3: 'device_id', 4: 'device_role', 5: 'device_options', 6: 'alias_name',
    7: 'device_instance', 8: 'oem_device_id', 9: 'standard_gateway', 10: 'rsi_properties',
  },
  3: { 12: 'host_name', 43: 'vendor_specific', 54: 'server_identifier', 55: 'parameter_request_list', 60: 'class_identifier', 61: 'client_identifier', 81: 'fqdn', 97: 'uuid_client_identifier', 255: 'control_dhcp' },
  5: { 1: 'start_transaction', 2: 'end_transaction', 3: 'signal', 4: 'response', 5: 'factory_reset', 6: 'reset_to_factory' },
  6: { 1: 'device_initiative' },
  255: { 255: 'all' },
};

/** "option/suboption", e.g. "device/name_of_station"; manufacturer options (0x80-0xFE) as "manufacturer_<n>/<s>". */
export function blockName(option: number, sub: number): string {
  const o = OPTION_NAMES[option] ?? (option >= 0x80 && option <= 0xfe ? `manufacturer_${option}` : `unknown-${option}`);
  const s = SUB_NAMES[option]?.[sub] ?? (option >= 0x80 && option <= 0xfe ? String(sub) : `unknown-${sub}`);
  return `${o}/${s}`;
}

/** BlockError of a Control/Response block. */
export function blockErrorName(e: number): string {
  switch (e) {
    case 0: return 'ok';
    case 1: return 'option_not_supported';
    case 2: return 'suboption_not_supported';
    case 3: return 'suboption_not_set';
    case 4: return 'resource_error';
    case 5: return 'set_not_possible';
    case 6: return 'in_operation';
    default: return `unknown-${e}`;
  }
}

/** BlockInfo of IP blocks: bits 0-1 how the address was set, bit 7 an address conflict. */
export function ipBlockInfoName(info: number): string {
  const how = info & 0x7f;
  const base = how === 0 ? 'ip_not_set' : how === 1 ? 'ip_set' : how === 2 ? 'ip_set_by_dhcp' : `unknown-${info}`;
  if (how > 2) return base;
  return (info & 0x80) !== 0 ? `${base}_conflict` : base;
}

/** DeviceRoleDetails bits. */
export function deviceRoleNames(role: number): string[] {
  const out: string[] = [];
  if (role & 1) out.push('io_device');
  if (role & 2) out.push('io_controller');
  if (role & 4) out.push('io_multidevice');
  if (role & 8) out.push('pn_supervisor');
  for (let b = 4; b < 8; b++) if (role & (1 << b)) out.push(`unknown-${1 << b}`);
  return out;
}

/** DataStatus of the APDU status (cyclic frames). */
export const DATA_STATUS = {
  STATE_PRIMARY: 0x01,
  REDUNDANCY: 0x02,
  DATA_VALID: 0x04,
  PROVIDER_RUN: 0x10,
  STATION_OK: 0x20,
  IGNORE: 0x80,
} as const;

/**
 * The DataStatus states seen over frames, from the OR and the AND of their DataStatus bytes:
 * a bit set in some frame gives its "set" name, a bit clear in some frame its "clear" name.
 */
export function dataStatusSeen(or: number, and: number): string[] {
  const out: string[] = [];
  const both = (bit: number, set: string, clear: string) => {
    if (or & bit) out.push(set);
    if (!(and & bit)) out.push(clear);
  };
  both(DATA_STATUS.STATE_PRIMARY, 'primary', 'backup');
  if (or & DATA_STATUS.REDUNDANCY) out.push('redundancy');
  both(DATA_STATUS.DATA_VALID, 'valid', 'invalid');
  both(DATA_STATUS.PROVIDER_RUN, 'run', 'stop');
  both(DATA_STATUS.STATION_OK, 'ok', 'problem');
  if (or & DATA_STATUS.IGNORE) out.push('ignore');
  return out;
}
