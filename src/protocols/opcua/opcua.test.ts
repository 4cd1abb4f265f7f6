// OPC UA binary on byte arrays written from OPC 10000-6 (§7.1.2 connection protocol messages,
// §6.7.2 secure conversation headers, §5.2 built-in type encodings) and OPC 10000-4 (service
// parameters): HEL/ACK/ERR, OpenSecureChannel with SecurityPolicy#None, Read/Write/Call,
// CreateSession identity, ServiceFault status codes, chunked messages, an encrypted channel,
// the events, truncation at every offset, any TCP segmentation, and fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { opcua, probeOpcua } from './index.ts';
import { MAX_PENDING } from './session.ts';

const HINT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 50000, dstPort: 4840 };

/** An OPC UA String: Int32 length, UTF-8 bytes (§5.2.2.4). */
function str(s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  const n = new Uint8Array(4);
  new DataView(n.buffer).setInt32(0, b.length, true);
  return concat(n, b);
}

/** A message: 3-letter type, chunk type, UInt32 size of the whole message, then the body. */
function msg(type: string, chunk: string, ...body: Uint8Array[]): Uint8Array {
  const b = concat(...body);
  const h = new Uint8Array(8);
  for (let i = 0; i < 3; i++) h[i] = type.charCodeAt(i);
  h[3] = chunk.charCodeAt(0);
  new DataView(h.buffer).setUint32(4, 8 + b.length, true);
  return concat(h, b);
}

const NONE = 'http://opcfoundation.org/UA/SecurityPolicy#None';
const DT_2024 = hex`00 c0 89 76 45 3c da 01 // DateTime 2024-01-01T00:00:00Z (133485408000000000 ticks)`;
const T_2024 = 1704067200;

/** HEL, written out whole. */
const HEL = hex`48 45 4c 46     // "HEL" "F"
  33 00 00 00                      // MessageSize 51
  00 00 00 00                      // ProtocolVersion 0
  00 00 01 00                      // ReceiveBufferSize 65536
  00 00 01 00                      // SendBufferSize 65536
  00 00 00 01                      // MaxMessageSize 16777216
  00 01 00 00                      // MaxChunkCount 256
  13 00 00 00                      // EndpointUrl: 19 bytes
  6f 70 63 2e 74 63 70 3a 2f 2f 70 6c 63 31 3a 34 38 34 30 // "opc.tcp://plc1:4840"`;

const ACK = hex`41 43 4b 46 1c 00 00 00 // "ACK" "F", size 28
  00 00 00 00                      // ProtocolVersion
  00 00 01 00 00 00 01 00          // ReceiveBufferSize, SendBufferSize 65536
  00 00 00 01 00 01 00 00          // MaxMessageSize, MaxChunkCount`;

const ERR = msg('ERR', 'F', hex`00 00 82 80 // Error 0x80820000 BadTcpInternalError`, str('boom'));

/** OpenSecureChannel request under SecurityPolicy#None: channel 0, request id 1. */
const OPN_REQ = msg('OPN', 'F',
  hex`00 00 00 00                  // SecureChannelId 0`,
  str(NONE),                       // SecurityPolicyUri
  hex`ff ff ff ff                  // SenderCertificate: null
      ff ff ff ff                  // ReceiverCertificateThumbprint: null
      01 00 00 00                  // SequenceNumber 1
      01 00 00 00                  // RequestId 1
      01 00 be 01                  // TypeId: four-byte NodeId, ns 0, 446 OpenSecureChannelRequest
      00 00                        // RequestHeader.AuthenticationToken: two-byte NodeId 0`,
  DT_2024,                         // RequestHeader.Timestamp
  hex`00 00 00 00                  // RequestHandle 0
      00 00 00 00                  // ReturnDiagnostics 0
      ff ff ff ff                  // AuditEntryId: null
      00 00 00 00                  // TimeoutHint 0
      00 00 00                     // AdditionalHeader: NodeId 0, no body
      00 00 00 00                  // ClientProtocolVersion 0
      00 00 00 00                  // RequestType 0 Issue
      01 00 00 00                  // SecurityMode 1 None
      00 00 00 00                  // ClientNonce: empty
      80 ee 36 00                  // RequestedLifetime 3600000 ms`,
);

