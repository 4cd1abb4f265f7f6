// MMS: PDUs built byte by byte from ISO 8327-1 (session), ISO 8823 (presentation),
// ISO 8650-1 (ACSE) and ISO 9506-2 (MMS), run through a TPKT/COTP test parent as the cotp
// protocol hands them over; the records they must give; the probe (session SPDUs, bare MMS,
// no S7comm); truncation at every offset; segmentation; malformed PDUs and their events;
// the pending cap; fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint, type SessionContext } from '../../dissect/types.ts';
import { mms } from './index.ts';
import { MAX_PENDING, MmsSession } from './session.ts';
import { testCotp, tpktDt } from './test-parent.ts';

const CONNECT = hex`
  0d 5c                                                                 // SPDU CONNECT (13), parameters
    05 06                                                               // PGI 5 connect/accept item
      13 01 00                                                          // PI 19 protocol options: none
      16 01 02                                                          // PI 22 version number: 2
    14 02 00 02                                                         // PI 20 session user requirements: duplex
    c1 4e                                                               // PGI 193 user data
      31 4c                                                             // CP-type PPDU (SET)
        a0 03                                                           // mode-selector
          80 01  01                                                     // mode-value 1: normal mode
        a2 45                                                           // normal-mode-parameters
          61 43                                                         // user-data: fully-encoded-data
            30 41                                                       // PDV-list
              02 01  01                                                 // presentation-context-identifier 1 (ACSE)
              a0 3c                                                     // single-ASN1-type
                60 3a                                                   // ACSE AARQ
                  a1 07                                                 // application-context-name
                    06 05  28 ca 22 02 03                               // OID 1.0.9506.2.3 (MMS)
                  be 2f                                                 // user-information
                    28 2d                                               // EXTERNAL
                      02 01  03                                         // indirect-reference: presentation context 3 (MMS)
                      a0 28                                             // encoding: single-ASN1-type
                        a8 26                                           // MMS initiate-RequestPDU
                          80 03  00 fd e8                               // localDetailCalling 65000
                          81 01  05                                     // proposedMaxServOutstandingCalling 5
                          82 01  05                                     // proposedMaxServOutstandingCalled 5
                          83 01  0a                                     // proposedDataStructureNestingLevel 10
                          a4 16                                         // mmsInitRequestDetail
                            80 01  01                                   // proposedVersionNumber 1
                            81 03  05 f1 00                             // proposedParameterCBB (bit string)
                            82 0c  03 ee 1c 00 00 04 00 00 00 01 00 18  // servicesSupportedCalling (bit string)
`;

const ACCEPT = hex`
  0e 67                                                                 // SPDU ACCEPT (14), parameters
    05 06                                                               // PGI 5 connect/accept item
      13 01 00                                                          // PI 19 protocol options: none
      16 01 02                                                          // PI 22 version number: 2
    14 02 00 02                                                         // PI 20 session user requirements: duplex
    c1 59                                                               // PGI 193 user data
      31 57                                                             // CPA-type PPDU (SET)
        a0 03                                                           // mode-selector
          80 01  01                                                     // mode-value 1: normal mode
        a2 50                                                           // normal-mode-parameters
          61 4e                                                         // user-data: fully-encoded-data
            30 4c                                                       // PDV-list
              02 01  01                                                 // presentation-context-identifier 1 (ACSE)
              a0 47                                                     // single-ASN1-type
                61 45                                                   // ACSE AARE
                  a1 07                                                 // application-context-name
                    06 05  28 ca 22 02 03                               // OID 1.0.9506.2.3 (MMS)
                  a2 03                                                 // result
                    02 01  00                                           // accepted (0)
                  a3 05                                                 // result-source-diagnostic
                    a1 03                                               // acse-service-user
                      02 01  00                                         // null (0)
                  be 2e                                                 // user-information
                    28 2c                                               // EXTERNAL
                      02 01  03                                         // indirect-reference: presentation context 3 (MMS)
                      a0 27                                             // encoding: single-ASN1-type
                        a9 25                                           // MMS initiate-ResponsePDU
                          80 02  7d 00                                  // localDetailCalled 32000
                          81 01  05                                     // negotiatedMaxServOutstandingCalling 5
                          82 01  05                                     // negotiatedMaxServOutstandingCalled 5
                          83 01  0a                                     // negotiatedDataStructureNestingLevel 10
                          a4 16                                         // mmsInitResponseDetail
                            80 01  01                                   // negotiatedVersionNumber 1
                            81 03  05 f1 00                             // negotiatedParameterCBB (bit string)
                            82 0c  03 ee 1c 00 00 04 00 00 00 01 00 18  // servicesSupportedCalled (bit string)
`;

