// A minimal TPKT (RFC 1006) + COTP (ISO 8073 class 0) parent for the mms tests: it frames
// TPKT, reassembles DT TPDUs up to the end-of-TSDU bit and hands each TSDU to a child found
// through ctx.openChild('cotp', …), as the real `cotp` protocol does. Tests only: it is not
// registered and writes no records.
import { StreamFramer } from '../../dissect/stream.ts';
import { PROBE, type ProtocolDef, type Session } from '../../dissect/types.ts';

const COTP_DT = 0xf0;

export const testCotp: ProtocolDef = {
  id: 'cotp',
  tcpPorts: [102],
  probe: (d, off, len) => (len >= 4 && d[off] === 3 && d[off + 1] === 0 ? PROBE.YES : PROBE.NO),
  create(ctx): Session {
    let child: Session | null = null;
    const tsdu: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];
    const framer = new StreamFramer({
      pduLength: (d, off, avail) => (avail < 1 ? 0 : d[off] !== 3 ? -1 : avail < 4 ? 0 : (d[off + 2] << 8) | d[off + 3]),
      pdu(isOrig, d, off, len) {
        const li = d[off + 4];
        if (len < 7 || (d[off + 5] & 0xf0) !== COTP_DT) return;
        const eot = (d[off + 6] & 0x80) !== 0;
        const side = isOrig ? 0 : 1;
        const part = d.subarray(off + 5 + li, off + len);
        const whole = new Uint8Array(tsdu[side].length + part.length);
        whole.set(tsdu[side], 0);
        whole.set(part, tsdu[side].length);
        if (!eot) {
          tsdu[side] = whole;
          return;
        }
        tsdu[side] = new Uint8Array(0);
        ctx.valid(isOrig);
        child ??= ctx.openChild('cotp', isOrig, whole, 0, whole.length);
        child?.data(isOrig, whole, 0, whole.length);
      },
    });
    return {
      data: (isOrig, d, off, len) => framer.data(isOrig, d, off, len),
      gap: (isOrig, len) => framer.gap(isOrig, len),
      end: () => {},
    };
  },
  records: {},
  events: {},
};

/** TPKT + COTP DT (end of TSDU) around a payload. */
export function tpktDt(payload: Uint8Array, eot = true): Uint8Array {
  const n = payload.length + 7;
  const out = new Uint8Array(n);
  out.set([3, 0, n >> 8, n & 255, 2, COTP_DT, eot ? 0x80 : 0], 0);
  out.set(payload, 7);
  return out;
}