const OPN_RES = msg('OPN', 'F',
  hex`0d 00 00 00                  // SecureChannelId 13`,
  str(NONE),
  hex`ff ff ff ff ff ff ff ff      // no certificates
      01 00 00 00                  // SequenceNumber 1
      01 00 00 00                  // RequestId 1
      01 00 c1 01                  // TypeId 449 OpenSecureChannelResponse`,
  DT_2024,                         // ResponseHeader.Timestamp
  hex`00 00 00 00                  // RequestHandle 0
      00 00 00 00                  // ServiceResult Good
      00                           // ServiceDiagnostics: none
      ff ff ff ff                  // StringTable: null
      00 00 00                     // AdditionalHeader
      00 00 00 00                  // ServerProtocolVersion
      0d 00 00 00                  // SecurityToken.ChannelId 13
      07 00 00 00                  // SecurityToken.TokenId 7
      00 00 00 00 00 00 00 00      // SecurityToken.CreatedAt
      40 77 1b 00                  // SecurityToken.RevisedLifetime 1800000
      00 00 00 00                  // ServerNonce: empty`,
);

/** The symmetric header and sequence header of a MSG on channel 13, token 7. */
const sym = (seq: number, requestId: number) =>
  concat(hex`0d 00 00 00 07 00 00 00 // SecureChannelId 13, TokenId 7`, new Uint8Array(new Uint32Array([seq, requestId]).buffer));

/** RequestHeader with a GUID authentication token (ns 1) and request handle 5. */
const REQ_HDR = concat(
  hex`04 01 00                     // AuthenticationToken: GUID NodeId, ns 1
      39 12 16 15 46 f3 6d 34 fe cf fc bf ba cb 4c 14 // 15161239-f346-346d-fecf-fcbfbacb4c14`,
  DT_2024,
  hex`05 00 00 00 00 00 00 00 ff ff ff ff 10 27 00 00 00 00 00 // handle 5, diag 0, audit null, timeout 10000, no additional header`,
);
const RES_HDR = (result: string) => concat(DT_2024, hex`05 00 00 00`, hex(result), hex`00 ff ff ff ff 00 00 00 // no diagnostics, string table, additional header`);

/** ReadRequest: two nodes, the Value attribute. */
const READ_REQ = msg('MSG', 'F', sym(2, 2),
  hex`01 00 77 02                  // TypeId 631 ReadRequest`, REQ_HDR,
  hex`00 00 00 00 00 00 00 00      // MaxAge 0
      03 00 00 00                  // TimestampsToReturn 3 Neither
      02 00 00 00                  // NodesToRead: 2
      03 02 00`, str('Pump1'),     // string NodeId ns=2;s=Pump1
  hex`0d 00 00 00                  // AttributeId 13 Value
      ff ff ff ff                  // IndexRange null
      00 00 ff ff ff ff            // DataEncoding: ns 0, null name
      01 00 d2 08                  // four-byte NodeId i=2258
      0d 00 00 00 ff ff ff ff 00 00 ff ff ff ff`,
);
const READ_RES = msg('MSG', 'F', sym(50, 2), hex`01 00 7a 02 // TypeId 634 ReadResponse`, RES_HDR('00 00 00 00'),
  hex`00 00 00 00 ff ff ff ff // Results: empty, DiagnosticInfos: null`);

/** WriteRequest: ns=1;i=1001 Value := 42.5 (Double). */
const WRITE_REQ = msg('MSG', 'F', sym(3, 3), hex`01 00 a1 02 // TypeId 673 WriteRequest`, REQ_HDR,
  hex`01 00 00 00                  // NodesToWrite: 1
      01 01 e9 03                  // four-byte NodeId ns=1;i=1001
      0d 00 00 00                  // AttributeId 13 Value
      ff ff ff ff                  // IndexRange null
      01                           // DataValue: Value present
      0b                           // Variant: Double
      00 00 00 00 00 40 45 40      // 42.5`);
/** ServiceFault answering the write: BadSessionIdInvalid. */
const FAULT = msg('MSG', 'F', sym(51, 3), hex`01 00 8d 01 // TypeId 397 ServiceFault`, RES_HDR('00 00 25 80 // ServiceResult 0x80250000'));

