// The `melsec` record: one per MC protocol / SLMP transaction (a request with its response),
// or per lone request or response. There is no ICSNPP log for MELSEC; the names follow
// ICSNPP conventions (name + `_code` number) and the SLMP manual's terms.
// docs/protocols/melsec.md.
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

const c = (name: string): ZeekField => ({ name, type: 'count' });
const s = (name: string): ZeekField => ({ name, type: 'string' });

export const MELSEC_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'is_orig', type: 'bool' },
  s('frame'),
  c('serial_number'),
  c('network_number'),
  c('pc_number'),
  c('module_io'),
  c('station_number'),
  c('monitoring_timer'),
  s('command'),
  c('command_code'),
  c('subcommand'),
  s('device'),
  c('device_code'),
  c('head_device'),
  c('points'),
  s('device_address'),
  s('request_data'),
  s('end_code'),
  c('end_code_code'),
  s('response_data'),
  s('cpu_model'),
  c('model_code'),
  { name: 'rtt', type: 'interval' },
];
