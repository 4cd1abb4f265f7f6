// The ntlm record: one per NTLM login attempt (NEGOTIATE → CHALLENGE → AUTHENTICATE and the
// carrying protocol's verdict), with Zeek's ntlm.log columns (base/protocols/ntlm/main.zeek,
// and the `status` column of older Zeek versions) followed by Palisade's fields. Every field
// is documented in docs/protocols/ntlm.md. No hash, response or key is ever recorded: only
// the lengths of the responses.
import { FLOW_HEADER_FIELDS, type RecordSchemas } from '../../dissect/types.ts';

export interface NtlmRecord {
  /** User name given by the client in the AUTHENTICATE message. */
  username: string | undefined;
  /** Workstation (host) name given by the client. */
  hostname: string | undefined;
  /** Domain name given by the client. */
  domainname: string | undefined;
  /** NetBIOS computer name the server gave in its CHALLENGE (target info). */
  server_nb_computer_name: string | undefined;
  /** DNS computer name the server gave in its CHALLENGE. */
  server_dns_computer_name: string | undefined;
  /** DNS tree (forest) name the server gave in its CHALLENGE. */
  server_tree_name: string | undefined;
  /** Whether the login succeeded: the carrying protocol's status, else SPNEGO's negState; unset when neither was seen. */
  success: boolean | undefined;
  /** The carrying protocol's status name (SMB: the NT status, e.g. STATUS_LOGON_FAILURE). */
  status: string | undefined;
  /** Palisade: the status as a number. */
  status_code: number | undefined;
  /** Palisade: NetBIOS and DNS domain names from the CHALLENGE's target info. */
  server_nb_domain_name: string | undefined;
  server_dns_domain_name: string | undefined;
  /** Palisade: the client's Windows version from its AUTHENTICATE (or NEGOTIATE) Version field, "major.minor.build". */
  client_version: string | undefined;
  /** Palisade: the server's Windows version from its CHALLENGE, "major.minor.build". */
  server_version: string | undefined;
  /** Palisade: NegotiateFlags of the AUTHENTICATE (or the last message), "0x%08x". */
  negotiate_flags: string | undefined;
  /** Palisade: the kind of response: NTLMv2, NTLMv1, LM or anonymous (from the response lengths). */
  response_type: string | undefined;
  /** Palisade: byte lengths of the LM and NT challenge responses (the responses themselves are never kept). */
  lm_response_len: number | undefined;
  nt_response_len: number | undefined;
  /** Palisade: the messages seen in this attempt, e.g. ["NEGOTIATE_MESSAGE","CHALLENGE_MESSAGE","AUTHENTICATE_MESSAGE"]. */
  messages: string[];
}

export const NTLM_RECORDS: RecordSchemas = {
  ntlm: [
    ...FLOW_HEADER_FIELDS,
    { name: 'username', type: 'string' },
    { name: 'hostname', type: 'string' },
    { name: 'domainname', type: 'string' },
    { name: 'server_nb_computer_name', type: 'string' },
    { name: 'server_dns_computer_name', type: 'string' },
    { name: 'server_tree_name', type: 'string' },
    { name: 'success', type: 'bool' },
    { name: 'status', type: 'string' },
    { name: 'status_code', type: 'count' },
    { name: 'server_nb_domain_name', type: 'string' },
    { name: 'server_dns_domain_name', type: 'string' },
    { name: 'client_version', type: 'string' },
    { name: 'server_version', type: 'string' },
    { name: 'negotiate_flags', type: 'string' },
    { name: 'response_type', type: 'string' },
    { name: 'lm_response_len', type: 'count' },
    { name: 'nt_response_len', type: 'count' },
    { name: 'messages', type: 'vector[string]' },
  ],
};
