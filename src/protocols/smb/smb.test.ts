// SMB on byte arrays written from the specifications: RFC 1002 (NetBIOS session messages),
// MS-SMB2 2.2 (header, NEGOTIATE with contexts, SESSION_SETUP with SPNEGO/NTLM, TREE_CONNECT,
// CREATE, READ, WRITE, IOCTL, SET_INFO, CLOSE, compound chains, transform header) and
// MS-CIFS / MS-SMB (SMB1 NEGOTIATE, SESSION_SETUP_ANDX, TREE_CONNECT_ANDX, AndX chains):
// records, pairing, login outcomes, probing, truncation at every offset, segmentation,
// malformed input, caps, fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { ntlm } from '../ntlm/index.ts';
import { probeSmb, smb } from './index.ts';
import { MAX_KEEP, MAX_PENDING } from './session.ts';

const KIDS = { children: [ntlm], flow: { respP: 445 } };

const utf16 = (s: string) => {
  const b = new Uint8Array(2 * s.length);
  for (let i = 0; i < s.length; i++) {
    b[2 * i] = s.charCodeAt(i) & 0xff;
    b[2 * i + 1] = s.charCodeAt(i) >> 8;
  }
  return b;
};
const le16 = (n: number) => Uint8Array.of(n & 0xff, n >> 8);
const le32 = (n: number) => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
const le64 = (n: number) => concat(le32(n % 4294967296), le32(Math.floor(n / 4294967296)));

/** NetBIOS session message (RFC 1002 4.3.6): type 0, 24-bit length (MS-SMB2 2.1 direct TCP). */
function nbss(...parts: Uint8Array[]): Uint8Array {
  const body = concat(...parts);
  return concat(Uint8Array.of(0, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff), body);
}

interface H2 {
  cmd: number;
  resp?: boolean;
  status?: number;
  msgId: number;
  tree?: number;
  session?: number;
  next?: number;
  flags?: number;
}

/** The SMB2 sync header (MS-SMB2 2.2.1.2), 64 bytes. */
function h2(h: H2): Uint8Array {
  return concat(
    hex`fe 53 4d 42`, // ProtocolId
    hex`40 00`, // StructureSize 64
    hex`01 00`, // CreditCharge
    le32(h.status ?? 0), // Status (requests: ChannelSequence/Reserved)
    le16(h.cmd), // Command
    hex`01 00`, // CreditRequest/Response
    le32((h.flags ?? 0) | (h.resp ? 1 : 0)), // Flags (SERVER_TO_REDIR for responses)
    le32(h.next ?? 0), // NextCommand
    le64(h.msgId), // MessageId
    hex`00 00 00 00`, // Reserved
    le32(h.tree ?? 0), // TreeId
    le64(h.session ?? 0), // SessionId
    new Uint8Array(16), // Signature
  );
}

// NEGOTIATE request (2.2.3) offering 2.0.2, 2.1, 3.0, 3.0.2 and 3.1.1, with two contexts.
const negCtxs = concat(
  hex`02 00 06 00 00 00 00 00`, // ENCRYPTION_CAPABILITIES, DataLength 6
  hex`02 00 02 00 01 00`, // CipherCount 2: AES-128-GCM, AES-128-CCM
  hex`00 00`, // padding to 8
  hex`05 00 0c 00 00 00 00 00`, utf16('plc-01'), // NETNAME_NEGOTIATE_CONTEXT_ID "plc-01"
);
const negReqBody = concat(
  hex`24 00`, // StructureSize 36
  hex`05 00`, // DialectCount 5
  hex`01 00`, // SecurityMode: signing enabled
  hex`00 00`, // Reserved
  hex`7f 00 00 00`, // Capabilities: DFS, LEASING, LARGE_MTU, MULTI_CHANNEL, PERSISTENT_HANDLES, DIRECTORY_LEASING, ENCRYPTION
  hex`00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff`, // ClientGuid
  hex`70 00 00 00`, // NegotiateContextOffset 112 (64 + 36 + 10 dialects + 2 padding)
  hex`02 00 00 00`, // NegotiateContextCount 2, Reserved2
  hex`02 02 10 02 00 03 02 03 11 03`, // Dialects 0x0202 0x0210 0x0300 0x0302 0x0311
  hex`00 00`, // padding to 8
  negCtxs,
);
const negReq = nbss(h2({ cmd: 0, msgId: 0 }), negReqBody);
const negResp = nbss(h2({ cmd: 0, resp: true, msgId: 0 }), concat(
  hex`41 00`, // StructureSize 65
  hex`03 00`, // SecurityMode: signing enabled and required
  hex`11 03`, // DialectRevision 3.1.1
  hex`00 00`, // NegotiateContextCount 0
  hex`10 32 54 76 98 ba dc fe 01 23 45 67 89 ab cd ef`, // ServerGuid
  hex`2f 00 00 00`, // Capabilities: DFS, LEASING, LARGE_MTU, MULTI_CHANNEL, DIRECTORY_LEASING
  hex`00 00 80 00  00 00 80 00  00 00 80 00`, // MaxTransact/Read/WriteSize
  new Uint8Array(16), // SystemTime, ServerStartTime
  hex`80 00 00 00`, // SecurityBufferOffset 128, SecurityBufferLength 0
  hex`00 00 00 00`, // NegotiateContextOffset
));

