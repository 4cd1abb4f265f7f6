// `palisade capture`: live capture as a sensor. tcpdump (src/capture/live.ts) feeds the same
// pipeline as `palisade analyze`; flows end by timeout as the capture goes on; the raw packets
// go into rotating pcap files; stats.json is rewritten every 10 s and at the end. docs/capture.md.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LiveCapture, PcapRotator, type LiveCaptureEnd, type TcpdumpStats } from '../capture/live.ts';
import { PalisadeError, isPalisadeError } from '../core/errors.ts';
import { writeTextAtomic } from '../core/atomic-write.ts';
import { RecordOutput, type RecordFormat } from '../events/ndjson.ts';
import type { FlowConfig } from '../flow/flow-table.ts';
import { VERSION } from '../pipeline/analyze.ts';
import { Engine } from '../pipeline/engine.ts';
import { defaultRegistry } from '../protocols/index.ts';
import { buildStats, type AnalysisStats } from '../pipeline/stats.ts';
import { ConnSummary, fmtBytes, groupDigits } from '../pipeline/summary.ts';
import { AssetFeed, INVENTORY_FILES, RecordSpan } from '../assets/feed.ts';
import { mappersFor } from '../assets/mappers.ts';
import { loadProfinetVendors } from '../assets/profinet-vendors.ts';

export interface CaptureCliOptions {
  interface: string;
  filter?: string;
  out: string;
  format: RecordFormat;
  snaplen?: number;
  rotateSeconds?: number;
  rotateMb?: number;
  keepFiles: number;
  pcap: boolean;
  bufferMb?: number;
  tcpdump?: string;
  summary: boolean;
  /** PI's Man_ID_Table.xml (--profinet-vendors). */
  profinetVendors?: string;
  /** Seconds between rewrites of the inventory's files (--inventory-every; default DEFAULT_INVENTORY_EVERY_S). */
  inventoryEvery?: number;
}

/** The `capture` section of stats.json (the rest is analyze's shape). */
export interface CaptureStats {
  interface: string;
  /** The BPF filter, or null for none. */
  filter: string | null;
  snaplen: number;
  tcpdump: string;
  /** True in the copies written while the capture runs, false in the final one. */
  running: boolean;
  /** When the capture ended (ISO 8601); null while it runs. */
  ended: string | null;
  /** tcpdump's own counts from its latest report (null before the first one). */
  packets_captured: number | null;
  packets_received_by_filter: number | null;
  packets_dropped_by_kernel: number | null;
  /** Present only when tcpdump printed it (it does only when non-zero). */
  packets_dropped_by_interface?: number;
  /** This run's pcap files still on disk, oldest first. */
  pcap_files: string[];
  /** Files deleted to keep --keep-files. */
  pcap_files_deleted: number;
  /** Why the capture ended, when it was not stopped by a signal; null otherwise (and while it runs). */
  error: { code: string; message: string } | null;
}

export interface CaptureRunStats extends AnalysisStats {
  capture: CaptureStats;
}

const DEFAULT_ROTATE_SECONDS = 3600;
const STATS_EVERY_MS = 10_000;
/** How often a live sensor rewrites its inventory files (and once at the end), unless --inventory-every says. */
export const DEFAULT_INVENTORY_EVERY_S = 300;
const TICK_MS = 1000;

