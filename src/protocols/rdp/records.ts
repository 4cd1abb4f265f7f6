// The `rdp` record (docs/protocols/rdp.md lists every field). Columns 7..25 are Zeek's rdp.log
// (base/protocols/rdp/main.zeek, RDP::Info) with the same names, types and meaning; from 26
// on Palisade's.
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

export interface RdpRecord {
  /** "Cookie: mstshash=…" of the X.224 Connection Request: typically the user name (often truncated by the client). */
  cookie?: string;
  /** Zeek's result: the negotiation failure, the GCC Conference Create Response result, or "encrypted" once TLS/CredSSP starts. */
  result?: string;
  /** Security protocol the server selected (RDP_NEG_RSP), or RDP when native RDP encryption starts. */
  security_protocol?: string;
  /** Static virtual channels the client asks for (CS_NET), e.g. rdpdr, rdpsnd, cliprdr, drdynvc. */
  client_channels?: string[];
  /** CS_CORE: keyboard layout, RDP client version, machine name, product id, desktop size, colour depth. */
  keyboard_layout?: string;
  client_build?: string;
  client_name?: string;
  client_dig_product_id?: string;
  desktop_width?: number;
  desktop_height?: number;
  requested_color_depth?: string;
  /** Native RDP security: the server certificate's type, count and permanence; encryption level and method. */
  cert_type?: string;
  cert_count: number;
  cert_permanent?: boolean;
  encryption_level?: string;
  encryption_method?: string;
  // ---- Palisade ----
  /** A routing token ("Cookie: msts=…", load balancing) instead of a cookie, without "Cookie: ". */
  routing_token?: string;
  /** RDP_NEG_REQ requestedProtocols by name (RDP, SSL, HYBRID, RDSTLS, HYBRID_EX, RDSAAD), and the raw flags. */
  requested_protocols?: string[];
  requested_protocols_code?: number;
  /** RDP_NEG_RSP selectedProtocol's number. */
  security_protocol_code?: number;
  /** RDP_NEG_FAILURE failureCode. */
  failure_code?: number;
  /** CS_CORE keyboardLayout and clientBuild as numbers (the build identifies the Windows release). */
  keyboard_layout_code?: number;
  client_build_number?: number;
  /** RDP_NEG_CORRELATION_INFO correlationId (hex). */
  correlation_id?: string;
}

export const RDP_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'cookie', type: 'string' },
  { name: 'result', type: 'string' },
  { name: 'security_protocol', type: 'string' },
  { name: 'client_channels', type: 'vector[string]' },
  { name: 'keyboard_layout', type: 'string' },
  { name: 'client_build', type: 'string' },
  { name: 'client_name', type: 'string' },
  { name: 'client_dig_product_id', type: 'string' },
  { name: 'desktop_width', type: 'count' },
  { name: 'desktop_height', type: 'count' },
  { name: 'requested_color_depth', type: 'string' },
  { name: 'cert_type', type: 'string' },
  { name: 'cert_count', type: 'count' },
  { name: 'cert_permanent', type: 'bool' },
  { name: 'encryption_level', type: 'string' },
  { name: 'encryption_method', type: 'string' },
  // Palisade
  { name: 'routing_token', type: 'string' },
  { name: 'requested_protocols', type: 'vector[string]' },
  { name: 'requested_protocols_code', type: 'count' },
  { name: 'security_protocol_code', type: 'count' },
  { name: 'failure_code', type: 'count' },
  { name: 'keyboard_layout_code', type: 'count' },
  { name: 'client_build_number', type: 'count' },
  { name: 'correlation_id', type: 'string' },
];