/** A minimal NTLMSSP message of `type` (NEGOTIATE 1, CHALLENGE 2, AUTHENTICATE 3 with user "eng" of PLANT from "WS7"). */
function ntlmMsg(type: number): Uint8Array {
  if (type === 1) return hex`4e544c4d53535000 01000000 07820000 0000000000000000 0000000000000000`;
  if (type === 2) {
    const ti = concat(hex`01 00 06 00`, utf16('FS1'), hex`00 00 00 00`);
    return concat(hex`4e544c4d53535000 02000000 0000000038000000 01828000 0123456789abcdef 0000000000000000`, le16(ti.length), le16(ti.length), le32(56), hex`0000000000000000`, ti);
  }
  const d = utf16('PLANT');
  const u = utf16('eng');
  const w = utf16('WS7');
  const nt = new Uint8Array(40);
  const base = 64;
  const f = (n: number, o: number) => concat(le16(n), le16(n), le32(o));
  return concat(hex`4e544c4d53535000 03000000`, f(0, base), f(nt.length, base), f(d.length, base + nt.length),
    f(u.length, base + nt.length + d.length), f(w.length, base + nt.length + d.length + u.length), f(0, base), hex`01820000`, nt, d, u, w);
}

function setupReq(msgId: number, session: number, blob: Uint8Array): Uint8Array {
  return nbss(h2({ cmd: 1, msgId, session }), concat(
    hex`19 00`, // StructureSize 25
    hex`00 01`, // Flags, SecurityMode: signing enabled
    hex`01 00 00 00`, // Capabilities: DFS
    hex`00 00 00 00`, // Channel
    hex`58 00`, le16(blob.length), // SecurityBufferOffset 88, SecurityBufferLength
    le64(0), // PreviousSessionId
    blob,
  ));
}
function setupResp(msgId: number, session: number, status: number, blob: Uint8Array, flags = 0): Uint8Array {
  if (status !== 0 && status !== 0xc0000016) {
    // ERROR response (2.2.2)
    return nbss(h2({ cmd: 1, resp: true, msgId, session, status }), hex`09 00 00 00 00 00 00 00 00`);
  }
  return nbss(h2({ cmd: 1, resp: true, msgId, session, status }), concat(
    hex`09 00`, le16(flags), // StructureSize 9, SessionFlags
    hex`48 00`, le16(blob.length), // SecurityBufferOffset 72, SecurityBufferLength
    blob,
  ));
}

