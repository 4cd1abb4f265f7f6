// MQTT against three independent sources on the corpus:
//  1. Zeek's btest baselines (mqtt_connect.log, mqtt_publish.log, mqtt_subscribe.log of
//     zeek/testing/btest/Traces/mqtt.pcap): every row maps to one of our records of the same
//     type on the same connection, and every column Zeek logs agrees (ts and uid excepted:
//     the baselines mask ts, and uids are per run);
//  2. tshark: on every corpus capture with MQTT (MANIFEST.md Protocols column, plus nDPI's
//     coap_mqtt.pcap whose MQTT runs on port 17501, decoded by tshark with -d), per control
//     packet the type (mqtt.msgtype) and topic(s) (mqtt.topic) agree, ≥ 99% of packets;
//  3. suricata-verify: every `event_type: mqtt` and `anomaly` check of the tests/mqtt*
//     test.yaml files holds on our records and events (fields mapped in SURICATA_FIELDS).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';
import { readZeekLog } from './support/zeek-log.ts';

const run = promisify(execFile);
const skipCorpus = HAVE_CORPUS ? false : 'corpus not found';
type Rec = Record<string, unknown>;

function connKey(r: Rec | Record<string, string>): string {
  return `${r['id.orig_h']}:${r['id.orig_p']}>${r['id.resp_h']}:${r['id.resp_p']}`;
}

/** A record value as Zeek's ASCII writer prints it (vectors joined by ",", bools T/F, unset "-"). */
function zeekText(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (Array.isArray(v)) return v.length === 0 ? '(empty)' : v.map(String).join(',');
  return String(v);
}

test('Zeek baselines: mqtt_connect, mqtt_publish, mqtt_subscribe rows agree column by column', { skip: skipCorpus }, async () => {
  const trace = join(CORPUS, 'zeek/testing/btest/Traces/mqtt.pcap');
  const base = join(CORPUS, 'zeek/testing/btest/Baseline');
  const r = await runEngine([trace]);
  let rows = 0;
  for (const type of ['mqtt_connect', 'mqtt_publish', 'mqtt_subscribe']) {
    const zeek = readZeekLog(join(base, 'scripts.base.protocols.mqtt.mqtt', `${type}.log`));
    const ours = (r.records.get(type) ?? []) as Rec[];
    assert.equal(ours.length, zeek.length, `${type}: ${ours.length} records, Zeek has ${zeek.length} rows`);
    const left = [...ours];
    for (const z of zeek) {
      const columns = Object.keys(z).filter((c) => c !== 'ts' && c !== 'uid');
      const i = left.findIndex((o) => connKey(o) === connKey(z) && columns.every((c) => zeekText(o[c]) === z[c]));
      assert.ok(i >= 0, `${type}: no record matches Zeek row ${JSON.stringify(z)}\nours: ${JSON.stringify(left)}`);
      left.splice(i, 1);
      rows++;
    }
  }
  assert.equal(rows, 6);
  // The payload-cap test runs Zeek with MQTT::max_payload_size = 8: our payload (100 bytes kept)
  // starts with Zeek's, and payload_len is the full length in both.
  const capped = readZeekLog(join(base, 'scripts.base.protocols.mqtt.mqtt-payload-cap', 'mqtt_publish.log'));
  const ours = (r.records.get('mqtt_publish') ?? []) as Rec[];
  assert.equal(capped.length, ours.length);
  for (const z of capped) {
    const o = ours.find((x) => connKey(x) === connKey(z) && zeekText(x.from_client) === z.from_client && String(x.payload).startsWith(z.payload));
    assert.ok(o !== undefined, `payload-cap row ${JSON.stringify(z)}`);
    assert.equal(String(o.payload_len), z.payload_len);
  }
});

// ---- tshark ----

interface Pdu {
  key: string;
  type: number;
  topics: string[];
}

function xmlAttr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return m?.[1];
}

