// The kerberos record: one per KDC exchange (a request and its reply or error), with Zeek's
// kerberos.log columns (base/protocols/krb/main.zeek and files.zeek, the error code added)
// followed by Palisade's. Every field is documented in docs/protocols/kerberos.md.
import { FLOW_HEADER_FIELDS, type RecordSchemas } from '../../dissect/types.ts';

export interface KerberosRecord {
  /** "AS" (authentication service: a login) or "TGS" (ticket-granting service: a service ticket). */
  request_type: string | undefined;
  /** The client, as Zeek writes it: "<principal>/<realm>" (AS: the request's name and realm; TGS: the reply's). */
  client: string | undefined;
  /** The service principal ("krbtgt/REALM", "cifs/host.example.com"): the ticket's in a reply, else the request's or the error's. */
  service: string | undefined;
  /** True for an AS-REP / TGS-REP, false for a KRB-ERROR; unset when no reply was seen. */
  success: boolean | undefined;
  /** KRB-ERROR error-code (RFC 4120 7.5.9). */
  error_code: number | undefined;
  /** The error's e-text when the KDC sent one, else the error's name (Zeek's rule). */
  error_msg: string | undefined;
  /** The ticket validity the client asked for (seconds since 1970). */
  from: number | undefined;
  till: number | undefined;
  /** The ticket's encryption type (the service key's), e.g. "aes256-cts-hmac-sha1-96". */
  cipher: string | undefined;
  /** kdc-options of the request: forwardable and renewable tickets asked for. */
  forwardable: boolean | undefined;
  renewable: boolean | undefined;
  /** PKINIT: subjects of the client's (PA-PK-AS-REQ) and the KDC's (PA-PK-AS-REP) certificates, RFC 4514 form. */
  client_cert_subject: string | undefined;
  server_cert_subject: string | undefined;
  /** Palisade: the error's name (KDC_ERR_PREAUTH_FAILED, …; unknown-<n>), whatever the e-text. */
  error_name: string | undefined;
  /** Palisade: the realm of the request (or of the error). */
  realm: string | undefined;
  /** Palisade: the encryption types the client offered, in its order of preference. */
  request_etypes: string[] | undefined;
  /** Palisade: the encryption type of the reply's enc-part (the client's key for AS, the session key for TGS). */
  reply_cipher: string | undefined;
  /** Palisade: pre-authentication data types of the request (PA-ENC-TIMESTAMP, PA-PK-AS-REQ, …). */
  preauth: string[] | undefined;
  /** Palisade: the client sent a certificate (PKINIT / smart card login). */
  client_cert: boolean;
  /** Palisade: the message types of the exchange: the request's and the reply's (AS-REQ, AS-REP, TGS-REQ, TGS-REP, KRB-ERROR). */
  request_msg: string | undefined;
  reply_msg: string | undefined;
}

export const KERBEROS_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'request_type', type: 'string' },
  { name: 'client', type: 'string' },
  { name: 'service', type: 'string' },
  { name: 'success', type: 'bool' },
  { name: 'error_code', type: 'count' },
  { name: 'error_msg', type: 'string' },
  { name: 'from', type: 'time' },
  { name: 'till', type: 'time' },
  { name: 'cipher', type: 'string' },
  { name: 'forwardable', type: 'bool' },
  { name: 'renewable', type: 'bool' },
  { name: 'client_cert_subject', type: 'string' },
  { name: 'server_cert_subject', type: 'string' },
  { name: 'error_name', type: 'string' },
  { name: 'realm', type: 'string' },
  { name: 'request_etypes', type: 'vector[string]' },
  { name: 'reply_cipher', type: 'string' },
  { name: 'preauth', type: 'vector[string]' },
  { name: 'client_cert', type: 'bool' },
  { name: 'request_msg', type: 'string' },
  { name: 'reply_msg', type: 'string' },
] as const;

export const KERBEROS_RECORDS: RecordSchemas = { kerberos: KERBEROS_FIELDS };
