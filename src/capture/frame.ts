// The first type of the pipeline: one captured frame, as a reader hands it to the decoder.
// A reader reuses one RawFrame for every frame and points `data` at its own buffer, so a
// frame is valid only during the call that receives it; a consumer that keeps bytes copies them.

/** Link-layer header types (tcpdump.org/linktypes.html) that Palisade decodes. */
export const LINKTYPE = {
  NULL: 0, // BSD loopback: 4-byte address family in the writer's byte order
  ETHERNET: 1,
  RAW: 101, // raw IPv4 or IPv6, version in the first nibble
  RAW_OLD_12: 12, // DLT_RAW on some BSDs
  RAW_OLD_14: 14, // DLT_RAW on OpenBSD
  LOOP: 108, // OpenBSD loopback: address family in network byte order
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export const LINKTYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'null',
  1: 'ethernet',
  12: 'raw',
  14: 'raw',
  101: 'raw',
  108: 'loop',
  113: 'linux_sll',
  228: 'ipv4',
  229: 'ipv6',
  276: 'linux_sll2',
};

export function linktypeName(linktype: number): string {
  return LINKTYPE_NAMES[linktype] ?? `linktype_${linktype}`;
}

const EMPTY = new Uint8Array(0);

export class RawFrame {
  /** Capture time, seconds since the epoch (fractional; µs or ns resolution as the file has it). */
  ts = 0;
  /** LINKTYPE_* of the interface the frame was captured on. */
  linktype = 0;
  /** The buffer holding the frame bytes at [offset, offset + caplen). Other bytes are not the frame's. */
  data: Uint8Array = EMPTY;
  offset = 0;
  /** Bytes captured (may be less than wirelen when the snap length cut the frame). */
  caplen = 0;
  /** Length of the frame on the wire. */
  wirelen = 0;
  /** pcapng interface id; 0 for pcap. */
  ifIndex = 0;
  /** Byte offset of this frame's record in the (decompressed) input file. */
  fileOffset = 0;
}

export interface FrameSink {
  frame(f: RawFrame): void;
}
