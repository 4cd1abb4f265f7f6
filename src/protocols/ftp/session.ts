// Per-flow FTP control-connection state: Telnet NVT bytes stripped (IAC sequences, CR NUL),
// lines read on both sides, commands paired with their replies (multi-line replies read to
// their last line), the session's user and cwd tracked as Zeek tracks them, and one `ftp`
// record per command. Software records: the server product a 220 greeting names
// (FTP::SERVER), and the client's CLNT argument (FTP::CLIENT, as Zeek).
//
// Pairing: commands wait in `pending`, oldest first. A reply belongs to the oldest; a 1yz
// (preliminary) reply keeps it waiting, any other ends it and writes its record. Before the
// first command, replies belong to the greeting (`<init>`, Zeek's shim command); a reply when
// no command waits is written as `<missing>`. After AUTH is answered 234 the connection is
// TLS: nothing more is read.
//
// Login outcome (`login`): the reply to USER, PASS or ACCT that decides it: 230 (and 202 to
// PASS/ACCT) success; 4yz/5yz failure (530 "Login incorrect"); 331/332 ask for more.
import { softwareFound, type SoftwareTracker } from '../../dissect/software.ts';
import { bytesText } from '../../dissect/text.ts';
import type { RecordFields, Session, SessionContext } from '../../dissect/types.ts';
import {
  FILE_COMMANDS, INIT_COMMAND, MISSING_COMMAND, PASSWORD_HIDDEN, UNKNOWN_USER, loginOutcome, replyClass,
} from './constants.ts';
import {
  bannerProduct, buildPath, buildUrl, extractPath, lastNumber, looksLikeReply, parseCommand, parseEprt, parseEpsv, parseHostPort, parsePasv,
  parseReply, type Endpoint,
} from './parser.ts';
import { RECORD_FTP } from './records.ts';

/** Commands waiting for a reply (Zeek's FTP::max_pending_commands). */
export const MAX_PENDING = 20;
/** Bytes of a line kept; the rest of a longer line is skipped. */
export const MAX_LINE = 8192;
/** Zeek's FTP::max_arg_length, max_reply_msg_length, max_user_length. */
export const MAX_ARG = 4096;
export const MAX_REPLY_MSG = 4096;
export const MAX_USER = 128;
/** Reply codes kept per command. */
export const MAX_REPLY_CODES = 16;
/** Telnet subnegotiation bytes skipped before the NVT layer gives up on finding its end. */
const MAX_SUBNEG = 1024;
/** Bytes of bad lines, without one valid message on the flow, after which it is not FTP. */
const REJECT_AFTER_BAD = 4096;

export const FTP_EVENTS = {
  bad_command: 'a client line whose first word is not a command (letters only, at most 16)',
  bad_reply: 'a server line that is neither a reply (3 digits and a space or hyphen) nor inside a multi-line reply',
  line_too_long: `a line longer than ${MAX_LINE} bytes: the rest of it is skipped`,
  arg_too_long: `a command argument longer than ${MAX_ARG} characters: cut (Zeek: FTP_arg_too_long)`,
  reply_msg_too_long: `a reply text longer than ${MAX_REPLY_MSG} characters: cut (Zeek: FTP_reply_msg_too_long)`,
  user_too_long: `a USER argument longer than ${MAX_USER} characters: cut (Zeek: FTP_user_too_long)`,
  too_many_pending_commands: `more than ${MAX_PENDING} commands waiting for replies: the oldest is written unanswered (Zeek: FTP_too_many_pending_commands)`,
  bad_data_channel: 'a PORT, EPRT argument or a 227 / 229 reply whose address cannot be read',
  telnet_command: 'a Telnet IAC sequence on the control connection (stripped from the text)',
  gap: 'bytes of the control connection were not captured: the line in progress is dropped',
} as const;

class Cmd {
  readonly ts: number;
  readonly command: string;
  readonly arg: string;
  readonly replyCodes: number[] = [];
  replyCode = -1;
  replyMsg: string | undefined = undefined;
  fileSize = -1;
  dc: Endpoint | null = null;
  dcPassive = false;
  dcOrig = '';
  login = '';
  /** The argument as written (the URL of a file command, fixed when its reply came). */
  shownArg: string | undefined = undefined;

