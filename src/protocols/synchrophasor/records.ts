// The `synchrophasor` record: one per connection, ICSNPP's synchrophasor.log (the summary
// log of icsnpp-synchrophasor: proto, version, data_stream_id, history, frame_size_min,
// frame_size_max, frame_size_tot, data_frame_count, data_rate), then Palisade's additions:
// frame counts by type, the configuration's station names, PMU count and time base, and the
// PMU clock (SOC/FRACSEC) of the first and last frame. docs/protocols/synchrophasor.md.
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

export interface SynchrophasorRecord {
  /** tcp or udp. */
  proto: string;
  /** Versions seen in the SYNC words (1 = C37.118-2005, 2 = C37.118.2-2011). */
  version: number[];
  /** IDCODEs seen (data stream ids). */
  data_stream_id: number[];
  /** One letter per command frame: d data off, D data on, h send HDR, 1/2/3 send CFG-1/2/3, e extended frame, u other. */
  history: string;
  frame_size_min: number;
  frame_size_max: number;
  frame_size_tot: number;
  data_frame_count: number;
  /** DATA_RATE values of the configuration frames (frames per second; negative: seconds per frame). */
  data_rate: number[];
  command_frame_count: number;
  config_frame_count: number;
  header_frame_count: number;
  /** Commands in order, by name ("Send CFG-2", "Data on", …), at most 64. */
  commands: string[];
  /** Station names (STN) of the configuration frames, at most 64. */
  station_names: string[];
  /** Largest NUM_PMU of a configuration frame. */
  pmu_count: number | undefined;
  /** TIME_BASE of the last configuration frame (FRACSEC counts per second). */
  time_base: number | undefined;
  /** SOC + FRACSEC/TIME_BASE of the first and last data, header or configuration frame (the PMU's clock; SOC alone before a configuration frame gave TIME_BASE). */
  first_soc: number | undefined;
  last_soc: number | undefined;
}

export const SYNCHROPHASOR_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'proto', type: 'string' },
  { name: 'version', type: 'set[count]' },
  { name: 'data_stream_id', type: 'set[count]' },
  { name: 'history', type: 'string' },
  { name: 'frame_size_min', type: 'count' },
  { name: 'frame_size_max', type: 'count' },
  { name: 'frame_size_tot', type: 'count' },
  { name: 'data_frame_count', type: 'count' },
  { name: 'data_rate', type: 'set[int]' },
  { name: 'command_frame_count', type: 'count' },
  { name: 'config_frame_count', type: 'count' },
  { name: 'header_frame_count', type: 'count' },
  { name: 'commands', type: 'vector[string]' },
  { name: 'station_names', type: 'set[string]' },
  { name: 'pmu_count', type: 'count' },
  { name: 'time_base', type: 'count' },
  { name: 'first_soc', type: 'time' },
  { name: 'last_soc', type: 'time' },
];
