// IEC 60870-5-104 against tshark on every corpus capture MANIFEST.md lists with
// iec60870_104: per direction of each connection, the sequence of APDUs (frame format, and
// for I frames the ASDU type identification and cause of transmission) must agree with
// tshark's (iec60870_104.type, iec60870_asdu.typeid, iec60870_asdu.causetx) for at least 99%
// of the APDUs. The sequences are aligned by their longest common subsequence, so one APDU
// seen by one side only costs one APDU, not the rest of the stream.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);

const CAPTURES = [...new Set(manifest().filter((r) => /\biec60870_104\b/.test(r.protocols)).map((r) => r.path))].sort();

/**
 * Frames where tshark decodes an APDU the standard does not allow, so Palisade (which after
 * garbage resynchronises only at a header that is exactly right, IEC 60870-5-104 §5.1: APDU
 * length ≥ 4, S and U frames exactly 4, an I frame carries at least a data unit identifier)
 * has no APDU there. All are in nDPI's capture of deliberately malformed IEC 104: every
 * segment starts with 1..10 garbage bytes. Evidence per frame: tshark's own expert info or
 * apdulen, which the test checks.
 */
const TSHARK_INVALID: Record<string, Record<number, string>> = {
  'ndpi/tests/cfgs/default/pcap/iec60780-5-104.pcap': {
    11: '"68 00": APDU length 0 (tshark: APDU less than 4 bytes)',
    16: '"68 01": APDU length 1 (tshark: APDU less than 4 bytes)',
    18: '"68 02": APDU length 2 (tshark: APDU less than 4 bytes)',
    23: '"68 03": APDU length 3 (tshark: APDU less than 4 bytes)',
    25: '"68 04 16…": I frame of length 4, no ASDU (tshark: Malformed Packet)',
    36: '"68 05 17…": U frame of length 5, control 0x17 is no U function',
    41: '"68 06 18…": I frame with a 2-byte ASDU (tshark: Malformed Packet)',
    58: 'the rest of frame 41\'s impossible APDU (tshark: Malformed Packet)',
    71: '"68 06 19…": S frame of length 6',
    75: 'the rest of frame 71\'s impossible S frame, read as another S frame',
    83: '"68 08 1a…": I frame with a 4-byte ASDU (tshark: Malformed Packet)',
    96: 'the rest of a "68 08 1a…" I frame with a 4-byte ASDU (tshark: Malformed Packet)',
  },
};

/** Per direction ("src:port>dst:port"), the APDUs in stream order as "format/type/cause". */
type Sequences = Map<string, string[]>;

function push(m: Sequences, k: string, v: string): void {
  let l = m.get(k);
  if (l === undefined) m.set(k, (l = []));
  l.push(v);
}

const FORMAT: Record<string, number> = { I: 0, S: 1, U: 3 };

async function ours(file: string): Promise<Sequences> {
  const r = await runEngine([file]);
  const m: Sequences = new Map();
  for (const o of (r.records.get('iec104') ?? []) as Record<string, unknown>[]) {
    const src = o.is_orig ? `${o['id.orig_h']}:${o['id.orig_p']}` : `${o['id.resp_h']}:${o['id.resp_p']}`;
    const dst = o.is_orig ? `${o['id.resp_h']}:${o['id.resp_p']}` : `${o['id.orig_h']}:${o['id.orig_p']}`;
    const f = FORMAT[o.apci_type as string];
    push(m, `${src}>${dst}`, f === 0 ? `0/${o.type_id_code ?? '-'}/${o.cause_tx_code ?? '-'}` : `${f}`);
  }
  return m;
}

