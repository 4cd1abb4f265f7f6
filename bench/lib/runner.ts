// One measured, checked run of a tool on a capture.
import { rmSync } from 'node:fs';
import { BenchError } from './errors.ts';
import { measure, median, type RssMethod } from './measure.ts';
import { scratchDir, type RunReport, type Tool } from './tools.ts';

export interface RunRecord {
  wall_seconds: number;
  peak_rss_bytes: number | undefined;
  cpu_user_seconds: number | undefined;
  cpu_sys_seconds: number | undefined;
  /** Packets the tool reported reading (undefined when its output does not say). */
  packets: number | undefined;
  palisade?: RunReport['palisade'];
}

/**
 * Runs `tool` on `capture` once, measures it and checks the result: the tool must succeed
 * and, when it reports a packet count, must have read exactly `expectedPackets`.
 */
export async function runOnce(tool: Tool, capture: string, expectedPackets: number, workDir: string, method: RssMethod, tag: string): Promise<RunRecord> {
  const scratch = scratchDir(workDir, tag);
  try {
    const { cmd, args } = tool.command(capture, scratch);
    const m = await measure(cmd, args, scratch, method, 'run');
    const r = tool.report(m, scratch);
    if (tool.family === 'palisade' && r.packets === undefined) throw new BenchError('E_INVALID', `${tool.label} did not report how many packets it read`);
    if (r.packets !== undefined && r.packets !== expectedPackets) {
      throw new BenchError('E_INVALID', `${tool.label} read ${r.packets} packets but ${capture} holds ${expectedPackets}: a run that processed ${r.packets < expectedPackets ? 'fewer' : 'more'} packets is not a valid result`);
    }
    return {
      wall_seconds: m.wallSeconds,
      peak_rss_bytes: m.peakRssBytes,
      cpu_user_seconds: m.cpuUserSeconds,
      cpu_sys_seconds: m.cpuSysSeconds,
      packets: r.packets,
      palisade: r.palisade,
    };
  } finally {
    // Palisade's records of plant-mix are about 1.1 GB: the disk is cleaned between runs.
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface Summary {
  runs: number;
  wall_seconds: number;
  wall_seconds_min: number;
  wall_seconds_max: number;
  packets_per_second: number;
  peak_rss_bytes: number | undefined;
  cpu_seconds: number | undefined;
}

/** Medians over the runs; packets/s is the capture's packet count over the median wall time. */
export function summarize(runs: RunRecord[], packets: number): Summary {
  const walls = runs.map((r) => r.wall_seconds);
  const wall = median(walls);
  const rss = runs.map((r) => r.peak_rss_bytes).filter((x) => x !== undefined);
  const cpu = runs.filter((r) => r.cpu_user_seconds !== undefined && r.cpu_sys_seconds !== undefined).map((r) => r.cpu_user_seconds! + r.cpu_sys_seconds!);
  return {
    runs: runs.length,
    wall_seconds: wall,
    wall_seconds_min: Math.min(...walls),
    wall_seconds_max: Math.max(...walls),
    packets_per_second: packets / wall,
    peak_rss_bytes: rss.length === runs.length ? median(rss) : undefined,
    cpu_seconds: cpu.length === runs.length ? median(cpu) : undefined,
  };
}
