// Errors of the benchmark harness (not of Palisade): a stable code and a message that says what
// to do. bench/run.ts prints the message and exits 1.
export type BenchErrorCode =
  | 'E_USAGE' // bad command-line option
  | 'E_CAPTURE' // the capture is missing, unreadable or damaged
  | 'E_BUILD' // building plant-mix.pcap failed or its tools are missing
  | 'E_TOOL' // a benchmarked tool failed
  | 'E_INVALID'; // a result is not valid (e.g. fewer packets processed than the capture holds)

export class BenchError extends Error {
  readonly code: BenchErrorCode;
  constructor(code: BenchErrorCode, message: string) {
    super(message);
    this.name = 'BenchError';
    this.code = code;
  }
}