/** CallRequest: method ns=2;i=7 on object ns=2;i=5. */
const CALL_REQ = msg('MSG', 'F', sym(4, 4), hex`01 00 c8 02 // TypeId 712 CallRequest`, REQ_HDR,
  hex`01 00 00 00                  // MethodsToCall: 1
      01 02 05 00                  // ObjectId ns=2;i=5
      01 02 07 00                  // MethodId ns=2;i=7
      01 00 00 00 06 2a 00 00 00   // InputArguments: 1 Variant Int32 42`);

/** CreateSessionRequest from client "HMI" (urn:client, product urn:vendor:hmi). */
const SESSION_REQ = msg('MSG', 'F', sym(5, 5), hex`01 00 cd 01 // TypeId 461 CreateSessionRequest`,
  hex`00 00`, DT_2024, hex`06 00 00 00 00 00 00 00 ff ff ff ff 10 27 00 00 00 00 00 // RequestHeader, handle 6`,
  str('urn:client'),                // ClientDescription.ApplicationUri
  str('urn:vendor:hmi'),            // ProductUri
  hex`02`, str('HMI'),              // ApplicationName: LocalizedText, text only
  hex`01 00 00 00                   // ApplicationType 1 Client
      ff ff ff ff ff ff ff ff       // GatewayServerUri, DiscoveryProfileUri: null
      ff ff ff ff                   // DiscoveryUrls: null
      ff ff ff ff                   // ServerUri: null`,
  str('opc.tcp://plc1:4840'),       // EndpointUrl
  str('S1'),                        // SessionName
  hex`ff ff ff ff ff ff ff ff       // ClientNonce, ClientCertificate: null
      00 00 00 00 00 4c ed 40       // RequestedSessionTimeout 60000
      00 00 00 00                   // MaxResponseMessageSize 0`);

/** CreateSessionResponse: one endpoint of server "PLC" (urn:plc1, urn:vendor:plc), SignAndEncrypt. */
const SESSION_RES = msg('MSG', 'F', sym(52, 5), hex`01 00 d0 01 // TypeId 464 CreateSessionResponse`, RES_HDR('00 00 00 00'),
  hex`01 00 05 00                   // SessionId ns=0;i=5 (four-byte)
      02 00 00 09 00 00 00          // AuthenticationToken: numeric NodeId i=9
      00 00 00 00 00 4c ed 40       // RevisedSessionTimeout
      ff ff ff ff ff ff ff ff       // ServerNonce, ServerCertificate: null
      01 00 00 00                   // ServerEndpoints: 1`,
  str('opc.tcp://plc1:4840'),       // EndpointUrl
  str('urn:plc1'), str('urn:vendor:plc'), hex`02`, str('PLC'),
  hex`00 00 00 00                   // ApplicationType 0 Server
      ff ff ff ff ff ff ff ff ff ff ff ff // gateway, discovery profile, discovery URLs: null
      ff ff ff ff                   // ServerCertificate: null
      03 00 00 00                   // SecurityMode 3 SignAndEncrypt`,
  str(NONE),
  hex`00 00 00 00                   // UserIdentityTokens: none
      ff ff ff ff                   // TransportProfileUri: null
      00                            // SecurityLevel
      00 00 00 00 ff ff ff ff       // ServerSoftwareCertificates, ServerSignature.Algorithm
      ff ff ff ff 00 00 00 00       // ServerSignature.Signature, MaxRequestMessageSize`);

const CLO = msg('CLO', 'F', sym(6, 6), hex`01 00 c4 01 // TypeId 452 CloseSecureChannelRequest`, REQ_HDR);

const C = (isOrig: boolean, bytes: Uint8Array): Chunk => ({ isOrig, bytes });
const rows = (r: ReturnType<typeof runSession>) => r.records.filter(([t]) => t === 'opcua').map(([, x]) => x);
const CONV: Chunk[] = [
  C(true, HEL), C(false, ACK), C(true, OPN_REQ), C(false, OPN_RES), C(true, READ_REQ), C(false, READ_RES),
  C(true, WRITE_REQ), C(false, FAULT), C(true, CALL_REQ), C(true, SESSION_REQ), C(false, SESSION_RES), C(true, CLO),
];

