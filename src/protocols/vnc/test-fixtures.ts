// Byte arrays of an RFB 3.8 handshake written from RFC 6143 (shared by vnc.test.ts and the
// tshark check of test/vnc-corpus.test.ts).
import { hex, type Chunk } from '../../dissect/testing.ts';

const C = (isOrig: boolean, bytes: Uint8Array): Chunk => ({ isOrig, bytes });

export const V38 = hex`52 46 42 20 30 30 33 2e 30 30 38 0a // "RFB 003.008" LF`;
export const V33 = hex`52 46 42 20 30 30 33 2e 30 30 33 0a // "RFB 003.003" LF`;
export const TYPES = hex`02     // number-of-security-types 2
  02 10                   // VNC Authentication (2), Tight (16)`;
export const SELECT_VNC = hex`02  // security-type chosen: VNC Authentication`;
export const CHALLENGE = hex`00112233445566778899aabbccddeeff // 16-byte challenge`;
export const RESPONSE = hex`ffeeddccbbaa99887766554433221100 // 16-byte DES response`;
export const RESULT_OK = hex`00 00 00 00  // SecurityResult OK`;
export const RESULT_FAILED = hex`00 00 00 01  // SecurityResult failed`;
export const REASON = hex`00 00 00 0c  // reason-length 12
  50 61 73 73 77 6f 72 64 20 62 61 64            // "Password bad"`;
export const CLIENT_INIT = hex`01  // shared-flag: share the desktop`;
export const SERVER_INIT = hex`05 00 03 20  // framebuffer-width 1280, framebuffer-height 800
  20 18 00 01 00 ff 00 ff 00 ff 10 08 00 00 00 00 // PIXEL_FORMAT: 32 bpp, depth 24, little-endian, true colour, max 255/255/255, shifts 16/8/0, padding
  00 00 00 07                                   // name-length 7
  48 4d 49 2d 4c 69 6e 65 33 00 00 00 00 00`.subarray(0, 24 + 7); // name "HMI-Lin" (the rest is not part of the message)
export const NAME = 'HMI-Lin';

export const LOGIN_OK: Chunk[] = [
  C(false, V38), C(true, V38), C(false, TYPES), C(true, SELECT_VNC), C(false, CHALLENGE), C(true, RESPONSE),
  C(false, RESULT_OK), C(true, CLIENT_INIT), C(false, SERVER_INIT),
];

