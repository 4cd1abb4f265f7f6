// Byte arrays of the RDP connection sequence written from [MS-RDPBCGR] (shared by rdp.test.ts
// and the tshark check of test/rdp-corpus.test.ts): the §4.1.1 Connection Request
// ("Cookie: mstshash=eltons"), the §4.1.2 Confirm, an MCS Connect Initial with CS_CORE (the
// values of the §4.1.3 example client) and CS_NET, and a Connect Response with SC_SECURITY.
import { concat, hex } from '../../dissect/testing.ts';

export const ascii = (s: string) => new TextEncoder().encode(s);
export const le16 = (n: number) => new Uint8Array([n & 255, n >> 8]);
export const le32 = (n: number) => new Uint8Array([n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24]);
export function utf16(s: string, size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < s.length; i++) b.set(le16(s.charCodeAt(i)), 2 * i);
  return b;
}

/** §4.1.1 Client X.224 Connection Request PDU. */
export const CR = hex`03 00 00 2c  // TPKT header: version 3, length 44
  27                           // X.224 length indicator 39
  e0                           // TPDU_CONNECTION_REQUEST, credit 0
  00 00 00 00 00               // destination reference 0, source reference 0, class 0
  43 6f 6f 6b 69 65 3a 20 6d 73 74 73 68 61 73 68 3d 65 6c 74 6f 6e 73 0d 0a // "Cookie: mstshash=eltons" CR LF
  01 00 08 00                  // RDP_NEG_REQ: type 1, flags 0, length 8
  00 00 00 00                  // requestedProtocols: PROTOCOL_RDP`;
/** §4.1.2 Server X.224 Connection Confirm PDU. */
export const CC = hex`03 00 00 13  // TPKT header: length 19
  0e d0 00 00 12 34 00         // length indicator 14, TPDU_CONNECTION_CONFIRM, dst ref 0, src ref 0x1234, class 0
  02 00 08 00 00 00 00 00      // RDP_NEG_RSP: type 2, flags 0, length 8, selectedProtocol PROTOCOL_RDP`;

/** A TPKT holding an X.224 Data TPDU (02 f0 80) and `body`. */
export function dt(body: Uint8Array): Uint8Array {
  const n = 4 + 3 + body.length;
  return concat(new Uint8Array([3, 0, n >> 8, n & 255, 0x02, 0xf0, 0x80]), body);
}
/** A BER TLV with a long-form (2-byte) length. */
export function ber(tag: Uint8Array, value: Uint8Array): Uint8Array {
  return concat(tag, new Uint8Array([0x82, value.length >> 8, value.length & 255]), value);
}
export const DOMAIN_PARAMS = hex`30 19 02 01 22 02 01 02 02 01 00 02 01 01 02 01 00 02 01 01 02 02 ff ff 02 01 02 // DomainParameters: 34 channels, 2 users, 0 tokens, 1 priority, 0 throughput, 1 height, 65535 PDU size, protocol 2`;

/** TS_UD_CS_CORE with the §4.1.3 example client's values. */
export const CS_CORE = concat(
  hex`01 c0 d8 00                  // TS_UD_HEADER: CS_CORE, length 216`,
  hex`04 00 08 00                  // version 0x00080004 (RDP 5.0 and later)
      00 05 00 04                  // desktopWidth 1280, desktopHeight 1024
      01 ca 03 aa                  // colorDepth RNS_UD_COLOR_8BPP, SASSequence
      09 04 00 00                  // keyboardLayout 0x409 (US English)
      28 0a 00 00                  // clientBuild 2600`,
  utf16('ELTONS-DEV2', 32),        // clientName
  hex`04 00 00 00 00 00 00 00 0c 00 00 00 // keyboardType 4, keyboardSubType 0, keyboardFunctionKey 12`,
  new Uint8Array(64),              // imeFileName
  hex`01 ca 01 00 00 00 00 00      // postBeta2ColorDepth, clientProductId 1, serialNumber 0
      18 00 07 00 01 00            // highColorDepth 24, supportedColorDepths, earlyCapabilityFlags RNS_UD_CS_SUPPORT_ERRINFO_PDU`,
  utf16('69712-783-0357974-42714', 64), // clientDigProductId
  hex`00 00 00 00 00 00            // connectionType, pad1octet, serverSelectedProtocol`,
);
/** TS_UD_CS_NET: three static channels. */
export const CS_NET = hex`03 c0 2c 00  // TS_UD_HEADER: CS_NET, length 44
  03 00 00 00                    // channelCount 3
  72 64 70 64 72 00 00 00 00 00 80 80 // "rdpdr", options
  63 6c 69 70 72 64 72 00 00 00 a0 c0 // "cliprdr", options
  72 64 70 73 6e 64 00 00 00 00 00 c0 // "rdpsnd", options`;
/** GCC Conference Create Request (T.124 ConnectData): key object, "Duca", user data length. */
export function gccRequest(blocks: Uint8Array): Uint8Array {
  // T.124 ConnectData: key object 0.0.20.124.0.1, then the connectPDU's PER length and the
  // ConferenceCreateRequest (…, H.221 key "Duca", user data PER length, client data blocks).
  const pdu = concat(hex`00 08 00 10 00 01 c0 00 44 75 63 61 // ConferenceCreateRequest, "Duca"`, per(blocks.length), blocks);
  return concat(hex`00 05 00 14 7c 00 01`, per(pdu.length), pdu);
}
/** A PER length determinant (two bytes, 10xxxxxx xxxxxxxx, for 128..16383). */
export function per(n: number): Uint8Array {
  return n < 128 ? new Uint8Array([n]) : new Uint8Array([0x80 | (n >> 8), n & 255]);
}
export const CONNECT_INITIAL = dt(ber(hex`7f 65`, concat(
  hex`04 01 01 04 01 01 01 01 ff  // callingDomainSelector, calledDomainSelector, upwardFlag TRUE`,
  DOMAIN_PARAMS, DOMAIN_PARAMS, DOMAIN_PARAMS,
  ber(hex`04`, gccRequest(concat(CS_CORE, CS_NET))),
)));

/** GCC Conference Create Response: key object, connectPDU length, node id, tag 1, result 0 (success), "McDn", user data length, blocks. */
export function gccResponse(blocks: Uint8Array): Uint8Array {
  const pdu = concat(hex`14 76 0a 01 01 00 01 c0 00 4d 63 44 6e`, per(blocks.length), blocks);
  return concat(hex`00 05 00 14 7c 00 01`, per(pdu.length), pdu);
}

export const SC_SECURITY = concat(
  hex`02 0c`, le16(4 + 8 + 8 + 32 + 16),  // TS_UD_HEADER: SC_SECURITY, length 68
  hex`02 00 00 00 02 00 00 00 // encryptionMethod 128BIT, encryptionLevel CLIENT_COMPATIBLE`,
  le32(32), le32(16),                    // serverRandomLen, serverCertLen
  new Uint8Array(32).fill(0x5a),          // serverRandom
  hex`01 00 00 00  // dwVersion: CERT_CHAIN_VERSION_1 (proprietary), t bit clear (permanent)`, new Uint8Array(12),
);
export const CONNECT_RESPONSE = dt(ber(hex`7f 66`, concat(
  hex`0a 01 00 02 01 00  // result rt-successful, calledConnectId 0`,
  DOMAIN_PARAMS,
  ber(hex`04`, gccResponse(concat(
    hex`01 0c 0c 00 04 00 08 00 00 00 00 00  // SC_CORE, length 12: version 0x00080004, clientRequestedProtocols 0`,
    SC_SECURITY,
  ))),
)));

