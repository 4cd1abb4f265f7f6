// MELSEC (MC protocol / SLMP binary 3E and 4E frames) state for one connection: TCP framing
// by the header's data length (UDP: one frame per datagram), and request/response pairing —
// 4E frames by serial number, 3E frames (which have none) in order. One `melsec` record per
// transaction, written when the response arrives (requests still waiting are written at the
// end, or when the pending cap evicts them).
import { StreamFramer } from '../../dissect/stream.ts';
import type { Session, SessionContext, Transport } from '../../dissect/types.ts';
import { COMMANDS, DEVICES, END_CODES, nameOf } from './constants.ts';
import { MC_BAD_LENGTH, MC_TRUNCATED, type McFrame, frameLength, parseFrame } from './parser.ts';

/** Requests waiting for their response per connection. */
export const MAX_PENDING = 64;

class Pending {
  readonly ts: number;
  readonly isOrig: boolean;
  readonly f: McFrame;
  constructor(ts: number, isOrig: boolean, f: McFrame) {
    this.ts = ts;
    this.isOrig = isOrig;
    this.f = f;
  }
}

export class MelsecSession implements Session {
  private readonly ctx: SessionContext;
  private readonly framer: StreamFramer | null;
  /** Requests in arrival order (3E pairs with the oldest from the other side; 4E by serial). */
  private readonly pending: Pending[] = [];

  constructor(ctx: SessionContext, transport: Transport) {
    this.ctx = ctx;
    this.framer =
      transport === 'tcp'
        ? new StreamFramer({
            pduLength: frameLength,
            pdu: (isOrig, d, off, len) => this.frame(isOrig, d, off, len),
            skipped: (isOrig, n, afterGap) => this.ctx.event('resync', `${n} bytes skipped${afterGap ? ' after a gap' : ''}`, isOrig),
          }, { maxPdu: 8192 })
        : null;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.framer !== null) {
      this.framer.data(isOrig, d, off, len);
      return;
    }
    const n = frameLength(d, off, len);
    if (n <= 0 || n > len) {
      this.ctx.event('truncated', n > 0 ? `frame of ${n} bytes in a datagram of ${len}` : 'no MC protocol frame at the start of the datagram', isOrig);
      return;
    }
    this.frame(isOrig, d, off, n);
  }

  gap(isOrig: boolean, len: number): void {
    this.framer?.gap(isOrig, len);
  }

  end(): void {
    for (const p of this.pending) this.write(p.ts, p.isOrig, p.f, null, undefined);
    this.pending.length = 0;
  }

  private frame(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const response = (d[off] & 0x80) !== 0;
    // The request a response answers decides how its data reads (Read Type Name).
    const at = response ? this.match(!isOrig, d[off] === 0xd4 ? d[off + 2] | (d[off + 3] << 8) : -1) : -1;
    const f = parseFrame(d, off, len, at >= 0 ? this.pending[at].f.command : -1);
    if (f.problem === MC_TRUNCATED) {
      this.ctx.event('truncated', f.detail, isOrig);
      return;
    }
    if (f.problem === MC_BAD_LENGTH) {
      this.ctx.event('bad_length', f.detail, isOrig);
      return;
    }
    this.ctx.valid(isOrig);
    const ts = this.ctx.ts;
    if (!f.response) {
      if (this.pending.length >= MAX_PENDING) {
        const old = this.pending.shift()!;
        this.ctx.event('too_many_pending', `more than ${MAX_PENDING} requests without a response`, isOrig);
        this.write(old.ts, old.isOrig, old.f, null, undefined);
      }
      this.pending.push(new Pending(ts, isOrig, f));
      return;
    }
    if (at < 0) {
      this.ctx.event('unmatched_response', `a ${f.frame}E response without a request${f.serial >= 0 ? ` (serial ${f.serial})` : ''}`, isOrig);
      this.write(ts, !isOrig, null, f, undefined);
      return;
    }
    const p = this.pending.splice(at, 1)[0];
    this.write(p.ts, p.isOrig, p.f, f, ts - p.ts);
  }

  /** The index of the pending request from side `reqOrig` that a response answers: by serial (4E) or the oldest (3E). */
  private match(reqOrig: boolean, serial: number): number {
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i];
      if (p.isOrig !== reqOrig) continue;
      if (serial < 0 ? p.f.frame === 3 : p.f.frame === 4 && p.f.serial === serial) return i;
    }
    return -1;
  }

  private write(ts: number, isOrig: boolean, req: McFrame | null, res: McFrame | null, rtt: number | undefined): void {
    const a = req ?? res!;
    const dev = req !== null && req.deviceCode >= 0 ? DEVICES[req.deviceCode & 0xff] : undefined;
    const r: Record<string, unknown> = {
      is_orig: isOrig,
      frame: `${a.frame}E`,
      serial_number: a.serial >= 0 ? a.serial : undefined,
      network_number: a.network,
      pc_number: a.pc,
      module_io: a.moduleIo,
      station_number: a.station,
      monitoring_timer: req !== null ? req.timer : undefined,
      command: req !== null ? nameOf(COMMANDS, req.command) : undefined,
      command_code: req !== null ? req.command : undefined,
      subcommand: req !== null ? req.subcommand : undefined,
      device: req !== null && req.deviceCode >= 0 ? (dev?.[0] ?? `unknown-${req.deviceCode}`) : undefined,
      device_code: req !== null && req.deviceCode >= 0 ? req.deviceCode : undefined,
      head_device: req !== null && req.headDevice >= 0 ? req.headDevice : undefined,
      points: req !== null && req.points >= 0 ? req.points : undefined,
      device_address: dev !== undefined && req !== null ? dev[0] + (dev[1] ? req.headDevice.toString(16).toUpperCase() : String(req.headDevice)) : undefined,
      request_data: req !== null && req.data !== '' ? req.data : undefined,
      end_code: res !== null ? nameOf(END_CODES, res.endCode) : undefined,
      end_code_code: res !== null ? res.endCode : undefined,
      response_data: res !== null && res.data !== '' ? res.data : undefined,
      cpu_model: res !== null && res.cpuModel !== '' ? res.cpuModel : undefined,
      model_code: res !== null && res.modelCode >= 0 ? res.modelCode : undefined,
      rtt,
    };
    this.ctx.record('melsec', r, ts);
  }
}