const READ_REQ = hex`
  01 00                                                              // SPDU GIVE TOKENS, no parameters
  01 00                                                              // SPDU DATA TRANSFER, no parameters
  61 44                                                              // presentation user-data: fully-encoded-data
    30 42                                                            // PDV-list
      02 01  03                                                      // presentation-context-identifier 3 (MMS)
      a0 3d                                                          // single-ASN1-type
        a0 3b                                                        // MMS confirmed-RequestPDU
          02 01  01                                                  // invokeID 1
          a4 36                                                      // read
            a1 34                                                    // variableAccessSpecification
              a0 32                                                  // listOfVariable
                30 18                                                // variable 1
                  a0 16                                              // variableSpecification: name
                    a1 14                                            // domain-specific ObjectName
                      1a 03  4c 44 30                                // domainId "LD0"
                      1a 0d  4d 4d 58 55 31 24 4d 58 24 54 6f 74 57  // itemId "MMXU1$MX$TotW"
                30 16                                                // variable 2
                  a0 14                                              // variableSpecification: name
                    a1 12                                            // domain-specific ObjectName
                      1a 03  4c 44 30                                // domainId "LD0"
                      1a 0b  4c 4c 4e 30 24 53 54 24 4d 6f 64        // itemId "LLN0$ST$Mod"
`;

const READ_RES = hex`
  01 00                              // SPDU GIVE TOKENS, no parameters
  01 00                              // SPDU DATA TRANSFER, no parameters
  61 1a                              // presentation user-data: fully-encoded-data
    30 18                            // PDV-list
      02 01  03                      // presentation-context-identifier 3 (MMS)
      a0 13                          // single-ASN1-type
        a1 11                        // MMS confirmed-ResponsePDU
          02 01  01                  // invokeID 1
          a4 0c                      // read
            a1 0a                    // listOfAccessResult
              87 05  08 3f c0 00 00  // success: floating-point, exponent width 8, IEEE single 1.5
              80 01  03              // failure: object-access-denied (3)
`;

const WRITE_REQ = hex`
  01 00                                                                        // SPDU GIVE TOKENS, no parameters
  01 00                                                                        // SPDU DATA TRANSFER, no parameters
  61 38                                                                        // presentation user-data: fully-encoded-data
    30 36                                                                      // PDV-list
      02 01  03                                                                // presentation-context-identifier 3 (MMS)
      a0 31                                                                    // single-ASN1-type
        a0 2f                                                                  // MMS confirmed-RequestPDU
          02 01  02                                                            // invokeID 2
          a5 2a                                                                // write
            a0 1e                                                              // variableAccessSpecification: listOfVariable
              30 1c                                                            // variable
                a0 1a                                                          // variableSpecification: name
                  a1 18                                                        // domain-specific ObjectName
                    1a 03  4c 44 30                                            // domainId "LD0"
                    1a 11  43 53 57 49 31 24 43 4f 24 50 6f 73 24 4f 70 65 72  // itemId "CSWI1$CO$Pos$Oper"
            a0 08                                                              // listOfData
              a2 06                                                            // structure
                83 01  ff                                                      // boolean TRUE
                85 01  fe                                                      // integer -2
`;

const WRITE_RES = hex`
  01 00              // SPDU GIVE TOKENS, no parameters
  01 00              // SPDU DATA TRANSFER, no parameters
  61 10              // presentation user-data: fully-encoded-data
    30 0e            // PDV-list
      02 01  03      // presentation-context-identifier 3 (MMS)
      a0 09          // single-ASN1-type
        a1 07        // MMS confirmed-ResponsePDU
          02 01  02  // invokeID 2
          a5 02      // write
            81 00    // success (NULL)
`;

