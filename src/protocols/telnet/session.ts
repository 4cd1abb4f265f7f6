// Per-flow Telnet state: the NVT command layer (IAC WILL/WONT/DO/DONT, SB … SE and the other
// commands) taken out of both data streams, the options each side agreed to, and a login
// heuristic over the remaining text; one `telnet` record when the connection ends.
//
// Login heuristic (after Zeek's login analyzer): prompts have no line end, so the server's
// unfinished line is looked at when the client starts typing. A line ending in a login
// prompt ("login:", "Username:") makes the client's next line the user name; one ending in
// a password prompt makes the next line the password (noted as present, never kept). After
// the credentials, a server line with a failure message ("Login incorrect", "Authentication
// failed"; not "3 failures since last successful login") or a new login prompt is a failure;
// a success message ("Last login") or a shell prompt (a line ending in "$ ", "# ", "> ", "% ")
// is a success, and the heuristic stops there. The client's line editing (backspace, DEL,
// ^U, IAC EC / EL) is applied to what it typed; the server's echo of the typed user name is
// not mistaken for server text.
import { bytesText } from '../../dissect/text.ts';
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  DO, EC, EL, FAILURE_MSGS, IAC, LOGIN_PROMPTS, NON_FAILURE_MSGS, OPT_ENVIRON, OPT_NEW_ENVIRON, OPT_TERMINAL_TYPE, PASSWORD_PROMPTS, SB, SE,
  SHELL_PROMPT_ENDS, SUCCESS_MSGS, WILL, optionName,
} from './constants.ts';
import { RECORD_TELNET } from './records.ts';

/** Subnegotiation bytes kept (the rest up to IAC SE is skipped). */
export const MAX_SUBNEG = 512;
/** Characters of the server's current line kept (its end, where prompts are). */
export const MAX_SERVER_LINE = 256;
/** Characters of a typed line kept while logging in. */
export const MAX_INPUT = 256;
/** Characters of the banner kept. */
export const MAX_BANNER = 512;
/** Characters of a user name, terminal type or client user kept. */
const MAX_NAME = 64;
/** Characters of a login reason kept. */
const MAX_REASON = 128;

export const TELNET_EVENTS = {
  subnegotiation_too_long: `an SB … SE subnegotiation longer than ${MAX_SUBNEG} bytes: the rest of it is skipped`,
  bad_command: 'IAC followed by a byte that is no Telnet command (below 240)',
  input_too_long: `a line typed while logging in longer than ${MAX_INPUT} characters: the rest is not read`,
  gap: 'bytes of the connection were not captured: the lines in progress are dropped',
} as const;

const NVT_DATA = 0;
const NVT_IAC = 1;
const NVT_OPTION = 2;
const NVT_SB = 3;
const NVT_SB_IAC = 4;

/** Login states. */
const L_NONE = 0;
const L_USER = 1;
const L_USER_SENT = 2;
const L_PASS = 3;
const L_RESULT = 4;
const L_DONE = 5;

class Side {
  readonly isOrig: boolean;
  nvt = NVT_DATA;
  verb = 0;
  sbOpt = -1;
  readonly sb = new Uint8Array(MAX_SUBNEG);
  sbLen = 0;
  sbOver = false;
  commands = 0;
  /** The last WILL/WONT/DO/DONT this side sent, per option (0: none). */
  readonly verbs = new Uint8Array(256);
  /** Inside an ANSI escape sequence (server text): 1 after ESC, 2 inside CSI. */
  esc = 0;
  /** The last data byte was CR. */
  cr = false;
  valid = false;
  constructor(isOrig: boolean) {
    this.isOrig = isOrig;
  }
}

function endsWithAny(s: string, list: readonly string[]): string | null {
  for (const p of list) if (s.endsWith(p)) return p;
  return null;
}

function containsAny(s: string, list: readonly string[]): boolean {
  for (const p of list) if (s.includes(p)) return true;
  return false;
}

