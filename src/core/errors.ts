// Every error that is not about packet contents is a PalisadeError with a stable code, a
// message that says what to do, and the process exit code the CLI uses for it.
// Packet contents never raise errors: they are counted (see src/core/counters.ts).
// test/errors.test.ts pins this registry: codes and exit codes, once released, do not change.

/** Exit codes of the `palisade` command, documented in docs/cli.md. */
export const EXIT = {
  OK: 0,
  /** A bug in Palisade: an unexpected exception. */
  INTERNAL: 1,
  /** Bad command line: unknown option, missing argument, invalid value. */
  USAGE: 2,
  /** An input could not be read at all: missing file, not a capture, unsupported format. */
  INPUT: 3,
  /** An input is damaged (truncated, corrupt block): records up to the damage were kept. */
  DAMAGED: 4,
  /** Live capture could not start or failed (tcpdump missing, no permission, no interface). */
  CAPTURE: 5,
  /** Writing the output failed (disk full, permission). */
  OUTPUT: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const ERRORS = {
  E_USAGE: { exit: EXIT.USAGE, summary: 'invalid command-line usage' },
  E_NODE_VERSION: { exit: EXIT.USAGE, summary: 'Node.js is older than 24' },
  E_INPUT_NOT_FOUND: { exit: EXIT.INPUT, summary: 'input path does not exist' },
  E_INPUT_UNREADABLE: { exit: EXIT.INPUT, summary: 'input cannot be read (permission, I/O error)' },
  E_INPUT_EMPTY_DIR: { exit: EXIT.INPUT, summary: 'a directory holds no capture files' },
  E_BAD_MAGIC: { exit: EXIT.INPUT, summary: 'not a pcap, pcapng or gzip-compressed capture' },
  E_UNSUPPORTED_VERSION: { exit: EXIT.INPUT, summary: 'capture format version not supported' },
  E_TRUNCATED: { exit: EXIT.DAMAGED, summary: 'capture ends in the middle of a record' },
  E_CORRUPT_RECORD: { exit: EXIT.DAMAGED, summary: 'record or block length is impossible' },
  E_GZIP: { exit: EXIT.DAMAGED, summary: 'gzip stream is corrupt or truncated' },
  E_CAPTURE_START: { exit: EXIT.CAPTURE, summary: 'live capture could not start' },
  E_CAPTURE_FAILED: { exit: EXIT.CAPTURE, summary: 'live capture stopped with an error' },
  E_OUTPUT: { exit: EXIT.OUTPUT, summary: 'output could not be written' },
  E_WORKER: { exit: EXIT.INTERNAL, summary: 'a worker thread failed' },
  E_NO_INVENTORY: { exit: EXIT.INPUT, summary: 'an output directory holds no (readable) assets.json' },
  E_STORE: { exit: EXIT.OUTPUT, summary: 'the database cannot be opened or written' },
  E_USER_EXISTS: { exit: EXIT.USAGE, summary: 'a user of that name exists already' },
  E_SERVE: { exit: EXIT.OUTPUT, summary: 'the console cannot listen on the address and port' },
  E_VENDOR_TABLE: { exit: EXIT.USAGE, summary: 'a vendor table given on the command line cannot be read or names no vendor' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class PalisadeError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  /** The file the error is about, when there is one. */
  readonly file: string | undefined;
  /** Byte offset in the (decompressed) file where the problem starts, when known. */
  readonly offset: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { file?: string; offset?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PalisadeError';
    this.code = code;
    this.exitCode = ERRORS[code].exit;
    this.file = opts.file;
    this.offset = opts.offset;
  }
}

export function isPalisadeError(e: unknown): e is PalisadeError {
  return e instanceof PalisadeError;
}