export async function runCapture(o: CaptureCliOptions, flow: Partial<FlowConfig>): Promise<number> {
  const started = new Date();
  const t0 = performance.now();
  const profinetVendors = o.profinetVendors !== undefined ? loadProfinetVendors(o.profinetVendors).names : undefined;
  const statsPath = join(o.out, 'stats.json');
  try {
    mkdirSync(o.out, { recursive: true });
  } catch (e) {
    throw new PalisadeError('E_OUTPUT', `${o.out}: cannot create the output directory (${(e as Error).message}); choose a writable directory`, { file: o.out, cause: e });
  }

  // Rotate hourly unless a size limit alone was asked for.
  const rotateSeconds = o.rotateSeconds ?? (o.rotateMb === undefined ? DEFAULT_ROTATE_SECONDS : 0);
  const rotator = o.pcap
    ? new PcapRotator({ dir: join(o.out, 'pcap'), rotateSeconds, rotateBytes: o.rotateMb === undefined ? 0 : Math.round(o.rotateMb * 1_000_000), keepFiles: o.keepFiles })
    : null;
  const inventoryEveryMs = (o.inventoryEvery ?? DEFAULT_INVENTORY_EVERY_S) * 1000;
  // The inventory is built on a thread of its own, as analyze's (docs/assets.md): it is sent
  // the lines of the NDJSON files as they are written (other formats: lines made for it), and
  // writes its files itself every few minutes, so the packet path never waits for a finalize.
  const mappers = mappersFor({ profinetVendors });
  let snapshotFailure: PalisadeError | null = null;
  let feedFailureShown = false;
  const feed = new AssetFeed({
    types: [...mappers.keys(), 'conn'],
    profinetVendors,
    onSnapshotError: (e) => (snapshotFailure ??= e),
    retry: 'the inventory files are those last written while capturing; start the capture again',
  });
  const tapped = o.format === 'ndjson';
  let output: RecordOutput;
  try {
    output = new RecordOutput(o.out, { format: o.format, tap: tapped ? feed : undefined });
  } catch (e) {
    await feed.terminate();
    throw e;
  }
  const summary = new ConnSummary(output);
  // The time of every record, those the inventory is not sent included (its span, its learning hour).
  const span = new RecordSpan();
  const engine = new Engine(
    {
      write: (t, r) => {
        summary.write(t, r);
        span.see(r);
        if (!tapped) feed.record(t, r);
      },
    },
    { flow, registry: defaultRegistry() },
  );
  const inventoryMeta = (final: boolean) => ({ palisade_version: VERSION, generated: new Date().toISOString(), live: !final });
  /** The inventory at the end: its changes as records, its files written by its thread meanwhile. */
  const finalInventory = async (): Promise<void> => {
    output.flush();
    feed.span(span.first, span.last);
    const end = await feed.end(false);
    const written = feed.files(o.out, inventoryMeta(true), true);
    for (const c of end.changes) output.write('asset_changes', c);
    await written;
  };

  // Ctrl-C / SIGTERM: tcpdump finishes, its last output is read, then everything is flushed.
  // A second one quits at once. Installed before tcpdump starts, so a Ctrl-C while it opens
  // the interface is not lost (the capture then stops as soon as it has started).
  let current: LiveCapture | null = null;
  let stopSignal: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopSignal === null) {
      stopSignal = sig;
      process.stderr.write(`palisade: ${sig}: stopping the capture (again to quit at once)\n`);
      current?.stop(sig === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
      return;
    }
    current?.kill();
    process.stderr.write(`palisade: ${sig} again: quitting at once; ${statsPath} and the records may be incomplete\n`);
    process.exit(sig === 'SIGTERM' ? 143 : 130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const removeSignals = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };

  let live: LiveCapture;
  try {
    live = await LiveCapture.start({
      iface: o.interface,
      filter: o.filter,
      snaplen: o.snaplen,
      bufferKiB: o.bufferMb === undefined ? undefined : Math.round(o.bufferMb * 1024),
      tcpdump: o.tcpdump,
      sink: engine,
      rotator,
    });
  } catch (e) {
    removeSignals();
    await feed.terminate();
    throw e;
  }
  const cap = live;
  current = cap;
  if (stopSignal !== null) cap.stop(stopSignal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');

  const filterText = o.filter !== undefined && o.filter.trim() !== '' ? o.filter : null;
  const stats = (running: boolean, ts: TcpdumpStats | null, error: PalisadeError | null = null): CaptureRunStats => {
    const elapsed = (performance.now() - t0) / 1000;
    const input = {
      path: `live:${o.interface}`,
      format: 'pcap',
      compressed: false,
      packets: cap.stream.frames,
      bytes: cap.stream.bytes,
      linktypes: cap.stream.parser.linktypes.map(String),
    };
    const base = buildStats(engine.counters(), [input], [], 1, started, elapsed, VERSION);
    const c: CaptureStats = {
      interface: o.interface,
      filter: filterText,
      snaplen: cap.snaplen,
      tcpdump: cap.tcpdump,
      running,
      ended: running ? null : new Date().toISOString(),
      packets_captured: ts?.captured ?? null,
      packets_received_by_filter: ts?.receivedByFilter ?? null,
      packets_dropped_by_kernel: ts?.droppedByKernel ?? null,
      pcap_files: rotator?.files ?? [],
      pcap_files_deleted: rotator?.deleted ?? 0,
      error: error === null ? null : { code: error.code, message: error.message },
    };
    if (ts !== null && ts.droppedByInterface !== null) c.packets_dropped_by_interface = ts.droppedByInterface;
    return { ...base, capture: c };
  };

  process.stderr.write(
    `palisade: capturing on ${o.interface}${filterText === null ? '' : ` (filter: ${filterText})`} into ${o.out}` +
      `${rotator === null ? '' : `, raw packets in ${rotator.dir}`}; Ctrl-C stops.\n`,
  );

  let failure: PalisadeError | null = null;
  const fail = (e: unknown) => {
    if (failure !== null) return;
    failure = isPalisadeError(e) ? e : new PalisadeError('E_CAPTURE_FAILED', `live capture on ${o.interface} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    cap.stop('SIGTERM');
  };

  let lastChunks = -1;
  let lastStatsAt = performance.now();
  let lastInventoryAt = performance.now();
  let statsBusy = false;
  const tick = setInterval(() => {
    try {
      // Idle: no packet moves the flow clock, so move it by the wall clock and let idle flows end.
      if (cap.chunks === lastChunks) engine.table.clock(Date.now() / 1000);
      lastChunks = cap.chunks;
      rotator?.tick();
      flushRecords(output);
      if (snapshotFailure !== null) throw snapshotFailure;
      if (feed.failure !== null && !feedFailureShown) {
        feedFailureShown = true;
        process.stderr.write(`palisade: ${feed.failure.message}; the capture goes on, its records and stats.json are written\n`);
      }
      if (performance.now() - lastInventoryAt >= inventoryEveryMs) {
        lastInventoryAt = performance.now();
        // With the lines flushed above: the snapshot holds every record written so far.
        feed.snapshot(o.out, inventoryMeta(false), span.first, span.last);
      }
    } catch (e) {
      fail(e);
      return;
    }
    if (!statsBusy && performance.now() - lastStatsAt >= STATS_EVERY_MS) {
      statsBusy = true;
      lastStatsAt = performance.now();
      cap
        .requestStats()
        .then((ts) => {
          if (cap.running) writeStatsAtomic(statsPath, stats(true, ts));
        })
        .catch(fail)
        .finally(() => {
          statsBusy = false;
        });
    }
  }, TICK_MS);

  let end: LiveCaptureEnd;
  try {
    end = await cap.done;
  } catch (e) {
    await feed.terminate();
    throw e;
  } finally {
    clearInterval(tick);
    removeSignals();
  }

  // Whatever ended the capture, keep what was captured.
  const problems: PalisadeError[] = [];
  const keep = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      problems.push(isPalisadeError(e) ? e : new PalisadeError('E_OUTPUT', (e as Error).message, { cause: e }));
    }
  };
  keep(() => engine.finish());
  try {
    await finalInventory();
  } catch (e) {
    problems.push(isPalisadeError(e) ? e : new PalisadeError('E_OUTPUT', (e as Error).message, { cause: e }));
  } finally {
    await feed.terminate();
  }
  try {
    await output.close();
  } catch (e) {
    problems.push(isPalisadeError(e) ? e : new PalisadeError('E_OUTPUT', (e as Error).message, { cause: e }));
  }
  keep(() => rotator?.close());
  const err: PalisadeError | null = failure ?? end.error ?? problems[0] ?? null;
  const final = stats(false, end.stats, err);
  try {
    writeStatsAtomic(statsPath, final);
  } catch (e) {
    if (err === null) throw e;
  }

  const inventoryFiles = INVENTORY_FILES.map((f) => join(o.out, f));
  if (o.summary) process.stdout.write(formatCaptureSummary(summary, final, [...output.files(), ...inventoryFiles, statsPath]) + '\n');
  if (err !== null) throw err;
  return 0;
}

/** Writes stats.json so a reader never sees half a file: a temporary file, then rename. */
export function writeStatsAtomic(path: string, stats: object): void {
  writeTextAtomic(path, JSON.stringify(stats, null, 2) + '\n');
}

/** Pushes buffered records to disk (RecordOutput buffers ~1 MiB per file), so a long-running sensor's files are current. */
function flushRecords(output: RecordOutput): void {
  output.flush();
}

/** analyze's summary, with a first line about the capture and a line about drops. */
export function formatCaptureSummary(summary: ConnSummary, s: CaptureRunStats, files: string[]): string {
  const n = groupDigits;
  const c = s.capture;
  const lines = summary.format(s, files).split('\n');
  lines[0] =
    `Palisade captured on ${c.interface}${c.filter === null ? '' : ` (filter: ${c.filter})`} for ${s.elapsed_seconds.toFixed(1)} s: ` +
    `${n(s.packets)} packets, ${fmtBytes(s.bytes)}.`;
  const drops: string[] = [];
  if (c.packets_received_by_filter !== null) drops.push(`${n(c.packets_received_by_filter)} received by filter`);
  if (c.packets_dropped_by_kernel !== null) {
    const pct = c.packets_received_by_filter ? ` (${((100 * c.packets_dropped_by_kernel) / c.packets_received_by_filter).toFixed(2)}%)` : '';
    drops.push(`${n(c.packets_dropped_by_kernel)} dropped by kernel${pct}`);
  }
  if (c.packets_dropped_by_interface !== undefined) drops.push(`${n(c.packets_dropped_by_interface)} dropped by interface`);
  lines.splice(1, 0, drops.length > 0 ? `tcpdump: ${drops.join(', ')}.` : 'tcpdump printed no packet counts (it did not exit normally).');
  if (c.pcap_files.length > 0) lines.push(`Raw packets: ${c.pcap_files.length} pcap file${c.pcap_files.length === 1 ? '' : 's'}, newest ${c.pcap_files[c.pcap_files.length - 1]}`);
  return lines.join('\n');
}
