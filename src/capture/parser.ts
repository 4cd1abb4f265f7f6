// The contract between a capture file format and the pipeline. A parser is fed the file's
// bytes in chunks of any size (1 byte or 16 MiB), in order, and calls sink.frame() once per
// packet, synchronously, with a reused RawFrame (see frame.ts).
import type { FrameSink } from './frame.ts';

export interface CaptureParser {
  /** 'pcap' or 'pcapng'. */
  readonly format: string;
  /**
   * Feed the next bytes. Delivers every frame completed by them.
   * Throws PalisadeError (E_BAD_MAGIC, E_UNSUPPORTED_VERSION, E_CORRUPT_RECORD) with the byte offset
   * when the file cannot be read further; frames before that point have been delivered.
   */
  push(chunk: Uint8Array, sink: FrameSink): void;
  /** End of input. Throws PalisadeError E_TRUNCATED (with offset) when a record was left incomplete. */
  finish(): void;
  /** Frames delivered so far. */
  readonly frames: number;
  /** Bytes consumed so far (offset of the next record). */
  readonly offset: number;
  /** Link types seen, by interface, for stats. */
  readonly linktypes: readonly number[];
}