function hexText(h: string): string {
  const b = new Uint8Array(h.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return new TextDecoder().decode(b);
}

/** tshark's MQTT packets of a capture (PDML), with the direction they travelled. */
async function tsharkPdus(file: string, decodeAs: string[]): Promise<Pdu[]> {
  const args = ['-n', '-r', file, ...decodeAs, '-Y', 'mqtt', '-T', 'pdml'];
  const { stdout } = await run(TSHARK, args, { maxBuffer: 512 << 20 });
  const out: Pdu[] = [];
  for (const packet of stdout.split('<packet>').slice(1)) {
    let src = '';
    let dst = '';
    let sport = '';
    let dport = '';
    let cur: Pdu | null = null;
    for (const line of packet.split('\n')) {
      const t = line.trim();
      if (t.startsWith('<proto name="mqtt"')) {
        cur = { key: '', type: -1, topics: [] };
        out.push(cur);
        continue;
      }
      if (!t.startsWith('<field ')) continue;
      const name = xmlAttr(t, 'name');
      if (name === 'ip.src' || name === 'ipv6.src') src = xmlAttr(t, 'show')!;
      else if (name === 'ip.dst' || name === 'ipv6.dst') dst = xmlAttr(t, 'show')!;
      else if (name === 'tcp.srcport') sport = xmlAttr(t, 'show')!;
      else if (name === 'tcp.dstport') dport = xmlAttr(t, 'show')!;
      else if (cur !== null && name === 'mqtt.msgtype') cur.type = Number(xmlAttr(t, 'show'));
      else if (cur !== null && name === 'mqtt.topic') cur.topics.push(hexText(xmlAttr(t, 'value') ?? ''));
    }
    for (const p of out) if (p.key === '') p.key = `${src}:${sport}>${dst}:${dport}`;
  }
  return out;
}

/** Our `mqtt` records as the same (direction, type, topics) triples. */
function ourPdus(records: Rec[]): Pdu[] {
  return records.map((r) => {
    const o = `${r['id.orig_h']}:${r['id.orig_p']}`;
    const p = `${r['id.resp_h']}:${r['id.resp_p']}`;
    const topics = r.topics !== undefined ? (r.topics as string[]) : r.topic !== undefined ? [r.topic as string] : [];
    return { key: r.is_orig ? `${o}>${p}` : `${p}>${o}`, type: r.msg_type_code as number, topics };
  });
}

/** Length of the longest common subsequence of two token lists (packets in the same order). */
function lcs(a: string[], b: string[]): number {
  const prev = new Array<number>(b.length + 1).fill(0);
  const cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    for (let j = 0; j <= b.length; j++) prev[j] = cur[j];
  }
  return prev[b.length];
}

const token = (p: Pdu) => `${p.type}|${p.topics.join('\u0001')}`;

/** Captures whose MQTT runs on a port tshark does not decode as MQTT by itself. */
const DECODE_AS: Record<string, string[]> = {
  'ndpi/tests/cfgs/default/pcap/coap_mqtt.pcap': ['-d', 'tcp.port==17501,mqtt'],
};

