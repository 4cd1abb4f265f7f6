// The http record: one per request/response pair, as Zeek's http.log (HTTP::Info in
// base/protocols/http/main.zeek, with the mime-type columns of entities.zeek), in Zeek's
// column order, then the fields Palisade adds. `password` is never written: Basic
// authentication only sets `password_present`. docs/protocols/http.md lists every field.
import { SOFTWARE_FIELDS, SOFTWARE_RECORD } from '../../dissect/software.ts';
import { FLOW_HEADER_FIELDS, type RecordSchemas, type RecordHead } from '../../dissect/types.ts';

export const RECORD_HTTP = 'http';

export interface HttpRecord extends RecordHead {
  /** Time of the request (of the response when no request was seen). */
  ts: number;
  /** Position of this transaction on the connection (1, 2, … as requests are pipelined). */
  trans_depth: number;
  /** Request method (`GET`, `POST`, …). */
  method?: string;
  /** Host header, port included as sent. */
  host?: string;
  /** Request target with %-escapes decoded (Zeek's unescaped URI), at most 8 KiB. */
  uri?: string;
  /** Referer header. */
  referrer?: string;
  /** HTTP version of the response (`1.1`). */
  version?: string;
  /** User-Agent header. */
  user_agent?: string;
  /** Origin header. */
  origin?: string;
  /** Bytes of the request body after transfer decoding (chunks joined; content encoding not undone). */
  request_body_len: number;
  /** Bytes of the response body, the same way. */
  response_body_len: number;
  /** Status code of the final response. */
  status_code?: number;
  /** Reason phrase of the final response (`<empty>` when the status line had none, as Zeek). */
  status_msg?: string;
  /** Last 1xx informational code before the final response (100 Continue, 101 Switching Protocols). */
  info_code?: number;
  info_msg?: string;
  /** Zeek's tags (none are set: always empty). */
  tags: string[];
  /** Basic authentication: the user name (`<problem-decoding>` when the credentials do not decode). */
  username?: string;
  /** Basic authentication carried a non-empty password (Zeek's `password`; the password itself is never recorded). */
  password_present?: boolean;
  /** Headers that suggest a proxy, as `NAME -> value` (Zeek's HTTP::proxy_headers). */
  proxied?: string[];
  /** Media type of the request body, from its Content-Type header (Zeek sniffs the content). */
  orig_mime_types?: string[];
  /** Media type of the response body, from its Content-Type header. */
  resp_mime_types?: string[];
  // ---- Palisade ----
  /** Server header of the response. */
  server?: string;
  /** Scheme of the Authorization (or Proxy-Authorization) header: `Basic`, `Digest`, `Bearer`, `NTLM`, … */
  auth_scheme?: string;
  /** The request carried a Cookie header. */
  cookie_present?: boolean;
  /** For requests with credentials: `success` (2xx, 3xx) or `failure` (401, 403, 407). */
  login?: string;
}

export const HTTP_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'trans_depth', type: 'count' },
  { name: 'method', type: 'string' },
  { name: 'host', type: 'string' },
  { name: 'uri', type: 'string' },
  { name: 'referrer', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'user_agent', type: 'string' },
  { name: 'origin', type: 'string' },
  { name: 'request_body_len', type: 'count' },
  { name: 'response_body_len', type: 'count' },
  { name: 'status_code', type: 'count' },
  { name: 'status_msg', type: 'string' },
  { name: 'info_code', type: 'count' },
  { name: 'info_msg', type: 'string' },
  { name: 'tags', type: 'set[enum]' },
  { name: 'username', type: 'string' },
  { name: 'password_present', type: 'bool' },
  { name: 'proxied', type: 'set[string]' },
  { name: 'orig_mime_types', type: 'vector[string]' },
  { name: 'resp_mime_types', type: 'vector[string]' },
  { name: 'server', type: 'string' },
  { name: 'auth_scheme', type: 'string' },
  { name: 'cookie_present', type: 'bool' },
  { name: 'login', type: 'string' },
] as const;

export const HTTP_RECORDS: RecordSchemas = {
  [RECORD_HTTP]: HTTP_FIELDS,
  [SOFTWARE_RECORD]: SOFTWARE_FIELDS,
};