const GNL_REQ = hex`
  01 00                        // SPDU GIVE TOKENS, no parameters
  01 00                        // SPDU DATA TRANSFER, no parameters
  61 1a                        // presentation user-data: fully-encoded-data
    30 18                      // PDV-list
      02 01  03                // presentation-context-identifier 3 (MMS)
      a0 13                    // single-ASN1-type
        a0 11                  // MMS confirmed-RequestPDU
          02 01  03            // invokeID 3
          a1 0c                // getNameList
            a0 03              // extendedObjectClass
              80 01  00        // objectClass 0: namedVariable
            a1 05              // objectScope
              81 03  4c 44 30  // domainSpecific "LD0"
`;

const GNL_RES = hex`
  01 00                              // SPDU GIVE TOKENS, no parameters
  01 00                              // SPDU DATA TRANSFER, no parameters
  61 20                              // presentation user-data: fully-encoded-data
    30 1e                            // PDV-list
      02 01  03                      // presentation-context-identifier 3 (MMS)
      a0 19                          // single-ASN1-type
        a1 17                        // MMS confirmed-ResponsePDU
          02 01  03                  // invokeID 3
          a1 12                      // getNameList
            a0 0d                    // listOfIdentifier
              1a 04  4c 4c 4e 30     // "LLN0"
              1a 05  4d 4d 58 55 31  // "MMXU1"
            81 01  00                // moreFollows FALSE
`;

const IDENTIFY_REQ = hex`
  01 00              // SPDU GIVE TOKENS, no parameters
  01 00              // SPDU DATA TRANSFER, no parameters
  61 0e              // presentation user-data: fully-encoded-data
    30 0c            // PDV-list
      02 01  03      // presentation-context-identifier 3 (MMS)
      a0 07          // single-ASN1-type
        a0 05        // MMS confirmed-RequestPDU
          02 01  04  // invokeID 4
          82 00      // identify (NULL)
`;

const IDENTIFY_RES = hex`
  01 00                            // SPDU GIVE TOKENS, no parameters
  01 00                            // SPDU DATA TRANSFER, no parameters
  61 20                            // presentation user-data: fully-encoded-data
    30 1e                          // PDV-list
      02 01  03                    // presentation-context-identifier 3 (MMS)
      a0 19                        // single-ASN1-type
        a1 17                      // MMS confirmed-ResponsePDU
          02 01  04                // invokeID 4
          a2 12                    // identify
            80 04  41 43 4d 45     // vendorName "ACME"
            81 05  49 45 44 2d 39  // modelName "IED-9"
            82 03  31 2e 32        // revision "1.2"
`;

const FILE_OPEN_REQ = hex`
  01 00                                                                        // SPDU GIVE TOKENS, no parameters
  01 00                                                                        // SPDU DATA TRANSFER, no parameters
  61 29                                                                        // presentation user-data: fully-encoded-data
    30 27                                                                      // PDV-list
      02 01  03                                                                // presentation-context-identifier 3 (MMS)
      a0 22                                                                    // single-ASN1-type
        a0 20                                                                  // MMS confirmed-RequestPDU
          02 01  05                                                            // invokeID 5
          bf 48 1a                                                             // fileOpen [72]
            a0 15                                                              // fileName
              19 13  43 4f 4d 54 52 41 44 45 2f 66 61 75 6c 74 31 2e 63 66 67  // GraphicString "COMTRADE/fault1.cfg"
            81 01  00                                                          // initialPosition 0
`;

const FILE_OPEN_ERR = hex`
  01 00                  // SPDU GIVE TOKENS, no parameters
  01 00                  // SPDU DATA TRANSFER, no parameters
  61 13                  // presentation user-data: fully-encoded-data
    30 11                // PDV-list
      02 01  03          // presentation-context-identifier 3 (MMS)
      a0 0c              // single-ASN1-type
        a2 0a            // MMS confirmed-ErrorPDU
          80 01  05      // invokeID 5
          a2 05          // serviceError
            a0 03        // errorClass
              8b 01  07  // file [11]: file-non-existent (7)
`;

