// NTP against tshark on the corpus captures that hold NTP (MANIFEST.md): one `ntp` record per
// message tshark shows, agreeing on the key fields (ntp.flags.mode, ntp.stratum) and on the
// version, leap indicator, poll and precision exponents, root delay and dispersion (raw 16.16
// values), reference id and the four timestamps.
//
// Timestamps: Palisade writes them as Zeek does (NTP seconds - 2208988800, so a value whose
// seconds are small, like a client's uninitialised transmit time, lands before 1970); tshark
// applies RFC 4330's era rule and shows such a value in 2036. Compared after adding 2^32 s to
// ours when it is negative.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;

const FIELDS = [
  'frame.time_epoch', 'ntp.flags.mode', 'ntp.stratum', 'ntp.flags.vn', 'ntp.flags.li', 'ntp.ppoll', 'ntp.precision',
  'ntp.rootdelay', 'ntp.rootdispersion', 'ntp.refid', 'ntp.reftime', 'ntp.org', 'ntp.rec', 'ntp.xmt',
];
const KEY = ['ntp.flags.mode', 'ntp.stratum'];
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/** tshark's absolute time ("Jul 18, 2008 12:34:22.980876772 UTC", or NULL) as seconds since the epoch; 0 for NULL. */
function tsharkTime(s: string): number {
  if (s === 'NULL' || s === '') return 0;
  const m = /^(\w{3}) +(\d+), (\d{4}) (\d\d):(\d\d):(\d\d)\.(\d+) UTC$/.exec(s);
  if (m === null) return Number.NaN;
  return Date.UTC(Number(m[3]), MONTHS.indexOf(m[1]) / 3, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000 + Number(`0.${m[7]}`);
}

function captures(): string[] {
  return manifest().filter((r) => /(^|[\s,])ntp([\s,]|$)/.test(r.protocols)).map((r) => r.path);
}

async function tsharkRows(file: string): Promise<Record<string, string>[]> {
  const args = ['-n', '-r', file, '-Y', 'ntp && !icmp && !icmpv6', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=f'];
  for (const f of FIELDS) args.push('-e', f);
  const { stdout } = await run(TSHARK, args, { maxBuffer: 64 << 20 });
  return stdout.split('\n').filter((l) => l !== '').map((l) => {
    const c = l.split('\t');
    const row: Record<string, string> = {};
    FIELDS.forEach((f, i) => (row[f] = c[i] ?? ''));
    return row;
  });
}

const signed8 = (s: string) => {
  const v = Number(s);
  return v > 127 ? v - 256 : v;
};

test('NTP: one record per message tshark shows, agreeing on mode and stratum and the rest of the header', { skip }, async () => {
  let compared = 0;
  let keyAgree = 0;
  let allAgree = 0;
  const problems: string[] = [];
  for (const rel of captures()) {
    const file = join(CORPUS, rel);
    const rows = await tsharkRows(file);
    const res = await runEngine([file]);
    assert.equal(res.counters.dissectors.ntp?.internal_errors ?? 0, 0);
    const recs = ((res.records.get('ntp') ?? []) as Record<string, unknown>[]).slice().sort((a, b) => (a.ts as number) - (b.ts as number));
    assert.equal(recs.length, rows.length, rel);
    rows.forEach((row, i) => {
      const r = recs[i];
      compared++;
      const diffs: string[] = [];
      const eq = (name: string, ours: unknown, theirs: unknown) => {
        if (ours !== theirs) diffs.push(`${name}: ours ${String(ours)}, tshark ${String(theirs)}`);
      };
      const near = (name: string, ours: number, theirs: number) => {
        const o = ours < 0 ? ours + 4294967296 : ours;
        if (!(Math.abs(o - theirs) < 1e-6)) diffs.push(`${name}: ours ${ours}, tshark ${theirs}`);
      };
      near('ts', r.ts as number, Number(row['frame.time_epoch']));
      eq('ntp.flags.mode', String(r.mode), row['ntp.flags.mode']);
      eq('ntp.stratum', String(r.stratum), row['ntp.stratum']);
      eq('ntp.flags.vn', String(r.version), row['ntp.flags.vn']);
      eq('ntp.flags.li', String(r.leap), row['ntp.flags.li']);
      eq('ntp.ppoll', r.poll, 2 ** signed8(row['ntp.ppoll']));
      eq('ntp.precision', r.precision, 2 ** signed8(row['ntp.precision']));
      eq('ntp.rootdelay', Math.round((r.root_delay as number) * 65536), Number(row['ntp.rootdelay']));
      eq('ntp.rootdispersion', Math.round((r.root_disp as number) * 65536), Number(row['ntp.rootdispersion']));
      // Reference id: 4 bytes (hex in tshark): ours is text (stratum 0/1) or an IPv4 address.
      const refHex = row['ntp.refid'];
      const refBytes = Buffer.from(refHex, 'hex');
      const expected = refBytes.every((b) => b === 0)
        ? undefined
        : (r.stratum as number) <= 1
          ? refBytes.toString('latin1').replace(/\0+$/, '')
          : [...refBytes].join('.');
      eq('ntp.refid', r.ref_id, expected);
      near('ntp.reftime', r.ref_time as number, tsharkTime(row['ntp.reftime']));
      near('ntp.org', r.org_time as number, tsharkTime(row['ntp.org']));
      near('ntp.rec', r.rec_time as number, tsharkTime(row['ntp.rec']));
      near('ntp.xmt', r.xmt_time as number, tsharkTime(row['ntp.xmt']));
      if (!diffs.some((d) => KEY.some((k) => d.startsWith(`${k}:`)))) keyAgree++;
      if (diffs.length === 0) allAgree++;
      else if (problems.length < 20) problems.push(`${rel} #${i}: ${diffs.join('; ')}`);
    });
  }
  console.log(`NTP key fields (${KEY.join(', ')}): ${keyAgree}/${compared} messages agree (${((100 * keyAgree) / compared).toFixed(2)}%); all ${FIELDS.length - 1} fields: ${allAgree}/${compared}`);
  assert.ok(compared >= 50, `messages compared: ${compared}`);
  assert.equal(keyAgree, compared, problems.join('\n'));
  assert.equal(allAgree, compared, problems.join('\n'));
});