const SESSION = 0x0000040000000031;
const path = utf16('\\\\plc-01\\PROJECTS');
const treeReq = nbss(h2({ cmd: 3, msgId: 4, session: SESSION }), concat(hex`09 00 00 00 48 00`, le16(path.length), path));
const treeResp = nbss(h2({ cmd: 3, resp: true, msgId: 4, session: SESSION, tree: 5 }), concat(
  hex`10 00`, // StructureSize 16
  hex`01 00`, // ShareType DISK, Reserved
  hex`00 00 00 00  00 00 00 00  ff 01 1f 00`, // ShareFlags, Capabilities, MaximalAccess
));
const fileName = utf16('line3\\recipe.csv');
const createReq = nbss(h2({ cmd: 5, msgId: 5, session: SESSION, tree: 5 }), concat(
  hex`39 00`, // StructureSize 57
  hex`00 00`, // SecurityFlags, RequestedOplockLevel
  hex`02 00 00 00`, // ImpersonationLevel
  new Uint8Array(16), // SmbCreateFlags, Reserved
  hex`89 00 12 00`, // DesiredAccess
  hex`80 00 00 00`, // FileAttributes NORMAL
  hex`07 00 00 00`, // ShareAccess
  hex`05 00 00 00`, // CreateDisposition FILE_OVERWRITE_IF
  hex`40 00 00 00`, // CreateOptions FILE_NON_DIRECTORY_FILE
  hex`78 00`, le16(fileName.length), // NameOffset 120, NameLength
  hex`00 00 00 00 00 00 00 00`, // CreateContextsOffset, CreateContextsLength
  fileName,
));
const FILE_ID = hex`11 00 00 00 00 00 00 00  22 00 00 00 00 00 00 00`;
// 2024-01-01T00:00:00Z as FILETIME: (1704067200 + 11644473600) * 10^7 = 133485408000000000
const FT = hex`00 c0 89 76 45 3c da 01`;
const createResp = nbss(h2({ cmd: 5, resp: true, msgId: 5, session: SESSION, tree: 5 }), concat(
  hex`59 00`, // StructureSize 89
  hex`00 00`, // OplockLevel, Flags
  hex`02 00 00 00`, // CreateAction FILE_CREATED
  FT, FT, FT, FT, // CreationTime, LastAccessTime, LastWriteTime, ChangeTime
  le64(0), // AllocationSize
  le64(1234), // EndofFile 1234
  hex`80 00 00 00 00 00 00 00`, // FileAttributes, Reserved2
  FILE_ID, // FileId
  hex`00 00 00 00 00 00 00 00`, // CreateContextsOffset, Length
));
const writeReq = nbss(h2({ cmd: 9, msgId: 6, session: SESSION, tree: 5 }), concat(
  hex`31 00`, // StructureSize 49
  hex`70 00`, // DataOffset 112
  le32(4), // Length 4
  le64(0), // Offset 0
  FILE_ID,
  new Uint8Array(16), // Channel, RemainingBytes, WriteChannelInfoOffset/Length, Flags
  hex`61 62 63 0a`, // data "abc\n"
));
const writeResp = nbss(h2({ cmd: 9, resp: true, msgId: 6, session: SESSION, tree: 5 }), concat(hex`11 00 00 00`, le32(4), new Uint8Array(8)));
const closeReq = nbss(h2({ cmd: 6, msgId: 7, session: SESSION, tree: 5 }), concat(hex`18 00 00 00 00 00 00 00`, FILE_ID));
const closeResp = nbss(h2({ cmd: 6, resp: true, msgId: 7, session: SESSION, tree: 5 }), concat(hex`3c 00 00 00 00 00 00 00`, new Uint8Array(52)));

function login(status: number): Chunk[] {
  return [
    { isOrig: true, bytes: negReq },
    { isOrig: false, bytes: negResp },
    { isOrig: true, bytes: setupReq(1, 0, ntlmMsg(1)) },
    { isOrig: false, bytes: setupResp(1, SESSION, 0xc0000016, ntlmMsg(2)) },
    { isOrig: true, bytes: setupReq(2, SESSION, ntlmMsg(3)) },
    { isOrig: false, bytes: setupResp(2, SESSION, status, new Uint8Array(0)) },
  ];
}
const conversation: Chunk[] = [
  ...login(0),
  { isOrig: true, bytes: treeReq }, { isOrig: false, bytes: treeResp },
  { isOrig: true, bytes: createReq }, { isOrig: false, bytes: createResp },
  { isOrig: true, bytes: writeReq }, { isOrig: false, bytes: writeResp },
  { isOrig: true, bytes: closeReq }, { isOrig: false, bytes: closeResp },
];

const of = (run: ReturnType<typeof runSession>, type: string) => run.records.filter(([t]) => t === type).map(([, r]) => r);

test('SMB2: negotiate, NTLM login, tree connect, create, write, close', () => {
  const run = runSession(smb, conversation, KIDS);
  assert.deepEqual(run.events, []);
  assert.ok(run.confirmed);
  assert.deepEqual(run.children, ['ntlm']);
  const s = of(run, 'smb');
  assert.deepEqual(s.map((r) => `${r.command}/${r.status}`), [
    'NEGOTIATE_PROTOCOL/STATUS_SUCCESS', 'SESSION_SETUP/STATUS_MORE_PROCESSING_REQUIRED', 'SESSION_SETUP/STATUS_SUCCESS',
    'TREE_CONNECT/STATUS_SUCCESS', 'CREATE/STATUS_SUCCESS', 'WRITE/STATUS_SUCCESS', 'CLOSE/STATUS_SUCCESS',
  ]);
  const n = s[0];
  assert.deepEqual([n.version, n.dialect, n.dialects, n.security_mode, n.capabilities, n.server_guid, n.client_guid, n.negotiate_contexts, n.encryption_ciphers, n.server_name], [
    'SMB2', '3.1.1', ['2.0.2', '2.1', '3.0', '3.0.2', '3.1.1'], 'signing_required', ['DFS', 'LEASING', 'LARGE_MTU', 'MULTI_CHANNEL', 'DIRECTORY_LEASING'],
    '76543210-ba98-fedc-0123-456789abcdef', '33221100-5544-7766-8899-aabbccddeeff',
    ['ENCRYPTION_CAPABILITIES', 'NETNAME_NEGOTIATE_CONTEXT_ID'], ['AES-128-GCM', 'AES-128-CCM'], 'plc-01',
  ]);
  assert.deepEqual([s[1].login_success, s[2].login_success, s[2].guest, s[2].session_id], [undefined, true, false, '0x0000040000000031']);
  assert.deepEqual([s[3].tree, s[3].tree_id, s[3].share_type], ['\\\\plc-01\\PROJECTS', 5, 'DISK']);
  assert.deepEqual([s[4].file_name, s[4].disposition, s[4].create_options, s[4].create_action, s[4].file_size, s[4].tree],
    ['line3\\recipe.csv', 'FILE_OVERWRITE_IF', ['FILE_NON_DIRECTORY_FILE'], 'FILE_CREATED', 1234, '\\\\plc-01\\PROJECTS']);
  assert.deepEqual([s[5].file_name, s[5].data_len, s[5].offset], ['line3\\recipe.csv', 4, 0]);
  assert.equal(s[6].file_name, 'line3\\recipe.csv');
  const m = of(run, 'smb_mapping');
  assert.equal(m.length, 1);
  assert.deepEqual([m[0].path, m[0].service, m[0].native_file_system, m[0].share_type, m[0].tree_id], ['\\\\plc-01\\PROJECTS', undefined, undefined, 'DISK', 5]);
  const f = of(run, 'smb_files');
  assert.equal(f.length, 1);
  assert.deepEqual([f[0].action, f[0].path, f[0].name, f[0].size, f[0]['times.modified'], f[0]['times.created'], f[0].create_action],
    ['FILE_OPEN', '\\\\plc-01\\PROJECTS', 'line3\\recipe.csv', 1234, 1704067200, 1704067200, 'FILE_CREATED']);
  const l = of(run, 'ntlm');
  assert.deepEqual([l[0].username, l[0].domainname, l[0].hostname, l[0].server_nb_computer_name, l[0].success, l[0].status],
    ['eng', 'PLANT', 'WS7', 'FS1', true, 'STATUS_SUCCESS']);
});

