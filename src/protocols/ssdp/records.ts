// The `ssdp` record, field by field (docs/protocols/ssdp.md has the same list with examples).
// Zeek has no SSDP analyzer; field names follow Zeek's http.log where they mean the same
// (method, status_code, status_msg, host, user_agent) and the SSDP header names otherwise.
import { FLOW_HEADER_FIELDS, type RecordHead } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

export const RECORD_SSDP = 'ssdp';

/** One SSDP message: an M-SEARCH or NOTIFY request, or a search response. */
export interface SsdpRecord extends RecordHead {
  /** Whether the flow's originator sent it. */
  is_orig: boolean;
  /** Request: `M-SEARCH`, `NOTIFY` (other methods as sent). */
  method?: string;
  /** Response: status code and reason (`200`, `OK`). */
  status_code?: number;
  status_msg?: string;
  /** HTTP version of the start line (`1.1`). */
  version?: string;
  /** HOST header (`239.255.255.250:1900`). */
  host?: string;
  /** M-SEARCH: MAN (`"ssdp:discover"`) and MX (seconds to wait). */
  man?: string;
  mx?: number;
  /** Search target (M-SEARCH and responses) and notification type (NOTIFY). */
  st?: string;
  nt?: string;
  /** NOTIFY: `ssdp:alive`, `ssdp:byebye`, `ssdp:update`. */
  nts?: string;
  /** Unique service name, and the device UUID it starts with (`uuid:…`). */
  usn?: string;
  uuid?: string;
  /** URL of the device description (responses and NOTIFY alive). */
  location?: string;
  /** SERVER header: `OS/version UPnP/1.x product/version`. */
  server?: string;
  /** M-SEARCH: USER-AGENT header. */
  user_agent?: string;
  /** CACHE-CONTROL header, and its max-age in seconds. */
  cache_control?: string;
  max_age?: number;
  /** BOOTID.UPNP.ORG and CONFIGID.UPNP.ORG (UPnP 1.1+). */
  bootid?: number;
  configid?: number;
}

export const SSDP_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'is_orig', type: 'bool' },
  { name: 'method', type: 'string' },
  { name: 'status_code', type: 'count' },
  { name: 'status_msg', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'host', type: 'string' },
  { name: 'man', type: 'string' },
  { name: 'mx', type: 'count' },
  { name: 'st', type: 'string' },
  { name: 'nt', type: 'string' },
  { name: 'nts', type: 'string' },
  { name: 'usn', type: 'string' },
  { name: 'uuid', type: 'string' },
  { name: 'location', type: 'string' },
  { name: 'server', type: 'string' },
  { name: 'user_agent', type: 'string' },
  { name: 'cache_control', type: 'string' },
  { name: 'max_age', type: 'interval' },
  { name: 'bootid', type: 'count' },
  { name: 'configid', type: 'count' },
] as const satisfies readonly ZeekField[];