  constructor(ts: number, command: string, arg: string) {
    this.ts = ts;
    this.command = command;
    this.arg = arg;
  }
}

/** NVT states of one direction. */
const NVT_DATA = 0;
const NVT_IAC = 1;
const NVT_OPTION = 2;
const NVT_SB = 3;
const NVT_SB_IAC = 4;

class Side {
  readonly isOrig: boolean;
  buf = new Uint8Array(128);
  held = 0;
  overlong = false;
  nvt = NVT_DATA;
  subneg = 0;
  /** The last byte was CR (so a NUL after it is the NVT's "CR NUL"). */
  cr = false;
  constructor(isOrig: boolean) {
    this.isOrig = isOrig;
  }
}

export class FtpSession implements Session {
  private readonly ctx: SessionContext;
  private readonly orig = new Side(true);
  private readonly resp = new Side(false);
  private readonly pending: Cmd[] = [];
  private user = UNKNOWN_USER;
  private passwordPresent = false;
  private cwd = '.';
  /** Code of the multi-line reply being read, -1 when none; the text of its first line. */
  private multi = -1;
  private multiFirst = '';
  private commandsSeen = false;
  private greetingDone = false;
  private tls = false;
  private valid = false;
  private bad = 0;
  private rejected = false;
  private iacReported = false;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
    this.pending.push(new Cmd(ctx.ts, INIT_COMMAND, ''));
  }

  // ---- Session ----

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.tls || this.rejected) return;
    const s = isOrig ? this.orig : this.resp;
    const end = off + len;
    for (let i = off; i < end; i++) {
      const c = d[i];
      switch (s.nvt) {
        case NVT_DATA:
          if (c === 0xff) {
            s.nvt = NVT_IAC;
            continue;
          }
          break;
        case NVT_IAC:
          if (c === 0xff) {
            s.nvt = NVT_DATA;
            break; // IAC IAC: a data byte 255
          }
          this.telnet(s);
          if (c >= 251 && c <= 254) s.nvt = NVT_OPTION;
          else if (c === 250) {
            s.nvt = NVT_SB;
            s.subneg = 0;
          } else s.nvt = NVT_DATA;
          continue;
        case NVT_OPTION:
          s.nvt = NVT_DATA;
          continue;
        case NVT_SB:
          if (c === 0xff) s.nvt = NVT_SB_IAC;
          else if (++s.subneg > MAX_SUBNEG) s.nvt = NVT_DATA;
          continue;
        case NVT_SB_IAC:
          s.nvt = c === 240 ? NVT_DATA : NVT_SB;
          continue;
        default:
          continue;
      }
      if (this.tls || this.rejected) return;
      // A data byte.
      if (c === 0x0a) {
        this.lineDone(s);
        s.cr = false;
        continue;
      }
      if (c === 0x00 && s.cr) {
        s.cr = false;
        continue; // CR NUL is a bare CR
      }
      s.cr = c === 0x0d;
      this.push(s, c);
    }
  }

  gap(isOrig: boolean, _len: number): void {
    if (this.tls || this.rejected) return;
    const s = isOrig ? this.orig : this.resp;
    if (s.held > 0 || s.overlong) this.ctx.event('gap', 'line in progress dropped', isOrig);
    s.held = 0;
    s.overlong = false;
    s.nvt = NVT_DATA;
    s.cr = false;
    // A lost part of a multi-line reply ends it.
    if (!isOrig) this.multi = -1;
  }

  end(): void {
    if (this.rejected) return;
    for (const c of this.pending) {
      if (c.command === INIT_COMMAND && c.replyCode < 0) continue;
      this.write(c);
    }
    this.pending.length = 0;
  }

  // ---- lines ----

  private telnet(s: Side): void {
    if (this.iacReported) return;
    this.iacReported = true;
    this.ctx.event('telnet_command', 'IAC sequence stripped', s.isOrig);
  }

  private push(s: Side, c: number): void {
    if (s.held >= MAX_LINE) {
      s.overlong = true;
      return;
    }
    if (s.held === s.buf.length) {
      const nb = new Uint8Array(Math.min(MAX_LINE, s.buf.length * 2));
      nb.set(s.buf);
      s.buf = nb;
    }
    s.buf[s.held++] = c;
  }

  private lineDone(s: Side): void {
    let n = s.held;
    if (n > 0 && s.buf[n - 1] === 0x0d) n--;
    if (s.overlong) this.ctx.event('line_too_long', `line of more than ${MAX_LINE} bytes`, s.isOrig);
    s.held = 0;
    s.overlong = false;
    const line = bytesText(s.buf, 0, n);
    if (s.isOrig) this.commandLine(line, n);
    else this.replyLine(line, n);
  }

  private commandLine(line: string, raw: number): void {
    if (line === '') return;
    const cl = parseCommand(line);
    if (cl === null) {
      this.ctx.event('bad_command', line.slice(0, 64), true);
      this.badBytes(raw);
      return;
    }
    this.validMessage(true);
    let arg = cl.arg;
    if (arg.length > MAX_ARG) {
      this.ctx.event('arg_too_long', String(arg.length), true);
      arg = arg.slice(0, MAX_ARG);
    }
    // The first command ends the greeting.
    if (!this.commandsSeen) {
      this.commandsSeen = true;
      const init = this.pending[0];
      if (init !== undefined && init.command === INIT_COMMAND) {
        this.pending.shift();
        if (init.replyCode >= 0) this.write(init);
      }
    }
    const c = new Cmd(this.ctx.ts, cl.command, arg);
    const f = this.ctx.flow;
    switch (cl.command) {
      case 'USER':
        if (arg.length > MAX_USER) {
          this.ctx.event('user_too_long', String(arg.length), true);
          this.user = arg.slice(0, MAX_USER);
        } else this.user = arg;
        break;
      case 'PASS':
        if (arg !== '') this.passwordPresent = true;
        break;
      case 'PORT':
      case 'EPRT': {
        const e = cl.command === 'PORT' ? parseHostPort(arg) : parseEprt(arg);
        if (e === null) this.ctx.event('bad_data_channel', `${cl.command} ${arg.slice(0, 64)}`, true);
        else {
          c.dc = e;
          c.dcPassive = false;
          c.dcOrig = f.respH;
        }
        break;
      }
      case 'CLNT':
        softwareFound(this.ctx, this.ctx.shared as SoftwareTracker | null, { host: f.origH, software_type: 'FTP::CLIENT', unparsed_version: arg });
        break;
      default:
        break;
    }
    const p = this.pending;
    if (p.length >= MAX_PENDING) {
      this.ctx.event('too_many_pending_commands', `${p.length} commands waiting`, true);
      this.write(p.shift()!);
    }
    p.push(c);
  }

  private replyLine(line: string, raw: number): void {
    const r = parseReply(line);
    if (this.multi >= 0) {
      if (r.code === this.multi && r.sep === ' ') {
        this.multi = -1;
        this.reply(r.code, r.text, this.multiFirst);
      } else if (r.code > 0 && r.code !== this.multi && r.sep === ' ' && looksLikeReply(line)) {
        // A server that never ends its multi-line reply (Zeek's quirk): the line is a reply of its own.
        const code = this.multi;
        this.multi = -1;
        this.reply(code, this.multiFirst, this.multiFirst);
        this.reply(r.code, r.text, r.text);
      }
      return;
    }
    if (r.code < 0) {
      if (line !== '') {
        this.ctx.event('bad_reply', line.slice(0, 64), false);
        this.badBytes(raw);
      }
      return;
    }
    if (r.sep === '-') {
      this.multi = r.code;
      this.multiFirst = r.text;
      return;
    }
    this.reply(r.code, r.text, r.text);
  }

  /** A whole reply: `text` is its last line's text, `first` its first line's. */
  private reply(code: number, text: string, first: string): void {
    this.validMessage(false);
    const f = this.ctx.flow;
    let c = this.pending.length > 0 ? this.pending[0] : null;
    if (c === null) {
      c = new Cmd(this.ctx.ts, MISSING_COMMAND, '');
      this.pending.push(c);
    }
    if (text.length > MAX_REPLY_MSG) {
      this.ctx.event('reply_msg_too_long', String(text.length), false);
      text = text.slice(0, MAX_REPLY_MSG);
    }
    if (c.replyCodes.length < MAX_REPLY_CODES) c.replyCodes.push(code);
    c.replyCode = code;
    c.replyMsg = text;
    const cmd = c.command;
    if (c.shownArg === undefined) c.shownArg = this.shownArg(c);
    if ((code === 150 && cmd === 'RETR') || (code === 213 && cmd === 'SIZE')) {
      const n = lastNumber(text);
      if (n >= 0) c.fileSize = n;
    } else if ((code === 227 && cmd === 'PASV') || (code === 229 && cmd === 'EPSV')) {
      const e = code === 227 ? parsePasv(text) : parseEpsv(text);
      if (e === null) this.ctx.event('bad_data_channel', `${code} ${text.slice(0, 64)}`, false);
      else {
        c.dc = { h: e.h === '' ? f.respH : e.h, p: e.p };
        c.dcPassive = true;
        c.dcOrig = f.origH;
      }
    }
    // The working directory, as Zeek follows it (for the URLs of later file commands).
    if (cmd === 'CWD' && code === 250) this.cwd = buildPath(this.cwd, c.arg);
    else if (cmd === 'CDUP' && (code === 200 || code === 250)) this.cwd = buildPath(this.cwd, '/..');
    else if ((cmd === 'PWD' || cmd === 'XPWD') && code === 257) this.cwd = extractPath(text);
    const outcome = loginOutcome(cmd, code);
    if (outcome !== '') c.login = outcome;
    if (cmd === INIT_COMMAND && !this.greetingDone && (code === 220 || code === 120)) {
      this.greetingDone = true;
      const product = bannerProduct(first) ?? bannerProduct(text);
      if (product !== null) softwareFound(this.ctx, this.ctx.shared as SoftwareTracker | null, { host: f.respH, host_p: f.respP, software_type: 'FTP::SERVER', unparsed_version: product });
    }
    if (replyClass(code) === 1) return; // preliminary: the command waits for its final reply
    if (cmd === INIT_COMMAND) return; // the greeting is written when the first command comes
    this.pending.shift();
    this.write(c);
    if (cmd === 'AUTH' && code === 234) this.tls = true; // RFC 4217: TLS from here
  }

  private shownArg(c: Cmd): string | undefined {
    if (c.command === 'PASS') return PASSWORD_HIDDEN;
    if (c.arg === '') return undefined;
    if (FILE_COMMANDS.has(c.command)) return buildUrl(this.ctx.flow.respH, this.cwd, c.arg);
    return c.arg;
  }

  private validMessage(isOrig: boolean): void {
    this.valid = true;
    this.ctx.valid(isOrig);
  }

  private badBytes(n: number): void {
    this.bad += n + 1;
    if (!this.valid && this.bad > REJECT_AFTER_BAD) {
      this.rejected = true;
      this.ctx.reject('no valid FTP message');
    }
  }

  // ---- records ----

  private write(c: Cmd): void {
    const dc = c.dc;
    const fields: RecordFields = {
      user: this.user,
      password_present: this.passwordPresent,
      command: c.command,
      arg: c.shownArg ?? this.shownArg(c),
      mime_type: undefined,
      file_size: c.fileSize >= 0 ? c.fileSize : undefined,
      reply_code: c.replyCode >= 0 ? c.replyCode : undefined,
      reply_msg: c.replyMsg,
      'data_channel.passive': dc !== null ? c.dcPassive : undefined,
      'data_channel.orig_h': dc !== null ? c.dcOrig : undefined,
      'data_channel.resp_h': dc !== null ? dc.h : undefined,
      'data_channel.resp_p': dc !== null ? dc.p : undefined,
      fuid: undefined,
      reply_codes: c.replyCodes.length > 0 ? c.replyCodes : undefined,
      file_name: FILE_COMMANDS.has(c.command) && c.arg !== '' ? c.arg : undefined,
      login: c.login !== '' ? c.login : undefined,
    };
    this.ctx.record(RECORD_FTP, fields, c.ts);
  }
}