test('SMB2: STATUS_LOGON_FAILURE and STATUS_ACCOUNT_LOCKED_OUT are failed logins in smb and ntlm', () => {
  for (const [code, name] of [[0xc000006d, 'STATUS_LOGON_FAILURE'], [0xc0000234, 'STATUS_ACCOUNT_LOCKED_OUT']] as const) {
    const run = runSession(smb, login(code), KIDS);
    const s = of(run, 'smb').filter((r) => r.login_success !== undefined);
    assert.deepEqual(s.map((r) => [r.status, r.status_code, r.login_success]), [[name, code, false]]);
    const l = of(run, 'ntlm');
    assert.deepEqual(l.map((r) => [r.username, r.success, r.status, r.status_code]), [['eng', false, name, code]]);
  }
});

test('SMB2: a compound CREATE + QUERY_INFO + CLOSE; related operations take the CREATE\'s name', () => {
  const name = utf16('cfg.xml');
  const create = concat(hex`39 00 00 00 02 00 00 00`, new Uint8Array(16), hex`89 00 12 00 80 00 00 00 07 00 00 00 01 00 00 00 00 00 00 00 78 00`, le16(name.length), new Uint8Array(8), name);
  const pad = (b: Uint8Array) => concat(b, new Uint8Array((8 - ((64 + b.length) % 8)) % 8));
  const c1 = pad(create);
  const FF = new Uint8Array(16).fill(0xff);
  const query = pad(concat(hex`29 00 01 05 00 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00`, FF));
  const close = concat(hex`18 00 00 00 00 00 00 00`, FF);
  const RELATED = 4;
  const req = nbss(
    h2({ cmd: 5, msgId: 10, tree: 0, next: 64 + c1.length }), c1,
    h2({ cmd: 16, msgId: 11, next: 64 + query.length, flags: RELATED }), query,
    h2({ cmd: 6, msgId: 12, flags: RELATED }), close,
  );
  const run = runSession(smb, [{ isOrig: true, bytes: req }], KIDS);
  assert.deepEqual(run.events, []);
  const s = of(run, 'smb');
  assert.deepEqual(s.map((r) => [r.command, r.message_id, r.file_name, r.sub_command]), [
    ['CREATE', 10, 'cfg.xml', undefined], ['QUERY_INFO', 11, 'cfg.xml', 'FileStandardInformation'], ['CLOSE', 12, 'cfg.xml', undefined],
  ]);
  assert.ok(s.every((r) => r.status === undefined), 'no responses: written unanswered at the end');
});