test('HEL and ACK: buffer sizes and the endpoint URL', () => {
  const r = runSession(opcua, [C(true, HEL), C(false, ACK)]);
  const [h, a] = rows(r);
  assert.deepEqual(
    [h.msg_type, h.is_final, h.total_size, h.version, h.rcv_buf_size, h.snd_buf_size, h.max_msg_size, h.max_chunk_cnt, h.endpoint_url],
    ['HEL', 'F', 51, 0, 65536, 65536, 16777216, 256, 'opc.tcp://plc1:4840'],
  );
  assert.deepEqual([a.msg_type, a.total_size, a.endpoint_url, a.encrypted], ['ACK', 28, undefined, undefined]);
  assert.ok(r.confirmed);
  assert.deepEqual(r.events, []);
});

test('ERR: status code number and name, reason', () => {
  const [e] = rows(runSession(opcua, [C(false, ERR)]));
  assert.deepEqual([e.msg_type, e.error, e.error_name, e.reason], ['ERR', 0x80820000, 'BadTcpInternalError', 'boom']);
});

test('OpenSecureChannel: policy, security mode, channel ids of request and response in one row', () => {
  const [o] = rows(runSession(opcua, [C(true, OPN_REQ), C(false, OPN_RES)]));
  assert.deepEqual(
    [o.msg_type, o.total_size, o.sec_channel_id, o.sec_policy_uri_len, o.sec_policy_uri, o.snd_cert_len, o.rcv_cert_len, o.request_id],
    ['OPN', OPN_REQ.length + OPN_RES.length, [0, 13], 47, NONE, -1, -1, 1],
  );
  assert.deepEqual(
    [o.req_msg_size, o.req_seq_number, o.req_encoding_mask, o.req_namespace_idx, o.req_identifier, o.req_identifier_str],
    [132, 1, 1, 0, 446, 'OpenSecureChannelRequest'],
  );
  assert.deepEqual([o.req_hdr_node_id_type, o.req_hdr_node_id_numeric, o.req_hdr_timestamp, o.req_hdr_audit_entry_id], ['0x00', 0, T_2024, '']);
  assert.deepEqual([o.res_msg_size, o.res_identifier, o.res_identifier_str, o.res_hdr_timestamp, o.status_code, o.status_code_name], [135, 449, 'OpenSecureChannelResponse', T_2024, 0, 'Good']);
  assert.deepEqual([o.security_mode, o.security_mode_code, o.encrypted, o.sec_token_id, o.sec_token_request_type, o.sec_token_lifetime], ['None', 1, false, 7, 'Issue', 3600000]);
});

test('Read: request and response paired by request id; NodeIds and attributes; the GUID authentication token', () => {
  const [x] = rows(runSession(opcua, [C(true, READ_REQ), C(false, READ_RES)]));
  assert.deepEqual([x.msg_type, x.request_id, x.sec_channel_id, x.sec_token_id, x.req_seq_number, x.res_seq_number], ['MSG', 2, [13], 7, 2, 50]);
  assert.deepEqual([x.req_identifier_str, x.res_identifier_str, x.status_code_name], ['ReadRequest', 'ReadResponse', 'Good']);
  assert.deepEqual([x.node_ids, x.attributes, x.operations], [['ns=2;s=Pump1', 'i=2258'], ['Value', 'Value'], 2]);
  assert.deepEqual(
    [x.req_hdr_node_id_type, x.req_hdr_node_id_namespace_idx, x.req_hdr_node_id_numeric, x.req_hdr_node_id_guid, x.req_hdr_request_handle, x.req_hdr_timeout_hint],
    ['0x04', 1, undefined, '15161239-f346-346d-fecf-fcbfbacb4c14', 5, 10000],
  );
  assert.equal(x.res_hdr_request_handle, 5);
});

