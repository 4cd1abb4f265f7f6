// Per-flow state of NTLM as a child of a carrying protocol (SMB session setups; HTTP and
// DCE/RPC can open it the same way). The parent hands over each security blob (a bare NTLM
// message or an SPNEGO token) with data(), one blob per call, and reports the carrier's
// final verdict on the login with outcome(). One login attempt (NEGOTIATE, CHALLENGE,
// AUTHENTICATE, verdict) makes one ntlm record.
import type { Session, SessionContext } from '../../dissect/types.ts';
import { NTLM_AUTHENTICATE, NTLM_CHALLENGE, NTLM_NEGOTIATE, messageTypeName } from './constants.ts';
import { GSS_NONE, GssToken, NtlmMessage, isNtlmssp, parseGssToken, parseNtlmssp } from './parser.ts';
import type { NtlmRecord } from './records.ts';

/** Messages listed per attempt (a longer exchange keeps counting, the list stops). */
const MAX_MESSAGES = 8;

/** What a carrying protocol may call on the session openChild returned (duck-typed by parents). */
export interface NtlmCarrier {
  /**
   * The carrier's final verdict on the current login attempt (SMB: the SESSION_SETUP
   * response status other than STATUS_MORE_PROCESSING_REQUIRED). Writes the attempt's record.
   */
  outcome(success: boolean, statusCode: number, status: string): void;
}

function versionText(m: NtlmMessage): string | undefined {
  return m.hasVersion ? `${m.major}.${m.minor}.${m.build}` : undefined;
}

function orUndef(s: string): string | undefined {
  return s === '' ? undefined : s;
}

function responseType(user: string | undefined, lm: number, nt: number): string {
  if (nt === 0 && lm <= 1 && user === undefined) return 'anonymous';
  if (nt > 24) return 'NTLMv2';
  if (nt === 24) return 'NTLMv1';
  return 'LM';
}

export class NtlmSession implements Session, NtlmCarrier {
  private readonly ctx: SessionContext;
  private readonly m = new NtlmMessage();
  private readonly g = new GssToken();
  /** The attempt being followed. */
  private active = false;
  private authSeen = false;
  private ts = 0;
  private rec: NtlmRecord = NtlmSession.blank();

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  private static blank(): NtlmRecord {
    return {
      username: undefined, hostname: undefined, domainname: undefined,
      server_nb_computer_name: undefined, server_dns_computer_name: undefined, server_tree_name: undefined,
      success: undefined, status: undefined, status_code: undefined,
      server_nb_domain_name: undefined, server_dns_domain_name: undefined,
      client_version: undefined, server_version: undefined, negotiate_flags: undefined,
      response_type: undefined, lm_response_len: undefined, nt_response_len: undefined, messages: [],
    };
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const g = this.g;
    if (!parseGssToken(d, off, len, g) || g.kind === GSS_NONE) {
      this.ctx.event('not_gss', `${len}-byte security blob is neither NTLM nor SPNEGO`, isOrig);
      return;
    }
    if (g.tokenOff >= 0 && isNtlmssp(d, g.tokenOff, g.tokenLen)) this.message(isOrig, d, g.tokenOff, g.tokenLen);
    // SPNEGO's verdict on a completed exchange (accept-completed or reject).
    if (!isOrig && g.negState >= 0 && g.negState !== 1 && this.authSeen && this.rec.success === undefined) {
      this.rec.success = g.negState === 0;
    }
  }

  private message(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const m = this.m;
    if (!parseNtlmssp(d, off, len, m)) {
      this.ctx.event('malformed', `NTLM message of ${len} bytes with type ${len >= 12 ? d[off + 8] : -1} or a cut fixed part`, isOrig);
      return;
    }
    if (m.problem !== '') this.ctx.event('malformed', `${messageTypeName(m.type)}: ${m.problem}`, isOrig);
    if (m.avCut) this.ctx.event('too_many_av_pairs', `CHALLENGE target info holds more than the AV pairs read`, isOrig);
    const expectOrig = m.type !== NTLM_CHALLENGE;
    if (expectOrig !== isOrig) this.ctx.event('wrong_direction', `${messageTypeName(m.type)} from the ${isOrig ? 'client' : 'server'}`, isOrig);
    // A new NEGOTIATE, or a second AUTHENTICATE, starts another attempt.
    if (this.active && (m.type === NTLM_NEGOTIATE || (m.type === NTLM_AUTHENTICATE && this.authSeen))) this.flush();
    if (!this.active) {
      this.active = true;
      this.ts = this.ctx.ts;
    }
    const r = this.rec;
    if (r.messages.length < MAX_MESSAGES) r.messages.push(messageTypeName(m.type));
    r.negotiate_flags = `0x${(m.flags >>> 0).toString(16).padStart(8, '0')}`;
    if (m.type === NTLM_NEGOTIATE) {
      r.client_version = versionText(m);
    } else if (m.type === NTLM_CHALLENGE) {
      r.server_nb_computer_name = orUndef(m.nbComputerName);
      r.server_dns_computer_name = orUndef(m.dnsComputerName);
      r.server_tree_name = orUndef(m.dnsTreeName);
      r.server_nb_domain_name = orUndef(m.nbDomainName);
      r.server_dns_domain_name = orUndef(m.dnsDomainName);
      r.server_version = versionText(m);
    } else {
      this.authSeen = true;
      r.username = orUndef(m.user);
      r.hostname = orUndef(m.workstation);
      r.domainname = orUndef(m.domain);
      r.client_version = versionText(m) ?? r.client_version;
      r.lm_response_len = m.lmLen;
      r.nt_response_len = m.ntLen;
      r.response_type = responseType(r.username, m.lmLen, m.ntLen);
    }
    if (m.problem === '') this.ctx.valid(isOrig);
  }

  outcome(success: boolean, statusCode: number, status: string): void {
    if (!this.active) return;
    const r = this.rec;
    r.success = success;
    r.status_code = statusCode;
    r.status = status;
    this.flush();
  }

  gap(_isOrig: boolean, _len: number): void {
    // One blob per data() call: a gap in the carrier's stream is the carrier's to handle.
  }

  end(): void {
    if (this.active) this.flush();
  }

  private flush(): void {
    this.ctx.record('ntlm', this.rec as unknown as Record<string, unknown>, this.ts);
    this.rec = NtlmSession.blank();
    this.active = false;
    this.authSeen = false;
  }
}