export class TelnetSession implements Session {
  private readonly ctx: SessionContext;
  private readonly ts: number;
  private readonly orig = new Side(true);
  private readonly resp = new Side(false);
  /** Options named in negotiations, in the order first seen. */
  private readonly optionOrder: number[] = [];
  private readonly optionSeen = new Uint8Array(256);
  private terminalType: string | undefined = undefined;
  private clientUser: string | undefined = undefined;
  // server text
  private readonly line = new Uint8Array(MAX_SERVER_LINE);
  private lineLen = 0;
  private lastLine = '';
  private serverChanged = false;
  /** The current server line follows a login prompt: it may be the echo of the typed user name. */
  private promptLine = false;
  private banner = '';
  private bannerOpen = true;
  // client text
  private readonly input = new Uint8Array(MAX_INPUT);
  private inputLen = 0;
  private inputOver = false;
  // login
  private state = L_NONE;
  private prompted = false;
  private unplaced = false;
  private user: string | undefined = undefined;
  private passwordPresent = false;
  private login: string | undefined = undefined;
  private reason: string | undefined = undefined;
  private attempts = 0;
  private failures = 0;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
    this.ts = ctx.ts;
  }

  // ---- Session ----

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const s = isOrig ? this.orig : this.resp;
    const end = off + len;
    for (let i = off; i < end; i++) {
      if (this.state === L_DONE && s.nvt === NVT_DATA && s.valid) {
        // After the login only commands matter: skip the text up to the next IAC.
        while (i < end && d[i] !== IAC) i++;
        if (i === end) return;
      }
      const c = d[i];
      switch (s.nvt) {
        case NVT_DATA:
          if (c === IAC) {
            s.nvt = NVT_IAC;
            continue;
          }
          this.dataByte(s, c);
          continue;
        case NVT_IAC:
          this.command(s, c);
          continue;
        case NVT_OPTION:
          this.negotiation(s, s.verb, c);
          s.nvt = NVT_DATA;
          continue;
        case NVT_SB:
          if (s.sbOpt < 0) {
            s.sbOpt = c;
            this.seeOption(c);
          } else if (c === IAC) s.nvt = NVT_SB_IAC;
          else this.sbByte(s, c);
          continue;
        case NVT_SB_IAC:
          if (c === SE) {
            this.subnegotiation(s);
            s.nvt = NVT_DATA;
          } else {
            // IAC IAC inside SB is a 255 data byte; anything else is kept as is.
            this.sbByte(s, c);
            s.nvt = NVT_SB;
          }
          continue;
        default:
          s.nvt = NVT_DATA;
      }
    }
  }

  gap(isOrig: boolean, _len: number): void {
    const s = isOrig ? this.orig : this.resp;
    this.ctx.event('gap', 'lines in progress dropped', isOrig);
    s.nvt = NVT_DATA;
    s.esc = 0;
    s.cr = false;
    if (isOrig) this.clearInput();
    else {
      this.lineLen = 0;
      this.promptLine = false;
    }
  }

  end(): void {
    // A prompt the server left on the screen at the end.
    this.checkPrompt();
    // Credentials typed, no verdict yet: the last attempt's outcome is not known.
    if (this.state === L_RESULT || this.state === L_USER_SENT) this.login = 'unknown';
    const f = (list: number[]) => list.map(optionName);
    const server: number[] = [];
    const client: number[] = [];
    for (const o of this.optionOrder) {
      if (this.resp.verbs[o] === WILL && this.orig.verbs[o] === DO) server.push(o);
      if (this.orig.verbs[o] === WILL && this.resp.verbs[o] === DO) client.push(o);
    }
    const banner = this.banner.replace(/\s+$/, '').replace(/^\s+/, '');
    this.ctx.record(RECORD_TELNET, {
      proto: 'telnet',
      success: this.login === 'success',
      confused: this.unplaced,
      user: this.user,
      client_user: this.clientUser,
      password_present: this.passwordPresent,
      options: f(this.optionOrder),
      options_server: f(server),
      options_client: f(client),
      terminal_type: this.terminalType,
      banner: banner === '' ? undefined : banner,
      login: this.login,
      login_reason: this.reason,
      login_attempts: this.attempts,
      login_failures: this.failures,
      commands_orig: this.orig.commands,
      commands_resp: this.resp.commands,
    }, this.ts);
  }

  // ---- the NVT command layer ----

  private command(s: Side, c: number): void {
    if (c === IAC) {
      // IAC IAC: a data byte 255.
      s.nvt = NVT_DATA;
      this.dataByte(s, c);
      return;
    }
    if (c < SE) {
      this.ctx.event('bad_command', `IAC ${c}`, s.isOrig);
      s.nvt = NVT_DATA;
      return;
    }
    s.commands++;
    this.validSide(s);
    if (c >= WILL) {
      s.verb = c;
      s.nvt = NVT_OPTION;
      return;
    }
    if (c === SB) {
      s.nvt = NVT_SB;
      s.sbOpt = -1;
      s.sbLen = 0;
      s.sbOver = false;
      return;
    }
    s.nvt = NVT_DATA;
    if (s.isOrig) {
      if (c === EC) this.erase();
      else if (c === EL) this.clearInput();
    }
  }

  private negotiation(s: Side, verb: number, opt: number): void {
    s.verbs[opt] = verb;
    this.seeOption(opt);
  }

  private seeOption(opt: number): void {
    if (this.optionSeen[opt] !== 0) return;
    this.optionSeen[opt] = 1;
    this.optionOrder.push(opt);
  }

  private sbByte(s: Side, c: number): void {
    if (s.sbLen < MAX_SUBNEG) s.sb[s.sbLen++] = c;
    else if (!s.sbOver) {
      s.sbOver = true;
      this.ctx.event('subnegotiation_too_long', `${optionName(s.sbOpt)} subnegotiation over ${MAX_SUBNEG} bytes`, s.isOrig);
    }
  }

  /** A whole SB … SE: the terminal type and the USER variable a client sends are kept. */
  private subnegotiation(s: Side): void {
    const b = s.sb;
    const n = s.sbLen;
    if (!s.isOrig || n < 1 || (b[0] !== 0 && b[0] !== 2)) return; // IS (0) or INFO (2), from the client
    if (s.sbOpt === OPT_TERMINAL_TYPE && b[0] === 0) {
      this.terminalType = bytesText(b, 1, Math.min(n - 1, MAX_NAME));
    } else if (s.sbOpt === OPT_NEW_ENVIRON || s.sbOpt === OPT_ENVIRON) {
      // VAR (0) / USERVAR (3) name VALUE (1) value …; old ENVIRON servers swap VAR and VALUE.
      let i = 1;
      while (i < n) {
        const type = b[i++];
        const ns = i;
        while (i < n && b[i] > 3) i++;
        const name = bytesText(b, ns, i - ns);
        if (i < n && (b[i] === 1 || b[i] === 0) && b[i] !== type) {
          i++;
          const vs = i;
          while (i < n && b[i] > 3) i++;
          if (name === 'USER') this.clientUser = bytesText(b, vs, Math.min(i - vs, MAX_NAME));
        }
        if (i === ns) i++;
      }
    }
  }

  private validSide(s: Side): void {
    if (s.valid) return;
    s.valid = true;
    this.ctx.valid(s.isOrig);
  }

  // ---- text ----

  private dataByte(s: Side, c: number): void {
    if (s.isOrig) this.clientByte(s, c);
    else this.serverByte(s, c);
  }

  private serverByte(s: Side, c: number): void {
    if (s.esc !== 0) {
      // ESC [ params final (CSI), or ESC and one byte.
      if (s.esc === 1) s.esc = c === 0x5b ? 2 : 0;
      else if (c >= 0x40 && c <= 0x7e) s.esc = 0;
      return;
    }
    if (c === 0x1b) {
      s.esc = 1;
      return;
    }
    if (c === 0x0a) {
      this.serverLineDone();
      return;
    }
    if (c === 0x08) {
      if (this.lineLen > 0) this.lineLen--;
      return;
    }
    if (c === 0x09) c = 0x20;
    if (c < 0x20 || c === 0x7f) return;
    this.validSide(s);
    this.serverChanged = true;
    if (this.lineLen === MAX_SERVER_LINE) {
      // Keep the end of a long line, where a prompt would be.
      this.line.copyWithin(0, MAX_SERVER_LINE / 2);
      this.lineLen = MAX_SERVER_LINE / 2;
    }
    this.line[this.lineLen++] = c;
  }

  private serverLineDone(): void {
    const text = bytesText(this.line, 0, this.lineLen).trim();
    this.lineLen = 0;
    this.serverChanged = true;
    const echo = this.promptLine;
    this.promptLine = false;
    if (this.bannerOpen) this.addBanner(text);
    if (text === '') return;
    this.lastLine = text;
    // The server's echo of the typed user name is not a message.
    if ((echo && text === this.user) || (this.state !== L_RESULT && this.state !== L_USER_SENT)) return;
    if (containsAny(text, FAILURE_MSGS) && !containsAny(text, NON_FAILURE_MSGS)) this.verdict(false, text);
    else if (containsAny(text, SUCCESS_MSGS)) this.verdict(true, text);
  }

  private addBanner(text: string): void {
    if (this.banner.length >= MAX_BANNER) return;
    const add = (this.banner === '' ? '' : '\n') + text;
    this.banner = (this.banner + add).slice(0, MAX_BANNER);
  }

  private clientByte(s: Side, c: number): void {
    if (this.serverChanged) {
      this.serverChanged = false;
      this.checkPrompt();
    }
    if (c === 0x0d || c === 0x0a) {
      // CR LF, CR NUL, a lone CR or LF: the end of a typed line.
      if (c === 0x0a && s.cr) {
        s.cr = false;
        return;
      }
      s.cr = c === 0x0d;
      this.validSide(s);
      this.inputLineDone();
      return;
    }
    if (c === 0x00 && s.cr) {
      s.cr = false;
      return;
    }
    s.cr = false;
    if (c === 0x08 || c === 0x7f) {
      this.erase();
      return;
    }
    if (c === 0x15) {
      this.clearInput();
      return;
    }
    if (c < 0x20) return;
    this.validSide(s);
    if (this.state === L_DONE) return; // commands typed after the login are not kept
    if (this.inputLen === MAX_INPUT) {
      if (!this.inputOver) {
        this.inputOver = true;
        this.ctx.event('input_too_long', `typed line over ${MAX_INPUT} characters`, true);
      }
      return;
    }
    this.input[this.inputLen++] = c;
  }

  private erase(): void {
    if (this.inputLen > 0) this.inputLen--;
  }

  private clearInput(): void {
    this.input.fill(0, 0, this.inputLen);
    this.inputLen = 0;
    this.inputOver = false;
  }

  /** The server's unfinished line (or its last line) when the client starts typing. */
  private checkPrompt(): void {
    if (this.state === L_DONE) return;
    const partial = bytesText(this.line, 0, this.lineLen);
    const text = (partial.trim() === '' ? this.lastLine : partial).trimEnd();
    if (text === '') return;
    if (endsWithAny(text, LOGIN_PROMPTS) !== null) {
      if (this.state === L_RESULT || this.state === L_USER_SENT) this.verdict(false, 'login prompt again');
      this.promptSeen(L_USER);
      // What the server prints on this line from here is the echo of the typed name.
      this.promptLine = true;
      return;
    }
    if (endsWithAny(text, PASSWORD_PROMPTS) !== null) {
      this.promptSeen(L_PASS);
      return;
    }
    if ((this.state === L_RESULT || this.state === L_USER_SENT) && partial.trim() !== '') {
      const end = endsWithAny(partial, SHELL_PROMPT_ENDS);
      if (end !== null && partial.length <= 128) this.verdict(true, `shell prompt "${end}"`);
    }
  }

  /** A prompt was answered: its text is used up. */
  private promptSeen(state: number): void {
    this.state = state;
    this.prompted = true;
    this.bannerOpen = false;
    this.lineLen = 0;
    this.lastLine = '';
    this.promptLine = false;
  }

  private inputLineDone(): void {
    const n = this.inputLen;
    switch (this.state) {
      case L_USER:
        if (n > 0) {
          this.user = bytesText(this.input, 0, Math.min(n, MAX_NAME));
          this.state = L_USER_SENT;
        }
        break;
      case L_PASS:
        if (n > 0) this.passwordPresent = true;
        this.state = L_RESULT;
        break;
      case L_NONE:
        if (n > 0 && !this.prompted) this.unplaced = true;
        break;
      default:
        break;
    }
    if (this.state !== L_DONE) this.bannerOpen = false;
    // Never keep what was typed (a password among it).
    this.clearInput();
  }

  private verdict(ok: boolean, reason: string): void {
    this.attempts++;
    if (!ok) this.failures++;
    this.login = ok ? 'success' : 'failure';
    this.reason = reason.slice(0, MAX_REASON);
    this.state = ok ? L_DONE : L_NONE;
  }
}
