// The Modbus PDUs our `modbus` records stand for, for comparing with per-PDU views of the
// same traffic (tshark's frames, Zeek's modbus.log with one row per PDU). A record holds a
// request, its response, or either alone; the response's function code on the wire is the
// request's, with the exception bit when the response is an exception.
import { EXCEPTION_BIT, functionName } from '../src/protocols/modbus/constants.ts';

export interface OurPdu {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  isRequest: boolean;
  tid: number;
  unit: number;
  /** Function code on the wire. */
  fc: number;
  /** Zeek's name of that code (`READ_COILS_EXCEPTION` for 0x81). */
  func: string;
  exception: string | undefined;
  record: Record<string, unknown>;
}

export function pdusOf(records: readonly object[]): OurPdu[] {
  const out: OurPdu[] = [];
  for (const o of records) {
    const r = o as Record<string, unknown>;
    const oh = r['id.orig_h'] as string;
    const op = r['id.orig_p'] as number;
    const rh = r['id.resp_h'] as string;
    const rp = r['id.resp_p'] as number;
    const fc = r.function_code as number;
    const tid = r.tid as number;
    const unit = r.unit as number;
    if (r.request_seen === true) {
      out.push({ src: oh, sport: op, dst: rh, dport: rp, isRequest: true, tid, unit, fc, func: functionName(fc), exception: undefined, record: r });
    }
    if (r.response_seen === true) {
      const exc = r.exception_code as string | undefined;
      const wire = r.request_seen === true && exc !== undefined ? fc | EXCEPTION_BIT : fc;
      out.push({ src: rh, sport: rp, dst: oh, dport: op, isRequest: false, tid, unit, fc: wire, func: functionName(wire), exception: exc, record: r });
    }
  }
  return out;
}

/** A multiset of keys: take() removes one occurrence and says whether there was one. */
export class Bag {
  private readonly m = new Map<string, number>();
  add(k: string): void {
    this.m.set(k, (this.m.get(k) ?? 0) + 1);
  }
  take(k: string): boolean {
    const n = this.m.get(k) ?? 0;
    if (n === 0) return false;
    this.m.set(k, n - 1);
    return true;
  }
  /** Keys left, with their counts. */
  left(): [string, number][] {
    return [...this.m.entries()].filter(([, n]) => n > 0);
  }
}
