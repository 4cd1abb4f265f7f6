// Login outcomes on real captures, each checked against what the capture holds (tshark's
// view of the same frames, written out below with the frame numbers):
// - SMB2 + NTLM failures and a success: arkime/tests/pcap/wireshark-smb-on-windows10.pcap
//   (Apache-2.0). tshark: frames 46, 56, 66, 76 are SESSION_SETUP responses with
//   0xc000006d (STATUS_LOGON_FAILURE) to AUTHENTICATE messages of user "user", domain and
//   host DESKTOP-2AEFM7G (frames 45, 55, 65, 75); frame 88 fails "Tim Tester" (frame 87);
//   frame 100 answers "Willi Wireshark" (frame 99) with STATUS_SUCCESS, and frame 21 the
//   anonymous SMB1 login (user NULL, frame 20) to SCV on port 139.
// - SMB1 + NTLM success: arkime/tests/pcap/smb-smb1-ascii.pcap (Apache-2.0): user
//   Administrator, domain LAB, host THEHOSTNAMEHEREX (Arkime's expected output,
//   smb-smb1-ascii.test, lists the same user, domain and host), status 0 in frame 13.
// - Kerberos KDC_ERR_PREAUTH_FAILED, KDC_ERR_C_PRINCIPAL_UNKNOWN and a success: the shared
//   corpus has no Kerberos capture, so these come from the fixture made with MIT Kerberos
//   (src/protocols/kerberos/fixtures/SOURCES.md); tshark shows error codes 24, 6 and 18 and
//   the AS-REPs there.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';

type Rec = Record<string, unknown>;

test('SMB2/NTLM: four STATUS_LOGON_FAILURE logins of "user", one of "Tim Tester", a success of "Willi Wireshark"', { skip: !HAVE_CORPUS }, async () => {
  const r = await runEngine([join(CORPUS, 'arkime/tests/pcap/wireshark-smb-on-windows10.pcap')]);
  const ntlm = (r.records.get('ntlm') ?? []) as Rec[];
  const outcome = ntlm.map((o) => `${o.username ?? '-'}|${o.domainname ?? '-'}|${o.hostname}|${o.success}|${o.status}`);
  assert.deepEqual(outcome, [
    '-|-|DESKTOP-V1FA0UQ|true|STATUS_SUCCESS',
    'user|DESKTOP-2AEFM7G|DESKTOP-2AEFM7G|false|STATUS_LOGON_FAILURE',
    'user|DESKTOP-2AEFM7G|DESKTOP-2AEFM7G|false|STATUS_LOGON_FAILURE',
    'user|DESKTOP-2AEFM7G|DESKTOP-2AEFM7G|false|STATUS_LOGON_FAILURE',
    'user|DESKTOP-2AEFM7G|DESKTOP-2AEFM7G|false|STATUS_LOGON_FAILURE',
    'Tim Tester|DESKTOP-2AEFM7G|DESKTOP-2AEFM7G|false|STATUS_LOGON_FAILURE',
    'Willi Wireshark|DESKTOP-2AEFM7G|DESKTOP-2AEFM7G|true|STATUS_SUCCESS',
  ]);
  assert.ok(ntlm.every((o) => o.status_code === (o.success ? 0 : 0xc000006d)));
  // The smb records of the final session setups say the same.
  const setups = ((r.records.get('smb') ?? []) as Rec[]).filter((o) => o.login_success !== undefined);
  assert.deepEqual(setups.map((o) => `${o.version}|${o.status}|${o.login_success}`), [
    'SMB1|STATUS_SUCCESS|true',
    'SMB2|STATUS_LOGON_FAILURE|false',
    'SMB2|STATUS_LOGON_FAILURE|false',
    'SMB2|STATUS_LOGON_FAILURE|false',
    'SMB2|STATUS_LOGON_FAILURE|false',
    'SMB2|STATUS_LOGON_FAILURE|false',
    'SMB2|STATUS_SUCCESS|true',
  ]);
  // The successful session maps IPC$ and opens the srvsvc pipe.
  const maps = (r.records.get('smb_mapping') ?? []) as Rec[];
  assert.deepEqual(maps.map((o) => `${o.path}|${o.share_type}`), ['\\\\SCV\\IPC$|PIPE', '\\\\192.168.199.133\\IPC$|PIPE']);
});

test('SMB1/NTLM: Administrator of LAB logs in from THEHOSTNAMEHEREX (as Arkime expects)', { skip: !HAVE_CORPUS }, async () => {
  const r = await runEngine([join(CORPUS, 'arkime/tests/pcap/smb-smb1-ascii.pcap')]);
  const ntlm = (r.records.get('ntlm') ?? []) as Rec[];
  assert.equal(ntlm.length, 1);
  assert.deepEqual([ntlm[0].username, ntlm[0].domainname, ntlm[0].hostname, ntlm[0].success, ntlm[0].status],
    ['Administrator', 'LAB', 'THEHOSTNAMEHEREX', true, 'STATUS_SUCCESS']);
  const smb = (r.records.get('smb') ?? []) as Rec[];
  // Arkime: dialect "NT LM 0.12", os "Windows 2000 2195", version "Windows 2000 5.0", shares ADMIN$ and IPC$, file XXXXXXXX.exe
  assert.equal(smb[0].dialect, 'NT LM 0.12');
  const setup = smb.find((o) => o.command === 'SESSION_SETUP_ANDX' && o.login_success === true)!;
  assert.deepEqual([setup.client_native_os, setup.client_native_lanman], ['Windows 2000 2195', 'Windows 2000 5.0']);
  const maps = ((r.records.get('smb_mapping') ?? []) as Rec[]).map((o) => o.path).sort();
  assert.deepEqual(maps, ['\\\\10.10.0.2\\ADMIN$', '\\\\10.10.0.2\\IPC$']);
  const files = (r.records.get('smb_files') ?? []) as Rec[];
  assert.deepEqual(files.map((o) => `${o.action}|${o.path}|${o.name}`), ['FILE_OPEN|\\\\10.10.0.2\\ADMIN$|\\XXXXXXXX.exe']);
});

test('Kerberos: KDC_ERR_PREAUTH_FAILED, KDC_ERR_C_PRINCIPAL_UNKNOWN, lock-out and successful logins', async () => {
  const r = await runEngine([fileURLToPath(new URL('../src/protocols/kerberos/fixtures/mit-kdc.pcap', import.meta.url))]);
  const k = ((r.records.get('kerberos') ?? []) as Rec[]).filter((o) => o.request_type === 'AS');
  assert.deepEqual(k.map((o) => `${o.client}|${o.success}|${o.error_code ?? ''}|${o.error_name ?? ''}`), [
    'alice/PALISADE.TEST|true||',
    'alice/PALISADE.TEST|false|24|KDC_ERR_PREAUTH_FAILED',
    'mallory/PALISADE.TEST|false|6|KDC_ERR_C_PRINCIPAL_UNKNOWN',
    'bob/PALISADE.TEST|false|24|KDC_ERR_PREAUTH_FAILED',
    'bob/PALISADE.TEST|false|24|KDC_ERR_PREAUTH_FAILED',
    'bob/PALISADE.TEST|false|18|KDC_ERR_CLIENT_REVOKED',
    'alice/PALISADE.TEST|true||',
    'alice/PALISADE.TEST|false|24|KDC_ERR_PREAUTH_FAILED',
  ]);
  // kinit -f -r 2d asked for a forwardable, renewable ticket; kinit -F for neither.
  assert.deepEqual([k[0].forwardable, k[0].renewable, k[6].forwardable], [true, true, false]);
});