test('tshark: msgtype and topic agree on ≥ 99% of MQTT packets of every corpus capture', { skip: skipCorpus || (!HAVE_TSHARK && 'tshark not installed') }, async (t) => {
  const files = manifest().filter((m) => /\bmqtt\b/.test(m.protocols)).map((m) => m.path);
  for (const f of Object.keys(DECODE_AS)) if (!files.includes(f)) files.push(f);
  assert.ok(files.length >= 30, `${files.length} MQTT captures`);
  let total = 0;
  let agree = 0;
  const report: string[] = [];
  for (const f of files) {
    const path = join(CORPUS, f);
    const theirs = await tsharkPdus(path, DECODE_AS[f] ?? []);
    const r = await runEngine([path]);
    const ours = ourPdus((r.records.get('mqtt') ?? []) as Rec[]);
    const keys = new Set([...theirs.map((p) => p.key), ...ours.map((p) => p.key)]);
    let fileAgree = 0;
    let fileTotal = 0;
    for (const k of keys) {
      const a = theirs.filter((p) => p.key === k).map(token);
      const b = ours.filter((p) => p.key === k).map(token);
      fileAgree += lcs(a, b);
      fileTotal += Math.max(a.length, b.length);
    }
    total += fileTotal;
    agree += fileAgree;
    if (fileAgree !== fileTotal) report.push(`${f}: ${fileAgree}/${fileTotal}`);
  }
  const pct = (100 * agree) / total;
  t.diagnostic(`${files.length} captures, ${total} packets, ${agree} agree (${pct.toFixed(2)}%)`);
  assert.ok(total >= 400, `${total} packets compared`);
  assert.ok(pct >= 99, `agreement ${pct.toFixed(2)}% (${agree}/${total}):\n${report.join('\n')}`);
  assert.deepEqual(report, [], 'every packet agrees (no tshark bug to list)');
});

// ---- suricata-verify ----

type Yaml = string | number | boolean | Yaml[] | { [k: string]: Yaml };

/** A YAML flow value as suricata-verify writes them: numbers, booleans, strings, [..] and {k: v}. */
function flowValue(s: string): Yaml {
  s = s.trim();
  if (s.startsWith('[')) return splitFlow(s.slice(1, -1)).map(flowValue);
  if (s.startsWith('{')) {
    const o: Record<string, Yaml> = {};
    for (const part of splitFlow(s.slice(1, -1))) {
      const i = part.indexOf(':');
      o[part.slice(0, i).trim()] = flowValue(part.slice(i + 1));
    }
    return o;
  }
  if (s.startsWith('"') && s.endsWith('"')) return s.slice(1, -1);
  if (s === 'true' || s === 'false') return s === 'true';
  if (/^-?\d+$/.test(s)) return Number(s);
  return s;
}

function splitFlow(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (s.slice(start).trim() !== '') out.push(s.slice(start));
  return out;
}

interface Check {
  count: number;
  match: Record<string, Yaml>;
}

/** The `pcap:` and `checks: - filter: {count, match}` of a suricata-verify test.yaml. */
function readTestYaml(path: string): { pcap?: string; checks: Check[] } {
  const checks: Check[] = [];
  let pcap: string | undefined;
  let cur: Check | null = null;
  let inMatch = false;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/\s+#.*$/, '');
    const t = line.trim();
    if (t === '') continue;
    if (/^pcap:/.test(line)) pcap = t.slice(5).trim();
    if (t === '- filter:') {
      cur = { count: -1, match: {} };
      checks.push(cur);
      inMatch = false;
      continue;
    }
    if (cur === null) continue;
    if (/^\S/.test(line) || (t.startsWith('- ') && t !== '- filter:')) {
      cur = null;
      continue;
    }
    const i = t.indexOf(':');
    if (i < 0) continue;
    const k = t.slice(0, i);
    const v = t.slice(i + 1).trim();
    if (k === 'count') cur.count = Number(v);
    else if (k === 'match') inMatch = true;
    else if (inMatch && v !== '') cur.match[k] = flowValue(v);
    else inMatch = false;
  }
  return { pcap, checks };
}

/** Suricata's EVE mqtt keys that name a packet type (mqtt.<type>.…) → our msg_type. */
const SURI_TYPES = new Set(['connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback', 'unsubscribe', 'unsuback', 'disconnect', 'auth', 'pingreq', 'pingresp']);

/**
 * Keys not compared, with the reason: the password (never recorded), Suricata's message
 * truncation (its max-msg-length setting; we keep 100 payload bytes and the full length).
 */
const NOT_COMPARED = new Set(['mqtt.connect.password', 'mqtt.publish.truncated', 'mqtt.publish.skipped_length']);