const REPORT = hex`
  01 00                                                                     // SPDU GIVE TOKENS, no parameters
  01 00                                                                     // SPDU DATA TRANSFER, no parameters
  61 2f                                                                     // presentation user-data: fully-encoded-data
    30 2d                                                                   // PDV-list
      02 01  03                                                             // presentation-context-identifier 3 (MMS)
      a0 28                                                                 // single-ASN1-type
        a3 26                                                               // MMS unconfirmed-PDU
          a0 24                                                             // informationReport
            a1 05                                                           // variableAccessSpecification: variableListName
              80 03  52 50 54                                               // vmd-specific "RPT"
            a0 1b                                                           // listOfAccessResult
              8a 12  4c 44 30 2f 4c 4c 4e 30 24 42 52 24 62 72 63 62 30 31  // visible-string "LD0/LLN0$BR$brcb01"
              86 01  07                                                     // unsigned 7
              84 02  06 80                                                  // bit-string, 6 unused bits: 10
`;

const CONCLUDE_REQ = hex`
  01 00          // SPDU GIVE TOKENS, no parameters
  01 00          // SPDU DATA TRANSFER, no parameters
  61 09          // presentation user-data: fully-encoded-data
    30 07        // PDV-list
      02 01  03  // presentation-context-identifier 3 (MMS)
      a0 02      // single-ASN1-type
        8b 00    // MMS conclude-RequestPDU (NULL)
`;

const CONCLUDE_RES = hex`
  01 00          // SPDU GIVE TOKENS, no parameters
  01 00          // SPDU DATA TRANSFER, no parameters
  61 09          // presentation user-data: fully-encoded-data
    30 07        // PDV-list
      02 01  03  // presentation-context-identifier 3 (MMS)
      a0 02      // single-ASN1-type
        8c 00    // MMS conclude-ResponsePDU (NULL)
`;

const FINISH = hex`
  09 13                  // SPDU FINISH (9)
    11 01 03             // PI 17 transport disconnect: release
    c1 0e                // PGI 193 user data
      61 0c              // fully-encoded-data
        30 0a            // PDV-list
          02 01  01      // presentation-context-identifier 1 (ACSE)
          a0 05          // single-ASN1-type
            62 03        // ACSE RLRQ
              80 01  00  // reason: normal (0)
`;

const DISCONNECT = hex`
  0a 10                  // SPDU DISCONNECT (10)
    c1 0e                // PGI 193 user data
      61 0c              // fully-encoded-data
        30 0a            // PDV-list
          02 01  01      // presentation-context-identifier 1 (ACSE)
          a0 05          // single-ASN1-type
            63 03        // ACSE RLRE
              80 01  00  // reason: normal (0)
`;

const BARE_CANCEL = hex`
  85 01  09  // MMS cancel-RequestPDU: invokeID 9 (no session or presentation layer)
`;

// ---- helpers ----

