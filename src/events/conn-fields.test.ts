import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONN_ZEEK_FIELDS } from './conn-fields.ts';

// Pins conn.log's columns: Zeek 8's Conn::Info order, Zeek's optional policy fields, then
// Palisade's. Released names, types and order do not change; new fields go at the end.
const PINNED = [
  'ts time', 'uid string', 'id.orig_h addr', 'id.orig_p port', 'id.resp_h addr', 'id.resp_p port',
  'proto enum', 'service string', 'duration interval', 'orig_bytes count', 'resp_bytes count',
  'conn_state string', 'local_orig bool', 'local_resp bool', 'missed_bytes count', 'history string',
  'orig_pkts count', 'orig_ip_bytes count', 'resp_pkts count', 'resp_ip_bytes count',
  'tunnel_parents set[string]', 'ip_proto count',
  'orig_l2_addr string', 'resp_l2_addr string', 'vlan int', 'inner_vlan int', 'community_id string',
  'orig_l2_bytes count', 'resp_l2_bytes count',
    'orig_ttl count',
    'resp_ttl count',
    'orig_syn_window count',
    'resp_syn_window count',
];

test('conn columns are pinned', () => {
  assert.deepEqual(CONN_ZEEK_FIELDS.map((f) => `${f.name} ${f.type}`), PINNED);
});

test('docs/records/conn.md documents every conn column with its type', () => {
  const doc = readFileSync(new URL('../../docs/records/conn.md', import.meta.url), 'utf8');
  for (const f of CONN_ZEEK_FIELDS) {
    assert.ok(doc.includes(`| \`${f.name}\` | ${f.type} |`), `docs/records/conn.md lacks a row for ${f.name} (${f.type})`);
  }
});