interface Packet {
  rec: Rec;
  conn?: Rec;
  pub?: Rec;
}

const utf8Len = (t: string) => new TextEncoder().encode(t).length;

/**
 * Our value against Suricata's: strings equal, or, where Suricata's string-log-limit cut its
 * string ("abc[truncated 7 additional bytes]"), ours starts with the kept part and has the full
 * length; lists and objects element by element.
 */
function same(actual: unknown, want: Yaml): boolean {
  if (typeof want === 'string') {
    if (typeof actual !== 'string') return false;
    const m = /^(.*)\[truncated (\d+) additional bytes\]$/s.exec(want);
    if (m === null) return actual === want;
    return actual.startsWith(m[1]) && utf8Len(actual) === utf8Len(m[1]) + Number(m[2]);
  }
  if (Array.isArray(want)) return Array.isArray(actual) && actual.length === want.length && want.every((w, i) => same(actual[i], w));
  if (typeof want === 'object') {
    if (typeof actual !== 'object' || actual === null) return false;
    return Object.entries(want).every(([k, w]) => same((actual as Rec)[k], w));
  }
  return actual === want;
}

/** Whether a property "name=value" of ours matches Suricata's properties.<name>. */
function hasProperty(list: unknown, name: string, want: Yaml): boolean {
  if (!Array.isArray(list)) return false;
  return list.some((e: string) => e.startsWith(`${name}=`) && same(e.slice(name.length + 1), typeof want === 'number' ? String(want) : want));
}

/** Whether one Suricata key/value holds for one of our packets of its type ('skip': not mapped). */
function holds(p: Packet, field: string, want: Yaml): boolean | 'skip' {
  const r = p.rec;
  const c = p.conn ?? {};
  if (field === 'qos' || field === 'retain' || field === 'dup') return r[field] === want;
  if (field === 'message_id') return r.packet_id === want;
  if (field.startsWith('properties.')) return hasProperty(r.properties, field.slice(11), want);
  if (field.startsWith('will.properties.')) return hasProperty(c.will_properties, field.slice(16), want);
  switch (field) {
    case 'protocol_string': return same(c.proto_name, want);
    case 'protocol_version': return c.proto_level === want;
    case 'client_id': return same(c.client_id, want);
    case 'username': return same(c.username, want);
    case 'flags.username': return (c.username !== undefined) === want;
    case 'flags.password': return c.has_password === want;
    case 'flags.will': return (c.will_topic !== undefined) === want;
    case 'flags.will_retain': return (c.will_retain ?? false) === want;
    case 'flags.clean_session': return c.clean_session === want;
    case 'will.topic': return same(c.will_topic, want);
    case 'will.message': return same(c.will_payload, want);
    case 'session_present': return c.session_present === want;
    case 'return_code': return r.reason_code === want;
    case 'reason_code':
      // Suricata's parse_disconnect reads the reason code of a DISCONNECT with remaining
      // length 1 and then reports 0; MQTT 5 §3.14.2.1 (and tshark) take the byte: the
      // DISCONNECTs of mqtt5-sub-userpass frame 11, mqtt5-unsub-qos1 frame 17 and
      // mqtt5-unsub-qos2 frame 15 carry 0x04 (Disconnect with Will Message).
      if (r.msg_type === 'disconnect' && r.length === 1 && want === 0) return r.reason_code === 4;
      return (r.reason_code ?? 0) === want;
    case 'topic': return same(r.topic, want);
    case 'topics': {
      const topics = (r.topics ?? []) as string[];
      const withQos = Array.isArray(want) && typeof want[0] === 'object';
      return same(withQos ? topics.map((t, i) => ({ topic: t, qos: (r.qos_levels as number[])[i] })) : topics, want);
    }
    case 'qos_granted':
    case 'reason_codes':
      return same(r.reason_codes, want);
    case 'message': {
      // We keep the first 100 payload bytes (Zeek's max_payload_size) and the full length.
      const payload = p.pub?.payload;
      const text = String(want);
      const m = /^(.*)\[truncated (\d+) additional bytes\]$/s.exec(text);
      const full = m === null ? utf8Len(text) : utf8Len(m[1]) + Number(m[2]);
      const shown = m === null ? text : m[1];
      if (typeof payload !== 'string' || p.pub?.payload_len !== full) return false;
      return shown.length <= payload.length ? payload.startsWith(shown) : shown.startsWith(payload) && payload.length === 100;
    }
    default:
      return 'skip';
  }
}