test('SMB2: SET_INFO rename and delete, IOCTL name, READ size', () => {
  const newName = utf16('old\\recipe.bak');
  const rename = nbss(h2({ cmd: 17, msgId: 8, session: SESSION, tree: 5 }), concat(
    hex`21 00`, // StructureSize 33
    hex`01 0a`, // InfoType FILE, FileInfoClass FileRenameInformation
    le32(20 + newName.length), hex`60 00 00 00`, // BufferLength, BufferOffset 96, Reserved
    hex`00 00 00 00`, // AdditionalInformation
    FILE_ID,
    hex`00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00`, le32(newName.length), newName, // ReplaceIfExists, Reserved, RootDirectory, FileNameLength, FileName
  ));
  const ok = (cmd: number, id: number, body: Uint8Array) => nbss(h2({ cmd, resp: true, msgId: id, session: SESSION, tree: 5 }), body);
  const del = nbss(h2({ cmd: 17, msgId: 9, session: SESSION, tree: 5 }), concat(hex`21 00 01 0d`, le32(1), hex`60 00 00 00 00 00 00 00`, FILE_ID, hex`01`));
  const ioctl = nbss(h2({ cmd: 11, msgId: 10, session: SESSION, tree: 5 }), concat(hex`39 00 00 00`, le32(0x0011c017), FILE_ID, new Uint8Array(32)));
  const read = nbss(h2({ cmd: 8, msgId: 11, session: SESSION, tree: 5 }), concat(hex`31 00 50 00`, le32(65536), le64(4096), FILE_ID, new Uint8Array(17)));
  const readResp = ok(8, 11, concat(hex`11 00 50 00`, le32(3), new Uint8Array(8), hex`78 79 7a`));
  const run = runSession(smb, [
    ...conversation.slice(0, 10),
    { isOrig: true, bytes: rename }, { isOrig: false, bytes: ok(17, 8, hex`02 00`) },
    { isOrig: true, bytes: del }, { isOrig: false, bytes: ok(17, 9, hex`02 00`) },
    { isOrig: true, bytes: ioctl }, { isOrig: false, bytes: ok(11, 10, concat(hex`31 00 00 00`, le32(0x0011c017), FILE_ID, new Uint8Array(24))) },
    { isOrig: true, bytes: read }, { isOrig: false, bytes: readResp },
  ], KIDS);
  assert.deepEqual(run.events, []);
  const f = of(run, 'smb_files').map((r) => [r.action, r.name, r.prev_name]);
  assert.deepEqual(f, [['FILE_OPEN', 'line3\\recipe.csv', undefined], ['FILE_RENAME', 'old\\recipe.bak', 'line3\\recipe.csv'], ['FILE_DELETE', 'old\\recipe.bak', undefined]]);
  const s = of(run, 'smb');
  const io = s.find((r) => r.command === 'IOCTL')!;
  assert.deepEqual([io.sub_command, io.file_name], ['FSCTL_PIPE_TRANSCEIVE', 'old\\recipe.bak']);
  const rd = s.find((r) => r.command === 'READ')!;
  assert.deepEqual([rd.data_len, rd.offset], [3, 4096]);
});

test('SMB3: transform (encrypted) messages are counted into one ENCRYPTED record', () => {
  const transform = (n: number) => nbss(
    hex`fd 53 4d 42`, // ProtocolId
    new Uint8Array(16), // Signature
    new Uint8Array(16), // Nonce
    le32(n), hex`00 00 01 00`, // OriginalMessageSize, Reserved, Flags (encrypted)
    hex`31 00 00 00 00 04 00 00`, // SessionId 0x0000040000000031
    new Uint8Array(n), // the encrypted message
  );
  const run = runSession(smb, [...login(0), { isOrig: true, bytes: transform(100) }, { isOrig: false, bytes: transform(200) }], KIDS);
  const e = of(run, 'smb').filter((r) => r.command === 'ENCRYPTED');
  assert.deepEqual(e.map((r) => [r.version, r.messages, r.bytes, r.session_id]), [['SMB3', 2, 52 * 2 + 300, '0x0000040000000031']]);
});