test('Write answered by a ServiceFault: the value written, the status code', () => {
  const [x] = rows(runSession(opcua, [C(true, WRITE_REQ), C(false, FAULT)]));
  assert.deepEqual([x.req_identifier_str, x.node_ids, x.attributes, x.write_values], ['WriteRequest', ['ns=1;i=1001'], ['Value'], ['42.5']]);
  assert.deepEqual([x.res_identifier, x.res_identifier_str, x.status_code, x.status_code_name], [397, 'ServiceFault', 0x80250000, 'BadSessionIdInvalid']);
});

test('Call: the method; an unanswered request is written at the end of the flow', () => {
  const [x] = rows(runSession(opcua, [C(true, CALL_REQ)]));
  assert.deepEqual([x.req_identifier_str, x.node_ids, x.operations, x.res_msg_size], ['CallRequest', ['ns=2;i=7'], 1, undefined]);
});

test('CreateSession: client and server identity, endpoint URL, session name, offered security modes', () => {
  const [x] = rows(runSession(opcua, [C(true, SESSION_REQ), C(false, SESSION_RES)]));
  assert.deepEqual(
    [x.req_endpoint_url, x.session_name, x.client_application_uri, x.client_product_uri, x.client_application_name],
    ['opc.tcp://plc1:4840', 'S1', 'urn:client', 'urn:vendor:hmi', 'HMI'],
  );
  assert.deepEqual(
    [x.server_application_uri, x.server_product_uri, x.server_application_name, x.server_application_type, x.endpoint_security_modes],
    ['urn:plc1', 'urn:vendor:plc', 'PLC', 'Server', ['SignAndEncrypt']],
  );
  assert.equal(x.req_hdr_node_id_type, '0x00');
});

test('CloseSecureChannel: written at once, no response expected', () => {
  const [x] = rows(runSession(opcua, [C(true, CLO)]));
  assert.deepEqual([x.msg_type, x.req_identifier_str, x.total_size], ['CLO', 'CloseSecureChannelRequest', CLO.length]);
});

test('a chunked request (C, C, F) and a chunked response: one row, sizes added', () => {
  // The first chunk carries the type id; later chunks of the same request id carry body bytes only.
  const first = msg('MSG', 'C', sym(2, 2), hex`01 00 77 02`, REQ_HDR, hex`00 00 00 00 00 00 00 00 03 00 00 00 05 00 00 00`);
  const middle = msg('MSG', 'C', sym(3, 2), hex`aa bb cc dd`);
  const last = msg('MSG', 'F', sym(4, 2), hex`ee ff`);
  const res1 = msg('MSG', 'C', sym(60, 2), hex`01 00 7a 02`, RES_HDR('00 00 00 00'));
  const res2 = msg('MSG', 'F', sym(61, 2), hex`00 00 00 00`);
  const r = runSession(opcua, [C(true, first), C(true, middle), C(true, last), C(false, res1), C(false, res2)]);
  const x = rows(r);
  assert.equal(x.length, 1);
  assert.deepEqual(
    [x[0].req_identifier_str, x[0].req_msg_size, x[0].res_identifier_str, x[0].res_msg_size, x[0].is_final, x[0].req_seq_number],
    ['ReadRequest', first.length + middle.length + last.length, 'ReadResponse', res1.length + res2.length, 'F', 2],
  );
  assert.deepEqual(r.events, []);
});

test('an encrypted channel: headers only, said so in the record', () => {
  const policy = 'http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256';
  const cert = new Uint8Array(300).fill(0x30);
  const opn = msg('OPN', 'F', hex`00 00 00 00`, str(policy),
    new Uint8Array(new Int32Array([cert.length]).buffer), cert,
    hex`14 00 00 00 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 // ReceiverCertificateThumbprint: 20 bytes`,
    new Uint8Array(256).fill(0x9d));                // ciphertext
  const m = msg('MSG', 'F', hex`05 00 00 00 01 00 00 00 // channel 5, token 1`, new Uint8Array(96).fill(0x5a));
  const x = rows(runSession(opcua, [C(true, opn), C(true, m)]));
  assert.deepEqual(
    [x[0].msg_type, x[0].encrypted, x[0].sec_policy_uri, x[0].snd_cert_len, x[0].rcv_cert, x[0].security_mode, x[0].request_id],
    ['OPN', true, policy, 300, '000102030405060708090a0b0c0d0e0f10111213', undefined, undefined],
  );
  assert.match(x[0].snd_cert as string, /^[0-9a-f]{40}$/); // SHA-1 thumbprint
  assert.deepEqual([x[1].msg_type, x[1].encrypted, x[1].security_mode, x[1].sec_channel_id, x[1].sec_token_id, x[1].req_identifier_str], ['MSG', true, 'SignAndEncrypt', [5], 1, undefined]);
});