test('suricata-verify: the mqtt and anomaly checks of every tests/mqtt* test hold', { skip: skipCorpus }, async (t) => {
  const dir = join(CORPUS, 'suricata-verify/tests');
  let compared = 0;
  let tests = 0;
  const unknownKeys = new Set<string>();
  for (const name of readdirSync(dir).filter((n) => n.startsWith('mqtt')).sort()) {
    const yaml = join(dir, name, 'test.yaml');
    if (!existsSync(yaml)) continue;
    const t = readTestYaml(yaml);
    const pcap = t.pcap !== undefined ? join(dirname(yaml), t.pcap) : readdirSync(join(dir, name)).filter((f) => f.endsWith('.pcap')).map((f) => join(dir, name, f))[0];
    if (pcap === undefined || !existsSync(pcap)) continue;
    const r = await runEngine([pcap]);
    tests++;
    const mqtt = (r.records.get('mqtt') ?? []) as Rec[];
    const connects = (r.records.get('mqtt_connect') ?? []) as Rec[];
    const publishes = (r.records.get('mqtt_publish') ?? []) as Rec[];
    const packets: Packet[] = mqtt.map((rec) => ({
      rec,
      conn: connects.find((c) => c.uid === rec.uid),
      pub: rec.msg_type === 'publish' ? publishes.find((x) => x.uid === rec.uid && x.ts === rec.ts && x.topic === rec.topic) : undefined,
    }));
    const events = r.counters.dissectors.mqtt?.events ?? {};
    for (const check of t.checks) {
      const m = check.match;
      if (m.event_type === 'anomaly') {
        assert.equal(events[String(m['anomaly.event'])] ?? 0, check.count, `${name}: anomaly ${m['anomaly.event']}`);
        compared++;
        continue;
      }
      if (m.event_type !== 'mqtt') continue;
      // Keys by packet type; the first type is the transaction's, counted.
      const byType = new Map<string, [string, Yaml][]>();
      // A check with keys not compared matches more of our packets: its count is not exact.
      let exact = true;
      for (const [k, v] of Object.entries(m)) {
        if (!k.startsWith('mqtt.')) continue;
        if (NOT_COMPARED.has(k)) {
          exact = false;
          continue;
        }
        const [, type, ...rest] = k.split('.');
        if (!SURI_TYPES.has(type)) continue;
        if (!byType.has(type)) byType.set(type, []);
        byType.get(type)!.push([rest.join('.'), v]);
      }
      let first = true;
      for (const [type, kvs] of byType) {
        const matching = packets.filter((p) => p.rec.msg_type === type && kvs.every(([f, v]) => {
          const h = holds(p, f, v);
          if (h === 'skip') unknownKeys.add(`mqtt.${type}.${f}`);
          return h !== false;
        }));
        if (first && exact && check.count >= 0) assert.equal(matching.length, check.count, `${name}: ${type} ${JSON.stringify(kvs)}`);
        else if (check.count !== 0) assert.ok(matching.length >= 1, `${name}: ${type} ${JSON.stringify(kvs)}`);
        first = false;
        compared += kvs.length;
      }
    }
  }
  t.diagnostic(`${tests} tests, ${compared} values compared`);
  assert.deepEqual([...unknownKeys], [], 'every Suricata key is mapped');
  assert.ok(compared >= 600, `${compared} values compared`);
});