/** tshark's APDUs, without those of the frames listed for this capture in TSHARK_INVALID (checked to be flagged by tshark). */
async function theirs(file: string, invalid: Record<number, string>): Promise<Sequences> {
  const { stdout } = await run(
    TSHARK,
    ['-n', '-r', file, '-Y', 'iec60870_104', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=;',
      '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'tcp.dstport',
      '-e', 'iec60870_104.type', '-e', 'iec60870_asdu.typeid', '-e', 'iec60870_asdu.causetx',
      '-e', 'frame.number', '-e', 'iec60870_104.apdulen', '-e', '_ws.expert.message', '-e', 'iec60870_104.utype'],
    { maxBuffer: 64 << 20 },
  );
  const m: Sequences = new Map();
  const seen = new Set<number>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [s4, s6, sp, d4, d6, dp, types, typeIds, causes, frame, apdulens, expert, utype] = line.split('\t');
    const why = invalid[Number(frame)];
    if (why !== undefined) {
      // The evidence: tshark itself flags the frame, or its APDU has a length no format allows.
      const lens = apdulens.split(';').map(Number);
      const flagged = /APDU less than 4 bytes|Malformed Packet/.test(expert) || lens.some((n, i) => n !== 4 && /^0x0+[13]$/.test(types.split(';')[i] ?? '')) || (types.includes('3') && utype === '');
      assert.ok(flagged, `frame ${frame} listed as invalid (${why}) but tshark does not flag it: ${apdulens} ${types} ${expert}`);
      seen.add(Number(frame));
      continue;
    }
    const k = `${s4 || s6}:${sp}>${d4 || d6}:${dp}`;
    const ti = typeIds === '' ? [] : typeIds.split(';');
    const ca = causes === '' ? [] : causes.split(';');
    let asdu = 0;
    for (const t of types.split(';')) {
      if (t === '') {
        push(m, k, '?'); // an APDU start without a format
        continue;
      }
      const f = Number(t);
      if (f === 0) {
        push(m, k, `0/${ti[asdu] ?? '-'}/${ca[asdu] ?? '-'}`);
        asdu++;
      } else push(m, k, `${f}`);
    }
  }
  for (const f of Object.keys(invalid)) assert.ok(seen.has(Number(f)), `frame ${f} listed in TSHARK_INVALID is not an IEC 104 frame for tshark`);
  return m;
}

/** Length of the longest common subsequence of a and b. */
function lcs(a: string[], b: string[]): number {
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

test('IEC 104: ≥ 99% of APDUs agree with tshark on format, type identification and cause', { skip: !HAVE_CORPUS || !HAVE_TSHARK ? 'no corpus or tshark' : false }, async () => {
  assert.ok(CAPTURES.length >= 16, `IEC 104 captures in MANIFEST.md: ${CAPTURES.length}`);
  let total = 0;
  let agree = 0;
  const lines: string[] = [];
  for (const rel of CAPTURES) {
    const file = join(CORPUS, rel);
    const [a, b] = await Promise.all([ours(file), theirs(file, TSHARK_INVALID[rel] ?? {})]);
    let t = 0;
    let g = 0;
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(k) ?? [];
      const y = b.get(k) ?? [];
      t += Math.max(x.length, y.length);
      const n = lcs(x, y);
      g += n;
      if (process.env.IEC104_DEBUG !== undefined && n < Math.max(x.length, y.length)) console.log(`${rel} ${k}\n ours   ${x.join(' ')}\n tshark ${y.join(' ')}`);
    }
    total += t;
    agree += g;
    lines.push(`${rel}: ${g}/${t}`);
  }
  const pct = (100 * agree) / total;
  console.log(`IEC 104 vs tshark: ${agree}/${total} APDUs agree (${pct.toFixed(2)}%)\n  ${lines.join('\n  ')}`);
  assert.ok(total > 800, `APDUs compared: ${total}`);
  assert.ok(pct >= 99, `agreement ${pct.toFixed(2)}%`);
});

/** Value fields tshark writes per information object, and the type ids whose objects carry each. */
const VALUE_FIELDS: [string, number[]][] = [
  ['iec60870_asdu.float', [13, 14, 36, 50, 63, 112]],
  ['iec60870_asdu.normval', [9, 10, 21, 34, 48, 61, 110]],
  ['iec60870_asdu.scalval', [11, 12, 35, 49, 62, 111]],
  ['iec60870_asdu.siq.spi', [1, 2, 30]],
  ['iec60870_asdu.diq.dpi', [3, 4, 31]],
  ['iec60870_asdu.bcr.count', [15, 16, 37]],
  ['iec60870_asdu.bitstring', [7, 8, 33, 51, 64]],
];
const OBJ_FIELDS = ['ioa', ...VALUE_FIELDS.map(([f]) => f), 'cp56time'];

/**
 * Values as comparable text: tshark prints floats with 6 significant digits (rounding an exact
 * half to even, where JavaScript rounds it up), so both sides are rounded to 6 and then to 5
 * (the same double rounding on both); booleans as True/False; bit strings in hex.
 */
function canon(field: string, v: string | number): string {
  if (field === 'cp56time') return String(v);
  const n = typeof v === 'number' ? v : v === 'True' ? 1 : v === 'False' ? 0 : Number(v);
  return String(Number(Number(n.toPrecision(6)).toPrecision(5)));
}

/**
 * tshark 4.0 reads the 32-bit bitstring (BSI) most significant octet first; IEC 60870-5-4
 * sends integers least significant octet first, as lib60870 (mz-automation) reads BSI, and
 * as the corpus values show (64.pcap counts 0, 5, 9, 16 … in the first octet: tshark prints
 * 0, 83886080, 150994944, 268435456). Ours is byte-swapped before comparing.
 */
