// Per-flow NTP state: one `ntp` record per message (Zeek writes one per message of modes
// 0-5; Palisade also writes modes 6 and 7, with their headers). Client/server exchanges count
// as NTP once both sides sent a valid message; broadcast (mode 5) is one-way and counts at
// once. A flow whose datagrams stop parsing raises events; one that never parsed is given up.
import type { Session, SessionContext } from '../../dissect/types.ts';
import { LEAP_NAMES, MODE_CONTROL, MODE_NAMES, MODE_PRIVATE, controlOpcodeName, privateRequestName } from './constants.ts';
import { NtpMsg, PROBLEM, parseNtp, refIdText } from './parser.ts';
import { RECORD_NTP, type NtpRecord } from './records.ts';

const REJECT_AFTER_BAD = 3;

export const NTP_EVENTS = {
  truncated: 'a datagram shorter than the header of its mode (48 bytes for modes 0-5, 12 for mode 6, 8 for mode 7); no record',
  bad_extension: 'bytes after the 48-byte header that are neither extension fields (RFC 7822) nor a MAC; the header is recorded',
  bad_length: 'a mode 6 control message whose Count runs past the datagram; the header is recorded',
  unknown_version: 'a version number outside 1-4; the message is recorded as read',
} as const;

export class NtpSession implements Session {
  private readonly ctx: SessionContext;
  private readonly m = new NtpMsg();
  private good = 0;
  private bad = 0;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const m = this.m;
    const problem = parseNtp(d, off, len, m);
    if (problem === PROBLEM.TRUNCATED) {
      this.ctx.event('truncated', `${len} bytes, mode ${m.mode}`, isOrig);
      if (this.good === 0 && ++this.bad >= REJECT_AFTER_BAD) this.ctx.reject('no NTP message');
      return;
    }
    if (problem === PROBLEM.BAD_EXTENSION) this.ctx.event('bad_extension', `${len - 48} bytes after the header`, isOrig);
    else if (problem === PROBLEM.BAD_LENGTH) this.ctx.event('bad_length', `count ${m.count}, ${len - 12} bytes of data`, isOrig);
    if (m.version < 1 || m.version > 4) this.ctx.event('unknown_version', `version ${m.version}`, isOrig);
    this.good++;
    this.ctx.valid(isOrig);
    if (m.mode === 5) this.ctx.confirm();
    const std = m.std;
    const ctl = m.mode === MODE_CONTROL;
    const priv = m.mode === MODE_PRIVATE;
    const both = ctl || priv;
    const r: NtpRecord = {
      version: m.version,
      mode: m.mode,
      stratum: std ? m.stratum : undefined,
      poll: std ? 2 ** m.pollExp : undefined,
      precision: std ? 2 ** m.precisionExp : undefined,
      root_delay: std ? m.rootDelay : undefined,
      root_disp: std ? m.rootDisp : undefined,
      ref_id: std ? refIdText(d, m.refIdOff, m.stratum) : undefined,
      ref_time: std ? m.refTime : undefined,
      org_time: std ? m.orgTime : undefined,
      rec_time: std ? m.recTime : undefined,
      xmt_time: std ? m.xmtTime : undefined,
      num_exts: std ? m.numExts : undefined,
      mode_name: MODE_NAMES[m.mode],
      leap: m.leap,
      leap_name: LEAP_NAMES[m.leap],
      key_id: std && m.keyId >= 0 ? m.keyId : undefined,
      response: both ? m.response : undefined,
      more: both ? m.more : undefined,
      sequence: both ? m.sequence : undefined,
      opcode: ctl ? m.opcode : undefined,
      opcode_name: ctl ? controlOpcodeName(m.opcode) : undefined,
      error: ctl ? m.error : undefined,
      status: ctl ? m.status : undefined,
      association_id: ctl ? m.associationId : undefined,
      offset: ctl ? m.offset : undefined,
      count: ctl ? m.count : undefined,
      request_code: priv ? m.requestCode : undefined,
      request_name: priv ? privateRequestName(m.requestCode) : undefined,
      implementation: priv ? m.implementation : undefined,
      auth: priv ? m.auth : undefined,
      error_code: priv ? m.errorCode : undefined,
      items: priv ? m.items : undefined,
      item_size: priv ? m.itemSize : undefined,
    };
    this.ctx.record(RECORD_NTP, r as unknown as Record<string, unknown>);
  }

  gap(): void {}

  end(): void {}
}
