// HTTP/1.x wire constants (RFC 9110, RFC 9112) and the header names the dissector reads.
//
// Header names are matched case-insensitively on the bytes (no string per header): each
// known name gets a small number (HEADER.*), found by length and then byte comparison.

/** TCP ports HTTP is tried on first (Zeek's HTTP::ports minus the proxy-only ones, plus 8008). */
export const HTTP_PORTS = [80, 8080, 8000, 8008, 8888] as const;

/**
 * Methods the content probe accepts (RFC 9110 §9, WebDAV RFC 4918, the ones Zeek's
 * HTTP::http_methods lists, PATCH RFC 5789, UPnP eventing). A session accepts any token as
 * a method once the flow is HTTP; Zeek raises `unknown_HTTP_method` for the others, Palisade
 * the `unknown_method` event.
 */
export const KNOWN_METHODS: readonly string[] = [
  'GET', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE', 'CONNECT', 'PATCH',
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'POLL', 'REPORT',
  'SUBSCRIBE', 'UNSUBSCRIBE', 'NOTIFY', 'BMOVE', 'SEARCH',
];

export const HEADER = {
  OTHER: 0,
  HOST: 1,
  REFERER: 2,
  USER_AGENT: 3,
  ORIGIN: 4,
  AUTHORIZATION: 5,
  PROXY_AUTHORIZATION: 6,
  COOKIE: 7,
  CONTENT_LENGTH: 8,
  TRANSFER_ENCODING: 9,
  CONTENT_TYPE: 10,
  SERVER: 11,
  X_POWERED_BY: 12,
  CONNECTION: 13,
  UPGRADE: 14,
  /** Zeek's HTTP::proxy_headers: recorded in `proxied`. */
  FORWARDED: 20,
  X_FORWARDED_FOR: 21,
  X_FORWARDED_FROM: 22,
  CLIENT_IP: 23,
  VIA: 24,
  XROXY_CONNECTION: 25,
  PROXY_CONNECTION: 26,
} as const;

/** The proxy headers (Zeek's HTTP::proxy_headers) by their HEADER number, upper-case as Zeek logs them. */
export const PROXY_HEADER_NAMES: Readonly<Record<number, string>> = {
  [HEADER.FORWARDED]: 'FORWARDED',
  [HEADER.X_FORWARDED_FOR]: 'X-FORWARDED-FOR',
  [HEADER.X_FORWARDED_FROM]: 'X-FORWARDED-FROM',
  [HEADER.CLIENT_IP]: 'CLIENT-IP',
  [HEADER.VIA]: 'VIA',
  [HEADER.XROXY_CONNECTION]: 'XROXY-CONNECTION',
  [HEADER.PROXY_CONNECTION]: 'PROXY-CONNECTION',
};

const NAMES: [string, number][] = [
  ['host', HEADER.HOST],
  ['referer', HEADER.REFERER],
  ['user-agent', HEADER.USER_AGENT],
  ['origin', HEADER.ORIGIN],
  ['authorization', HEADER.AUTHORIZATION],
  ['proxy-authorization', HEADER.PROXY_AUTHORIZATION],
  ['cookie', HEADER.COOKIE],
  ['content-length', HEADER.CONTENT_LENGTH],
  ['transfer-encoding', HEADER.TRANSFER_ENCODING],
  ['content-type', HEADER.CONTENT_TYPE],
  ['server', HEADER.SERVER],
  ['x-powered-by', HEADER.X_POWERED_BY],
  ['connection', HEADER.CONNECTION],
  ['upgrade', HEADER.UPGRADE],
  ['forwarded', HEADER.FORWARDED],
  ['x-forwarded-for', HEADER.X_FORWARDED_FOR],
  ['x-forwarded-from', HEADER.X_FORWARDED_FROM],
  ['client-ip', HEADER.CLIENT_IP],
  ['via', HEADER.VIA],
  ['xroxy-connection', HEADER.XROXY_CONNECTION],
  ['proxy-connection', HEADER.PROXY_CONNECTION],
];

/** Known names by length: [lower-case bytes, HEADER number][]. */
const BY_LENGTH: [Uint8Array, number][][] = [];
for (const [name, id] of NAMES) {
  (BY_LENGTH[name.length] ??= []).push([new TextEncoder().encode(name), id]);
}

/** The HEADER number of the header name d[off, off + len) (any case); HEADER.OTHER when not a known one. */
export function headerId(d: Uint8Array, off: number, len: number): number {
  const list = BY_LENGTH[len];
  if (list === undefined) return HEADER.OTHER;
  for (let k = 0; k < list.length; k++) {
    const [name, id] = list[k];
    let i = 0;
    while (i < len) {
      let c = d[off + i];
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      if (c !== name[i]) break;
      i++;
    }
    if (i === len) return id;
  }
  return HEADER.OTHER;
}

/** Status codes whose responses have no body (RFC 9110 §6.4.1): 1xx, 204, 304. */
export function statusHasNoBody(code: number): boolean {
  return (code >= 100 && code < 200) || code === 204 || code === 304;
}