// SMB1 (MS-CIFS 2.2.4.52, 2.2.4.53, 2.2.4.55): NEGOTIATE, then SESSION_SETUP_ANDX without
// extended security chained with TREE_CONNECT_ANDX.
function h1(cmd: number, reply: boolean, status: number, tid: number, uid: number, mid: number): Uint8Array {
  return concat(
    hex`ff 53 4d 42`, // Protocol
    Uint8Array.of(cmd), // Command
    le32(status), // Status (NT status)
    Uint8Array.of(reply ? 0x98 : 0x18), // Flags: case-insensitive, canonicalized (+ reply)
    hex`01 c8`, // Flags2: long names, NT status, unicode, extended attributes (0xc801)
    hex`00 00`, new Uint8Array(8), hex`00 00`, // PIDHigh, SecurityFeatures, Reserved
    le16(tid), hex`fe ca`, le16(uid), le16(mid), // TID, PIDLow 0xcafe, UID, MID
  );
}
const dialects = concat(...['NT LM 0.12', 'SMB 2.002'].map((s) => concat(hex`02`, new TextEncoder().encode(s), hex`00`)));
const smb1Neg = nbss(h1(0x72, false, 0, 0, 0, 1), hex`00`, le16(dialects.length), dialects);
const smb1NegResp = nbss(h1(0x72, true, 0, 0, 0, 1), concat(
  hex`11`, // WordCount 17
  hex`00 00`, // DialectIndex 0: "NT LM 0.12"
  hex`03`, // SecurityMode: user level, encrypt passwords
  hex`32 00 01 00 04 41 00 00 00 00 01 00 00 00 00 00`, // MaxMpxCount, MaxNumberVcs, MaxBufferSize, MaxRawSize, SessionKey
  hex`fc e3 01 00`, // Capabilities (no extended security)
  new Uint8Array(8), hex`00 00 08`, // SystemTime, ServerTimeZone, ChallengeLength 8
  hex`08 00`, new Uint8Array(8), // ByteCount 8, Challenge
));
function smb1Setup(): Uint8Array {
  // The bytes of SESSION_SETUP_ANDX start at offset 32 + 1 + 26 + 2 = 61 from the header: odd, so after
  // the 24+24 password bytes (at 109, odd) one pad byte aligns the unicode strings.
  const strings = concat(hex`00`, utf16('operator\0'), utf16('PLANT\0'), utf16('Windows 7\0'), utf16('Windows 7 6.1\0'));
  const bytes = concat(new Uint8Array(24), new Uint8Array(24), strings);
  const andxOff = 32 + 1 + 26 + 2 + bytes.length;
  const tcPath = concat(utf16('\\\\PLC-01\\C$\0'), new TextEncoder().encode('?????\0'));
  const tcBytes = concat(hex`00`, tcPath); // password (1 byte: NUL), then the path, aligned (offset odd + 1)
  return nbss(
    h1(0x73, false, 0, 0, 0, 2),
    hex`0d`, // WordCount 13
    hex`75 00`, le16(andxOff), // AndXCommand TREE_CONNECT_ANDX, AndXReserved, AndXOffset
    hex`04 41 32 00 00 00 00 00 00 00`, // MaxBufferSize, MaxMpxCount, VcNumber, SessionKey
    hex`18 00 18 00`, // OEMPasswordLen 24, UnicodePasswordLen 24
    hex`00 00 00 00 d4 00 00 00`, // Reserved, Capabilities
    le16(bytes.length), bytes,
    hex`04`, // WordCount 4
    hex`ff 00 00 00`, // AndXCommand none
    hex`08 00 01 00`, // Flags, PasswordLength 1
    le16(tcBytes.length), tcBytes,
  );
}
function smb1SetupResp(status: number): Uint8Array {
  if (status !== 0) return nbss(h1(0x73, true, status, 0, 0, 2), hex`00 00 00`);
  const strings = concat(utf16('Windows Server 2008 R2\0'), utf16('Windows Server 2008 R2 6.1\0'), utf16('PLANT\0'));
  const sBytes = concat(hex`00`, strings); // pad: bytes start at 32+1+6+2 = 41 (odd)
  const tcOff = 32 + 1 + 6 + 2 + sBytes.length;
  const tc = concat(new TextEncoder().encode('A:\0'), utf16('NTFS\0'));
  return nbss(
    h1(0x73, true, 0, 7, 0x800, 2),
    hex`03`, hex`75 00`, le16(tcOff), hex`00 00`, // WordCount 3, AndX → TREE_CONNECT_ANDX, Action 0
    le16(sBytes.length), sBytes,
    hex`03 ff 00 00 00 01 00`, // WordCount 3, AndX none, OptionalSupport
    le16(tc.length), tc,
  );
}

test('SMB1: NEGOTIATE dialects, SESSION_SETUP_ANDX account in clear chained with TREE_CONNECT_ANDX', () => {
  const run = runSession(smb, [
    { isOrig: true, bytes: smb1Neg }, { isOrig: false, bytes: smb1NegResp },
    { isOrig: true, bytes: smb1Setup() }, { isOrig: false, bytes: smb1SetupResp(0) },
  ], { ...KIDS, flow: { respP: 139 } });
  assert.deepEqual(run.events, []);
  const s = of(run, 'smb');
  assert.deepEqual(s.map((r) => [r.version, r.command, r.status, r.message_id]), [
    ['SMB1', 'NEGOTIATE', 'STATUS_SUCCESS', 1], ['SMB1', 'SESSION_SETUP_ANDX', 'STATUS_SUCCESS', 2], ['SMB1', 'TREE_CONNECT_ANDX', 'STATUS_SUCCESS', 2],
  ]);
  assert.deepEqual([s[0].dialects, s[0].dialect, s[0].security_mode], [['NT LM 0.12', 'SMB 2.002'], 'NT LM 0.12', 'none']);
  assert.deepEqual([s[1].username, s[1].domain, s[1].client_native_os, s[1].client_native_lanman, s[1].server_native_os, s[1].server_domain, s[1].login_success, s[1].session_id],
    ['operator', 'PLANT', 'Windows 7', 'Windows 7 6.1', 'Windows Server 2008 R2', 'PLANT', true, '0x0800']);
  const m = of(run, 'smb_mapping');
  assert.deepEqual(m.map((r) => [r.path, r.service, r.native_file_system, r.share_type, r.tree_id]), [['\\\\PLC-01\\C$', 'A:', 'NTFS', 'DISK', 7]]);
});