test('unknown service ids are data', () => {
  const m = msg('MSG', 'F', sym(9, 9), hex`01 00 39 30 // TypeId 12345, not a service`, REQ_HDR);
  // After an OpenSecureChannel with SecurityPolicy#None (elsewhere an unknown id cannot be told from ciphertext).
  const [, x] = rows(runSession(opcua, [C(true, OPN_REQ), C(false, OPN_RES), C(true, m)]));
  assert.deepEqual([x.req_identifier, x.req_identifier_str, x.encrypted], [12345, 'unknown-12345', false]);
});

test('malformed: garbage before a header, a body cut short, a small HEL buffer; the flow goes on', () => {
  const shortBody = msg('MSG', 'F', sym(7, 7), hex`01 00 77 02 04 01`); // ReadRequest, RequestHeader cut after 2 bytes
  const smallHel = HEL.slice();
  smallHel.set([0x00, 0x10, 0x00, 0x00], 12); // ReceiveBufferSize 4096
  const r = runSession(opcua, [C(true, concat(hex`00 01 02`, smallHel)), C(true, shortBody), C(true, READ_REQ), C(false, READ_RES)]);
  assert.deepEqual(r.events.map((e) => e.name), ['bad_header', 'bad_hello', 'bad_body']);
  assert.deepEqual(rows(r).map((x) => x.req_identifier_str ?? x.msg_type), ['HEL', 'ReadRequest', 'ReadRequest']);
});

test('a chunk larger than the peer negotiated: event', () => {
  const r = runSession(opcua, [C(true, HEL), C(false, hex`41 43 4b 46 1c 00 00 00 00 00 00 00  00 20 00 00  00 20 00 00  00 00 00 00 00 00 00 00 // ACK, buffers 8192`),
    C(true, msg('MSG', 'F', sym(2, 2), new Uint8Array(9000)))]);
  assert.ok(r.events.some((e) => e.name === 'chunk_too_large'));
});

test(`pending cap: beyond ${MAX_PENDING} unanswered requests the oldest is written, with an event`, () => {
  const reqs: Chunk[] = [C(true, OPN_REQ), C(false, OPN_RES)];
  for (let i = 2; i <= MAX_PENDING + 4; i++) reqs.push(C(true, msg('MSG', 'F', sym(i, i), hex`01 00 7a 03 // 890 (a non-service id)`)));
  const r = runSession(opcua, reqs);
  assert.equal(r.events.filter((e) => e.name === 'too_many_pending').length, 3);
  assert.equal(rows(r).length, 1 + MAX_PENDING + 3);
  assert.deepEqual(rows(r).slice(0, 4).map((x) => x.request_id), [1, 2, 3, 4]);
});

test('after a TCP gap: resynchronised at the next header', () => {
  const r = runSession(opcua, [C(true, HEL), { isOrig: true, bytes: new Uint8Array(0), gap: 40 }, C(true, concat(hex`11 22 33`, READ_REQ))]);
  assert.deepEqual(rows(r).map((x) => x.req_identifier_str ?? x.msg_type), ['HEL', 'ReadRequest']);
  assert.deepEqual(r.events, []);
});

test('a chunk longer than what is kept: headers decoded, the rest skipped, no event', () => {
  const big = msg('MSG', 'F', sym(2, 2), hex`01 00 7a 02`, RES_HDR('00 00 00 00'), new Uint8Array(200_000));
  const x = rows(runSession(opcua, [C(true, READ_REQ), C(false, big)]));
  assert.deepEqual([x[0].res_identifier_str, x[0].res_msg_size], ['ReadResponse', big.length]);
});

test('not OPC UA: rejected after a run of bytes with no header', () => {
  assert.equal(runSession(opcua, [C(true, new Uint8Array(5000).fill(0x41))]).rejected, 'no OPC UA message');
});

