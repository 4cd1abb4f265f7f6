// Option parsers and defaults of the command line. Light on purpose: main.ts loads this and
// commander only, and each command loads its own modules (the pipeline, the console) when it
// runs, so `palisade --help` or `palisade assets` do not load the packet pipeline.
import { InvalidArgumentError } from 'commander';
import { TCPDUMP_MAX_SNAPLEN } from '../capture/live.ts';

/** The console's default database. */
export const DEFAULT_DB = 'palisade-data/palisade.db';
/** `palisade demo`: its database and record directory. */
export const DEMO_DB = 'palisade-data/demo.db';
export const DEMO_OUT = 'palisade-out/demo';

export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1 (got "${v}")`);
    return n;
  };
}

export function positiveIntOrZero(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`${name} must be a port number 0-65535 (got "${v}")`);
    return n;
  };
}

export function seconds(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number of seconds above 0 (got "${v}")`);
    return n;
  };
}

/** Commander parser for --snaplen: 1 to 262144 bytes. */
export function parseSnaplen(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > TCPDUMP_MAX_SNAPLEN) throw new InvalidArgumentError(`--snaplen must be a whole number of bytes from 1 to ${TCPDUMP_MAX_SNAPLEN} (got "${v}")`);
  return n;
}

/** Commander parser for a number above 0 (--rotate-mb, --buffer-mb). */
export function positiveNumber(name: string, unit: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number of ${unit} above 0 (got "${v}")`);
    return n;
  };
}

/** --protocols: ids, comma-separated, or `none` ([]). Whether each id is known is checked when the run starts (analyze loads the protocols). */
export function parseProtocolList(v: string): string[] {
  if (v.trim() === 'none') return [];
  return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