test('SMB1: a failed SESSION_SETUP_ANDX answers the whole AndX chain with its status', () => {
  const run = runSession(smb, [{ isOrig: true, bytes: smb1Setup() }, { isOrig: false, bytes: smb1SetupResp(0xc000006d) }], KIDS);
  const s = of(run, 'smb');
  assert.deepEqual(s.map((r) => [r.command, r.status, r.login_success]), [['SESSION_SETUP_ANDX', 'STATUS_LOGON_FAILURE', false], ['TREE_CONNECT_ANDX', 'STATUS_LOGON_FAILURE', undefined]]);
});

const HINT: ProbeHint = { transport: 'tcp', portMatch: false, isOrig: true, srcPort: 50000, dstPort: 445 };

test('probe: SMB2, SMB1 and session requests say YES; other bytes NO at once; short input MAYBE', () => {
  assert.equal(probeSmb(negReq, 0, negReq.length, HINT), PROBE.YES);
  assert.equal(probeSmb(smb1Neg, 0, smb1Neg.length, HINT), PROBE.YES);
  assert.equal(probeSmb(negReq, 0, 3, HINT), PROBE.MAYBE);
  assert.equal(probeSmb(hex`47 45 54 20 2f 20 48 54 54 50`, 0, 10, HINT), PROBE.NO); // "GET / HTTP"
  assert.equal(probeSmb(hex`00 00 00 06 00 01 00 00 00 06 01 03`, 0, 12, HINT), PROBE.NO); // a Modbus request
  const sessReq = concat(hex`81 00 00 44 20`, new TextEncoder().encode('EEEFFCEDEBEBEBEBEBEBEBEBEBEBEBAA'), hex`00 20`, new TextEncoder().encode('EMEJENFDEFFCFGEFFCCACACACACACAAA'), hex`00`);
  assert.equal(probeSmb(sessReq, 0, sessReq.length, { ...HINT, portMatch: true }), PROBE.YES);
  assert.equal(probeSmb(sessReq, 0, sessReq.length, HINT), PROBE.NO, 'a session request only on the ports');
  assert.equal(probeSmb(negReq, 0, negReq.length, { ...HINT, transport: 'udp' }), PROBE.NO);
});

/** Records without the times that segmentation changes (packet time, and rtt computed from it). */
function content(run: ReturnType<typeof runSession>) {
  return withoutTs(run).map(([t, r]) => {
    const { rtt: _rtt, ...rest } = r;
    return [t, rest];
  });
}

test('segmentation: the same records whatever the TCP cut (every split, and byte by byte)', () => {
  const want = content(runSession(smb, conversation, KIDS));
  for (const chunks of everySplit(conversation)) assert.deepEqual(content(runSession(smb, chunks, KIDS)), want);
  assert.deepEqual(content(runSession(smb, bytewise(conversation), KIDS)), want);
});

test('truncation: every prefix of every message gives no exception and no record past its bytes', () => {
  for (const c of [...conversation, { isOrig: true, bytes: smb1Setup() }, { isOrig: false, bytes: smb1SetupResp(0) }]) {
    for (const p of prefixes(c.bytes)) {
      // A prefix is a message cut by the end of the capture: it is held, never parsed as whole.
      const run = runSession(smb, [{ isOrig: c.isOrig, bytes: p }], KIDS);
      assert.equal(run.records.length, 0);
      // Parsed as a whole message of that length (the NBSS length rewritten): bounded reads only.
      if (p.length >= 4) {
        const q = p.slice();
        q[1] = 0;
        q[2] = (p.length - 4) >> 8;
        q[3] = (p.length - 4) & 0xff;
        runSession(smb, [{ isOrig: c.isOrig, bytes: q }], KIDS);
      }
    }
  }
});

test('mid-stream pickup: on the port the probe finds a message after file data; the session skips to it', () => {
  const tail = concat(new Uint8Array(300).fill(0x41), negReq);
  assert.equal(probeSmb(tail, 0, tail.length, { ...HINT, portMatch: true }), PROBE.YES);
  assert.equal(probeSmb(tail, 0, tail.length, HINT), PROBE.NO, 'off the ports the first bytes must be a message');
  const want = withoutTs(runSession(smb, [{ isOrig: true, bytes: tail }, { isOrig: false, bytes: negResp }], KIDS));
  assert.deepEqual(want.filter(([t]) => t === 'smb').map(([, r]) => r.command), ['NEGOTIATE_PROTOCOL']);
  const run = runSession(smb, bytewise([{ isOrig: true, bytes: tail }, { isOrig: false, bytes: negResp }]), KIDS);
  assert.deepEqual(withoutTs(run).map(([t, r]) => [t, r.command]), want.map(([t, r]) => [t, r.command]));
  assert.deepEqual(run.events.map((e) => e.name), ['resync']);
});