function tsharkBsi(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** "Oct  1, 2019 16:01:07.000000000 UTC" → ms since the epoch ('' when tshark could not make a date). */
function tsharkTime(s: string): string {
  const m = /^(\w{3})\s+(\d+), (\d{4}) (\d\d):(\d\d):(\d\d)\.(\d{3})\d* UTC$/.exec(s);
  if (m === null) return '';
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[1]);
  return String(Date.UTC(Number(m[3]), mon, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7])));
}

test('IEC 104: information object addresses, values and CP56Time2a tags agree with tshark', { skip: !HAVE_CORPUS || !HAVE_TSHARK ? 'no corpus or tshark' : false }, async () => {
  let total = 0;
  let agree = 0;
  const per: string[] = [];
  for (const rel of CAPTURES) {
    const file = join(CORPUS, rel);
    const r = await runEngine([file]);
    // Ours: per direction and field, the objects' values in stream order.
    const a = new Map<string, string[]>();
    for (const o of (r.records.get('iec104_object') ?? []) as Record<string, unknown>[]) {
      const dir = o.is_orig ? `${o['id.orig_h']}:${o['id.orig_p']}>${o['id.resp_h']}:${o['id.resp_p']}` : `${o['id.resp_h']}:${o['id.resp_p']}>${o['id.orig_h']}:${o['id.orig_p']}`;
      push(a, `${dir} ioa`, String(o.ioa));
      for (const [f, types] of VALUE_FIELDS) {
        if (!types.includes(o.type_id_code as number) || o.value === undefined) continue;
        push(a, `${dir} ${f}`, canon(f, f === 'iec60870_asdu.bitstring' ? tsharkBsi(o.value as number) : (o.value as number)));
      }
      // tshark subtracts an hour from a CP56Time2a with the SU bit set; Palisade keeps the clock reading as sent.
      if (o.time !== undefined) push(a, `${dir} cp56time`, String(Math.round((o.time as number) * 1000) - (o.time_summer === true ? 3600_000 : 0)));
    }
    const invalid = TSHARK_INVALID[rel] ?? {};
    const { stdout } = await run(
      TSHARK,
      ['-n', '-r', file, '-Y', 'iec60870_asdu', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=;',
        '-e', 'frame.number', '-e', 'ip.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'tcp.dstport',
        ...OBJ_FIELDS.map((f) => ['-e', f === 'ioa' || f === 'cp56time' ? `iec60870_asdu.${f}` : f]).flat()],
      { maxBuffer: 64 << 20 },
    );
    const b = new Map<string, string[]>();
    for (const line of stdout.split('\n')) {
      if (line === '') continue;
      const [frame, s, sp, d, dp, ...vals] = line.split('\t');
      if (invalid[Number(frame)] !== undefined) continue;
      OBJ_FIELDS.forEach((f, i) => {
        if (vals[i] === '') return;
        for (const v of vals[i].split(';')) {
          const c = f === 'cp56time' ? tsharkTime(v) : f === 'ioa' ? v : canon(f, v);
          if (c !== '') push(b, `${s}:${sp}>${d}:${dp} ${f}`, c);
        }
      });
    }
    let t = 0;
    let g = 0;
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(k) ?? [];
      const y = b.get(k) ?? [];
      t += Math.max(x.length, y.length);
      const n = lcs(x, y);
      g += n;
      if (process.env.IEC104_DEBUG !== undefined && n < Math.max(x.length, y.length)) console.log(`${rel} ${k}\n ours   ${x.join(' ')}\n tshark ${y.join(' ')}`);
    }
    total += t;
    agree += g;
    per.push(`${rel}: ${g}/${t}`);
  }
  const pct = (100 * agree) / total;
  console.log(`IEC 104 objects vs tshark: ${agree}/${total} values agree (${pct.toFixed(2)}%)\n  ${per.join('\n  ')}`);
  assert.ok(total > 500, `values compared: ${total}`);
  assert.ok(pct >= 99, `agreement ${pct.toFixed(2)}%`);
});

test('IEC 104: nDPI\'s malformed capture raises bad_start, and every connection still counts as IEC 104', { skip: !HAVE_CORPUS ? 'no corpus' : false }, async () => {
  const r = await runEngine([join(CORPUS, 'ndpi/tests/cfgs/default/pcap/iec60780-5-104.pcap')]);
  const c = r.counters.dissectors.iec104;
  assert.ok((c.events.bad_start ?? 0) >= 4, JSON.stringify(c.events));
  assert.equal(c.internal_errors, 0);
  assert.equal(c.confirmed, c.flows);
  const conns = (r.records.get('conn') ?? []) as Record<string, unknown>[];
  assert.equal(conns.filter((x) => x.service === 'iec104').length, c.flows);
});