const HINT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 49152, dstPort: 102 };
const orig = (b: Uint8Array): Chunk => ({ isOrig: true, bytes: tpktDt(b) });
const resp = (b: Uint8Array): Chunk => ({ isOrig: false, bytes: tpktDt(b) });
const runMms = (chunks: Chunk[]) => runSession(testCotp, chunks, { children: [mms] });
/** A record without the flow header and without unset fields. */
function fields(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined && !['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'rtt'].includes(k)) out[k] = v;
  return out;
}

const CONVERSATION: Chunk[] = [
  orig(CONNECT),
  resp(ACCEPT),
  orig(READ_REQ),
  resp(READ_RES),
  orig(WRITE_REQ),
  resp(WRITE_RES),
  orig(GNL_REQ),
  resp(GNL_RES),
  orig(IDENTIFY_REQ),
  resp(IDENTIFY_RES),
  orig(FILE_OPEN_REQ),
  resp(FILE_OPEN_ERR),
  resp(REPORT),
  orig(CONCLUDE_REQ),
  resp(CONCLUDE_RES),
  orig(FINISH),
  resp(DISCONNECT),
];

// ---- records ----

test('an association and its services give one record per transaction, as the PDUs encode them', () => {
  const r = runMms(CONVERSATION);
  assert.deepEqual(r.events, []);
  assert.deepEqual(r.children, ['mms']);
  assert.equal(r.confirmed, true);
  const recs = r.records.filter(([t]) => t === 'mms').map(([, x]) => fields(x));
  assert.deepEqual(recs, [
    {
      is_orig: true, pdu_type: 'initiate-RequestPDU', pdu_type_code: 8, response_pdu_type: 'initiate-ResponsePDU', response_pdu_type_code: 9,
      max_pdu_size_calling: 65000, max_pdu_size_called: 32000, version_proposed: 1, version_negotiated: 1,
    },
    {
      is_orig: true, invoke_id: 1, pdu_type: 'confirmed-RequestPDU', pdu_type_code: 0, response_pdu_type: 'confirmed-ResponsePDU', response_pdu_type_code: 1,
      service: 'read', service_code: 4, domain_id: ['LD0', 'LD0'], item_id: ['MMXU1$MX$TotW', 'LLN0$ST$Mod'],
      data_count: 2, data_types: ['floating-point', 'failure'], data_values: ['1.5', 'failure:object-access-denied'],
    },
    {
      is_orig: true, invoke_id: 2, pdu_type: 'confirmed-RequestPDU', pdu_type_code: 0, response_pdu_type: 'confirmed-ResponsePDU', response_pdu_type_code: 1,
      service: 'write', service_code: 5, domain_id: ['LD0'], item_id: ['CSWI1$CO$Pos$Oper'],
      data_count: 1, data_types: ['structure'], data_values: ['{true,-2}'], write_results: ['success'],
    },
    {
      is_orig: true, invoke_id: 3, pdu_type: 'confirmed-RequestPDU', pdu_type_code: 0, response_pdu_type: 'confirmed-ResponsePDU', response_pdu_type_code: 1,
      service: 'getNameList', service_code: 1, domain_id: ['LD0'], object_class: 'namedVariable', object_class_code: 0,
      name_list: ['LLN0', 'MMXU1'], more_follows: false,
    },
    {
      is_orig: true, invoke_id: 4, pdu_type: 'confirmed-RequestPDU', pdu_type_code: 0, response_pdu_type: 'confirmed-ResponsePDU', response_pdu_type_code: 1,
      service: 'identify', service_code: 2, vendor: 'ACME', model: 'IED-9', revision: '1.2',
    },
    {
      is_orig: true, invoke_id: 5, pdu_type: 'confirmed-RequestPDU', pdu_type_code: 0, response_pdu_type: 'confirmed-ErrorPDU', response_pdu_type_code: 2,
      service: 'fileOpen', service_code: 72, file_name: 'COMTRADE/fault1.cfg',
      error_class: 'file', error_class_code: 11, error_code: 7, error_name: 'file-non-existent',
    },
    {
      is_orig: false, pdu_type: 'unconfirmed-PDU', pdu_type_code: 3, service: 'informationReport', service_code: 0, variable_list: 'RPT',
      data_count: 3, data_types: ['visible-string', 'unsigned', 'bit-string'], data_values: ['LD0/LLN0$BR$brcb01', '7', '10'],
    },
    {
      is_orig: true, pdu_type: 'conclude-RequestPDU', pdu_type_code: 11, response_pdu_type: 'conclude-ResponsePDU', response_pdu_type_code: 12,
    },
  ]);
  // A transaction record carries the request's time and the time to the answer.
  const read = r.records.find(([, x]) => x.service === 'read')![1];
  assert.ok(Math.abs((read.ts as number) - 1700000000.003) < 1e-6);
  assert.ok(Math.abs((read.rtt as number) - 0.001) < 1e-6);
});

test('MMS straight on COTP (no session or presentation layer) is read too', () => {
  const r = runMms([orig(BARE_CANCEL)]);
  assert.deepEqual(r.records.map(([, x]) => fields(x)), [{ is_orig: true, invoke_id: 9, pdu_type: 'cancel-RequestPDU', pdu_type_code: 5 }]);
});

test('unanswered requests are written at the end; a response without its request stands alone', () => {
  const r = runMms([orig(CONNECT), orig(READ_REQ), resp(IDENTIFY_RES)]);
  const recs = r.records.map(([, x]) => x);
  assert.deepEqual(r.events.map((e) => e.name), ['unmatched_response']);
  const lone = recs.find((x) => x.response_pdu_type === 'confirmed-ResponsePDU')!;
  assert.equal(lone.pdu_type, undefined);
  assert.equal(lone.is_orig, true, 'the request would have come from the originator');
  assert.equal(lone.vendor, 'ACME');
  const pendingRead = recs.find((x) => x.service === 'read')!;
  assert.equal(pendingRead.response_pdu_type, undefined);
  assert.equal(pendingRead.rtt, undefined);
  assert.equal(recs.filter((x) => x.pdu_type === 'initiate-RequestPDU').length, 1);
});

// ---- probe ----

test('probe: session SPDUs carrying MMS and bare MMS PDUs are MMS; S7comm, S7comm-plus and other payloads are not', () => {
  for (const b of [CONNECT, ACCEPT, READ_REQ, REPORT, CONCLUDE_REQ, FINISH, BARE_CANCEL]) assert.equal(mms.probe(b, 0, b.length, HINT), PROBE.YES, [...b.subarray(0, 4)].join(','));
  const s7 = hex`32 01 00 00 00 01 00 08 00 00  f0 00 00 01 00 01 01 e0  // S7comm job: setup communication`;
  const s7plus = hex`72 01 00 1e 31 00 00 04 ca 00 00 00 01 00 00 01 20 36 00 00 01 1d 00 04 00 00 00 00 00 a1 00 00 00 d3 82 1f 00 00 a3 81 69 00 15 00 // S7comm-plus`;
  assert.equal(mms.probe(s7, 0, s7.length, HINT), PROBE.NO);
  assert.equal(mms.probe(s7plus, 0, s7plus.length, HINT), PROBE.NO);
  assert.equal(mms.probe(hex`01 00 01 00 99 99`, 0, 6, HINT), PROBE.NO, 'DATA TRANSFER without a presentation PPDU');
  assert.equal(mms.probe(hex`a0 03 02 01 01`, 0, 5, HINT), PROBE.NO, 'a confirmed request without its service');
  assert.equal(mms.probe(hex`a8 26 80`, 0, 3, HINT), PROBE.NO, 'a PDU whose length runs past the TSDU');
  for (const p of prefixes(CONNECT)) assert.notEqual(mms.probe(p, 0, p.length, HINT), PROBE.MAYBE, 'a child probe sees whole TSDUs: YES or NO');
});

// ---- segmentation and truncation ----

/** Records without the times (segmentation changes chunk times, hence ts and rtt, not content). */
const content = (chunks: Chunk[]) => withoutTs(runMms(chunks)).map(([t, r]) => [t, { ...r, rtt: undefined }]);

test('the same records whatever the TCP segmentation', () => {
  const whole = content(CONVERSATION);
  const conv = CONVERSATION.slice(0, 6);
  const short = content(conv);
  for (const chunks of everySplit(conv)) assert.deepEqual(content(chunks), short);
  assert.deepEqual(content(bytewise(CONVERSATION)), whole);
});

test('truncation at every offset of every TSDU: no exception, and nothing named that the bytes do not hold', () => {
  const all = [CONNECT, ACCEPT, READ_REQ, READ_RES, WRITE_REQ, WRITE_RES, GNL_REQ, GNL_RES, IDENTIFY_REQ, IDENTIFY_RES, FILE_OPEN_REQ, FILE_OPEN_ERR, REPORT, CONCLUDE_REQ, FINISH, DISCONNECT, BARE_CANCEL];
  for (const pdu of all) {
    for (const p of prefixes(pdu)) {
      const records: Record<string, unknown>[] = [];
      const events: string[] = [];
      const ctx = {
        protocol: 'mms', ts: 1, flow: { uid: 'C', transport: 'tcp', origH: 'a', origP: 1, respH: 'b', respP: 102, origMac: '', respMac: '', vlan: -1 },
        record: (_t: string, f: Record<string, unknown>) => records.push(f),
        rawRecord: () => {},
        event: (n: string) => events.push(n),
        valid: () => {},
        confirm: () => {},
        reject: () => {},
        openChild: () => null,
      } as unknown as SessionContext;
      const s = new MmsSession(ctx);
      s.data(true, p, 0, p.length);
      s.end();
      for (const r of records) {
        for (const name of (r.item_id as string[] | undefined) ?? []) assert.ok(new TextDecoder('latin1').decode(p).includes(name), `item ${name} from a ${p.length}-byte prefix`);
      }
    }
  }
});

// ---- malformed PDUs ----

test('malformed PDUs raise the declared events and the connection goes on', () => {
  const badLi = CONNECT.slice();
  badLi[1] = 0xfe; // LI beyond the TSDU
  const badPres = concat(hex`01 00 01 00`, hex`05 01 00  // not a PPDU tag`);
  const badBer = READ_REQ.slice();
  badBer[badBer.length - 20] = 0x7f; // a length inside the read request runs past its container
  const unknownPdu = hex`01 00 01 00  61 0a  30 08  02 01 03  a0 03  ae 01 00  // MMSpdu [14] does not exist`;
  const noService = hex`01 00 01 00  61 0b  30 09  02 01 03  a0 04  a0 02 02 00  // confirmed-RequestPDU without its service`;
  const r = runMms([
    orig(CONNECT), // the first TSDU opens the child (the parent probes with it)
    orig(badLi), orig(badPres), orig(badBer), orig(unknownPdu), orig(noService),
    orig(IDENTIFY_REQ), orig(IDENTIFY_REQ), resp(IDENTIFY_RES),
  ]);
  const names = new Set(r.events.map((e) => e.name));
  for (const ev of ['bad_session', 'bad_presentation', 'bad_ber', 'unknown_pdu', 'bad_pdu', 'duplicate_invoke_id']) assert.ok(names.has(ev), `${ev}: ${[...names].join(', ')}`);
  const ids = r.records.filter(([, x]) => x.service === 'identify').map(([, x]) => x.response_pdu_type);
  assert.deepEqual(ids.sort(), ['confirmed-ResponsePDU', undefined], 'the repeated request answered, the first written unanswered');
});

test('the pending cap writes the oldest request unanswered and raises too_many_pending', () => {
  const chunks: Chunk[] = [];
  for (let i = 0; i <= MAX_PENDING; i++) {
    // confirmed-RequestPDU { invokeID i (2 bytes), identify }
    chunks.push(orig(hex`01 00 01 00  61 0f  30 0d  02 01 03  a0 08  a0 06  02 02 ${(i >> 8).toString(16).padStart(2, '0')} ${(i & 255).toString(16).padStart(2, '0')}  82 00`));
  }
  const r = runMms(chunks);
  assert.equal(r.events.filter((e) => e.name === 'too_many_pending').length, 1);
  assert.equal(r.records.length, MAX_PENDING + 1);
  assert.equal(r.records[0][1].invoke_id, 0, 'the oldest goes first');
});

// ---- fuzzing ----

test('fuzz: random TSDUs and bit flips of the conversation never throw', () => {
  const stream = concat(...CONVERSATION.map((c) => c.bytes));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (body) => {
      runMms([orig(body), resp(body)]);
      const s = new MmsSession({ protocol: 'mms', ts: 0, record() {}, rawRecord() {}, event() {}, valid() {}, confirm() {}, reject() {}, openChild: () => null } as unknown as SessionContext);
      s.data(true, body, 0, body.length);
      s.end();
      return true;
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
      const b = stream.slice();
      for (const [i, x] of flips) b[i] ^= x;
      runMms([{ isOrig: true, bytes: b }]);
      return true;
    }),
    { numRuns: 500 },
  );
});