test('malformed: a bad NBSS type, a misaligned NextCommand and a cut body raise events; the flow goes on', () => {
  const bad = nbss(h2({ cmd: 13, msgId: 20, next: 70 }), hex`04 00 00 00`, new Uint8Array(8));
  const cut = nbss(h2({ cmd: 5, msgId: 21 }), hex`39 00 00 00`);
  const run = runSession(smb, [
    { isOrig: true, bytes: negReq },
    { isOrig: true, bytes: hex`42 00 00 01 00` },
    { isOrig: true, bytes: bad },
    { isOrig: true, bytes: cut },
    { isOrig: false, bytes: negResp },
  ], KIDS);
  assert.deepEqual(run.events.map((e) => e.name), ['bad_nbss_type', 'resync', 'bad_compound', 'malformed']);
  assert.deepEqual(of(run, 'smb').map((r) => r.command), ['NEGOTIATE_PROTOCOL', 'ECHO', 'CREATE']);
});

test('long messages: a WRITE past MAX_KEEP is skipped by length, and a gap inside its data keeps the stream in step', () => {
  const big = MAX_KEEP + 5000;
  const body = concat(hex`31 00 70 00`, le32(big), le64(0), FILE_ID, new Uint8Array(16));
  const head = nbss(h2({ cmd: 9, msgId: 30 }), body, new Uint8Array(big));
  const resp = nbss(h2({ cmd: 9, resp: true, msgId: 30 }), concat(hex`11 00 00 00`, le32(big), new Uint8Array(8)));
  const run = runSession(smb, [
    { isOrig: true, bytes: head.subarray(0, 70000) },
    { isOrig: true, gap: 20, bytes: new Uint8Array(0) },
    { isOrig: true, bytes: head.subarray(70020) },
    { isOrig: true, bytes: closeReq },
    { isOrig: false, bytes: resp },
  ], KIDS);
  assert.deepEqual(run.events, []);
  assert.deepEqual(of(run, 'smb').map((r) => [r.command, r.data_len]), [['WRITE', big], ['CLOSE', undefined]]);
});

test(`caps: more than ${MAX_PENDING} unanswered requests raise too_many_pending, the oldest are written`, () => {
  const chunks: Chunk[] = [];
  for (let i = 0; i < MAX_PENDING + 3; i++) chunks.push({ isOrig: true, bytes: nbss(h2({ cmd: 13, msgId: i }), hex`04 00 00 00`) });
  const run = runSession(smb, chunks, KIDS);
  assert.equal(run.events.filter((e) => e.name === 'too_many_pending').length, 3);
  assert.equal(of(run, 'smb').length, MAX_PENDING + 3);
  assert.equal(of(run, 'smb')[0].message_id, 0);
});

test('fuzzing: random bytes and bit-flipped conversations never throw', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 6 }), (parts) => {
    runSession(smb, parts.map((b, i) => ({ isOrig: i % 2 === 0, bytes: concat(hex`00 00 00`, Uint8Array.of(b.length & 0xff), b) })), KIDS);
    runSession(smb, parts.map((b, i) => ({ isOrig: i % 2 === 0, bytes: b })), KIDS);
  }), { numRuns: 1500 });
  const msgs = [...conversation.map((c) => c.bytes), smb1Setup(), smb1SetupResp(0), smb1NegResp];
  fc.assert(fc.property(fc.integer({ min: 0, max: msgs.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 10 }), (i, flips) => {
    const b = msgs[i].slice();
    for (const f of flips) b[4 + (f % (b.length - 4))] ^= 1 << (f % 8);
    runSession(smb, [{ isOrig: true, bytes: b }, { isOrig: false, bytes: b }], KIDS);
  }), { numRuns: 4000 });
});

test('docs/protocols/smb.md documents every record, field and event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/smb.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));
  for (const [type, fields] of Object.entries(smb.records)) {
    assert.ok(doc.includes(`### \`${type}\``), `section for ${type}`);
    for (const f of fields.slice(6)) assert.ok(rows.some((l) => l.startsWith(`| ${f.name} |`) || l.startsWith(`| \`${f.name}\``)), `${type}.${f.name} documented`);
  }
  for (const e of Object.keys(smb.events)) assert.ok(doc.includes(`smb.${e}`), `event smb.${e} documented`);
});
