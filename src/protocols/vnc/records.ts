// The `vnc` record (docs/protocols/vnc.md lists every field). Columns 7..16 are Zeek's
// rfb.log (base/protocols/rfb/main.zeek, RFB::Info) with the same names, types and meaning;
// from 17 on Palisade's.
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

export interface VncRecord {
  /** Client's and server's ProtocolVersion parts as sent ("003", "008"). */
  client_major_version?: string;
  client_minor_version?: string;
  server_major_version?: string;
  server_minor_version?: string;
  /** The security type in use (chosen by the client in 3.7+, set by the server in 3.3), by name. */
  authentication_method?: string;
  /** SecurityResult: T OK, F failed; unset when none was seen (None in 3.3/3.7, a capture cut short). */
  auth?: boolean;
  /** ClientInit shared-flag: T the client accepts sharing the desktop. */
  share_flag?: boolean;
  /** ServerInit: the desktop name and framebuffer size. */
  desktop_name?: string;
  width?: number;
  height?: number;
  // ---- Palisade ----
  /** The security type's number. */
  authentication_method_code?: number;
  /** Security types the server offered (3.7+), by name, in its order. */
  security_types?: string[];
  /** The reason string of a failed security handshake (SecurityResult failed in 3.8, or no type offered). */
  auth_failure_reason?: string;
  /** SecurityResult's value (0 OK, 1 failed, 2 too many attempts in some servers). */
  security_result?: number;
}

export const VNC_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'client_major_version', type: 'string' },
  { name: 'client_minor_version', type: 'string' },
  { name: 'server_major_version', type: 'string' },
  { name: 'server_minor_version', type: 'string' },
  { name: 'authentication_method', type: 'string' },
  { name: 'auth', type: 'bool' },
  { name: 'share_flag', type: 'bool' },
  { name: 'desktop_name', type: 'string' },
  { name: 'width', type: 'count' },
  { name: 'height', type: 'count' },
  // Palisade
  { name: 'authentication_method_code', type: 'count' },
  { name: 'security_types', type: 'vector[string]' },
  { name: 'auth_failure_reason', type: 'string' },
  { name: 'security_result', type: 'count' },
];