test('truncation at every offset: no exception, no record of a message not yet complete', () => {
  for (const m of [HEL, ACK, ERR, OPN_REQ, READ_REQ, WRITE_REQ, CALL_REQ, SESSION_REQ, CLO]) {
    for (const p of prefixes(m)) {
      const r = runSession(opcua, [C(true, p)]);
      assert.equal(r.records.length, 0, `prefix ${p.length} of ${m.length}`);
    }
  }
});

test('segmentation: the same records whatever the TCP cut', () => {
  const whole = withoutTs(runSession(opcua, CONV));
  assert.equal(whole.length, 8);
  let n = 0;
  for (const split of everySplit(CONV)) {
    if (n++ % 5 !== 0) continue; // every fifth cut keeps this quick; bytewise covers every offset
    assert.deepEqual(withoutTs(runSession(opcua, split)), whole);
  }
  assert.deepEqual(withoutTs(runSession(opcua, bytewise(CONV))), whole);
});

test('probe: HEL/ACK/ERR by their exact layout, secure messages on the port or by a known service', () => {
  const off: ProbeHint = { ...HINT, portMatch: false };
  assert.equal(probeOpcua(HEL, 0, HEL.length, off), PROBE.YES);
  assert.equal(probeOpcua(HEL, 0, 20, off), PROBE.MAYBE);
  assert.equal(probeOpcua(HEL, 0, 2, off), PROBE.MAYBE);
  assert.equal(probeOpcua(ACK, 0, ACK.length, off), PROBE.YES);
  assert.equal(probeOpcua(ERR, 0, ERR.length, off), PROBE.YES);
  const badHel = HEL.slice();
  badHel[4] = 0x34; // size one more than the URL fills
  assert.equal(probeOpcua(concat(badHel, hex`00`), 0, 52, off), PROBE.NO);
  assert.equal(probeOpcua(READ_REQ, 0, READ_REQ.length, off), PROBE.YES);
  assert.equal(probeOpcua(READ_REQ, 0, READ_REQ.length, HINT), PROBE.YES);
  const enc = msg('MSG', 'F', hex`05 00 00 00 01 00 00 00`, new Uint8Array(40).fill(0x5a));
  assert.equal(probeOpcua(enc, 0, enc.length, off), PROBE.NO);
  assert.equal(probeOpcua(enc, 0, enc.length, HINT), PROBE.YES);
  assert.equal(probeOpcua(hex`47 45 54 20 2f 20 48 54`, 0, 8, HINT), PROBE.NO); // "GET / HT"
  assert.equal(probeOpcua(hex`48 45 4c 43 30 00 00 00`, 0, 8, HINT), PROBE.NO); // HEL with chunk type C
});

test('fuzzing: random bytes and bit-flipped conversations never throw', () => {
  const stream = concat(...CONV.filter((c) => c.isOrig).map((c) => c.bytes));
  const back = concat(...CONV.filter((c) => !c.isOrig).map((c) => c.bytes));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(stream.length * 8 - 1), { maxLength: 30 }), fc.nat(stream.length), (rand, flips, cut) => {
      const m = stream.slice();
      for (const f of flips) m[f >> 3] ^= 1 << (f & 7);
      runSession(opcua, [C(true, m.subarray(0, cut)), C(false, back), C(true, m.subarray(cut)), C(false, rand)]);
      runSession(opcua, [C(true, concat(HEL, rand))]);
      probeOpcua(rand, 0, rand.length, HINT);
    }),
    { numRuns: 300 },
  );
});

test('docs/protocols/opcua.md documents every field and every event', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../docs/protocols/opcua.md', import.meta.url), 'utf8');
  const fields = opcua.records.opcua;
  assert.deepEqual(fields.slice(0, 6).map((f) => f.name), ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);
  for (const f of fields.slice(6)) assert.ok(doc.includes(`| \`${f.name}\` | ${f.type} |`), `opcua.${f.name} documented with its type`);
  for (const e of Object.keys(opcua.events)) assert.ok(doc.includes(`| \`opcua.${e}\` |`), `event opcua.${e} documented`);
});
