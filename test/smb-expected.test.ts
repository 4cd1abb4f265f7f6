// SMB against the expected outputs other tools keep beside the corpus captures (no Zeek SMB
// baseline is in the corpus):
// - suricata-verify tests/smb1-01/test.yaml (MIT) on zeek/testing/btest/Traces/smb/smb1.pcap
//   (the same capture, SHA-256 481b693d…): 7 CREATE, 7 CLOSE, 2 FIND (SMB2 QUERY_DIRECTORY),
//   1 READ, all STATUS_SUCCESS; one CREATE and one READ of "Test\2009-12 Payroll.xlsx" in
//   session 4398046511153, tree 1, disposition FILE_OPEN; the file is 25940 bytes. Suricata
//   makes no transaction of QUERY_INFO (its GET_INFO count is 0), so its 17 transactions are
//   Palisade's records less the 4 QUERY_INFO ones.
// - suricata-verify tests/output-eve-smb-01/test.yaml: 5 smb events (Palisade: 5 smb records).
// - arkime tests/pcap/wireshark-smb-on-windows10.test (Apache-2.0): six connections to port
//   445 with dialect "SMB 3.1.1"; the one from port 49675 maps \\192.168.199.133\IPC$ and
//   opens srvsvc.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';

type Rec = Record<string, unknown>;

test('suricata-verify smb1-01: commands, the Payroll file, session, tree and size', { skip: !HAVE_CORPUS }, async () => {
  const r = await runEngine([join(CORPUS, 'zeek/testing/btest/Traces/smb/smb1.pcap')]);
  const smb = (r.records.get('smb') ?? []) as Rec[];
  const count = (c: string) => smb.filter((o) => o.command === c && o.status === 'STATUS_SUCCESS').length;
  assert.deepEqual([count('CREATE'), count('CLOSE'), count('QUERY_DIRECTORY'), count('READ'), count('QUERY_INFO')], [7, 7, 2, 1, 4]);
  assert.equal(smb.length - count('QUERY_INFO'), 17);
  const payroll = 'Test\\2009-12 Payroll.xlsx';
  const creates = smb.filter((o) => o.command === 'CREATE' && o.file_name === payroll);
  assert.ok(creates.length >= 1);
  for (const o of creates) assert.deepEqual([BigInt(o.session_id as string), o.tree_id, o.disposition], [4398046511153n, 1, 'FILE_OPEN']);
  const read = smb.filter((o) => o.command === 'READ');
  assert.deepEqual(read.map((o) => [o.file_name, BigInt(o.session_id as string), o.tree_id, o.data_len]), [[payroll, 4398046511153n, 1, 25940]]);
  const files = ((r.records.get('smb_files') ?? []) as Rec[]).filter((o) => o.name === payroll);
  assert.deepEqual(files.map((o) => [o.action, o.size]), [['FILE_OPEN', 25940]]);
});

test('suricata-verify output-eve-smb-01: five smb records', { skip: !HAVE_CORPUS }, async () => {
  const r = await runEngine([join(CORPUS, 'suricata-verify/tests/output-eve-smb-01/input.pcap')]);
  assert.equal((r.records.get('smb') ?? []).length, 5);
});

test('arkime wireshark-smb-on-windows10: dialect 3.1.1 on six connections, IPC$ and srvsvc', { skip: !HAVE_CORPUS }, async () => {
  const r = await runEngine([join(CORPUS, 'arkime/tests/pcap/wireshark-smb-on-windows10.pcap')]);
  const smb = ((r.records.get('smb') ?? []) as Rec[]).filter((o) => o['id.resp_p'] === 445);
  const dialects = new Map<number, string>();
  for (const o of smb) if (o.command === 'NEGOTIATE_PROTOCOL' && o.status === 'STATUS_SUCCESS' && o.dialect === '3.1.1') dialects.set(o['id.orig_p'] as number, '3.1.1');
  assert.deepEqual([...dialects.keys()].sort(), [49670, 49671, 49672, 49673, 49674, 49675]);
  const maps = ((r.records.get('smb_mapping') ?? []) as Rec[]).filter((o) => o['id.resp_p'] === 445);
  assert.deepEqual(maps.map((o) => [o['id.orig_p'], o.path]), [[49675, '\\\\192.168.199.133\\IPC$']]);
  const opens = smb.filter((o) => o.command === 'CREATE' && o.status === 'STATUS_SUCCESS').map((o) => [o['id.orig_p'], o.file_name]);
  assert.deepEqual(opens, [[49675, 'srvsvc']]);
});
