// The `omron_fins` record: one per FINS message (command or response) or FINS/TCP control
// message, with the fields of ICSNPP's omron_fins_general.log (icsnpp-omron-fins: proto,
// icf_gateway, icf_data_type, icf_response_setting, gateway_count, destination/source network
// address, node number and unit address, service_id, command_code), the numbers behind the
// names, the end code of responses, the main command parameters (memory area reads and
// writes, Run mode, controller model) and the FINS/TCP header. docs/protocols/omron_fins.md.
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

const c = (name: string): ZeekField => ({ name, type: 'count' });
const s = (name: string): ZeekField => ({ name, type: 'string' });
const b = (name: string): ZeekField => ({ name, type: 'bool' });

export const OMRON_FINS_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  s('proto'),
  b('is_orig'),
  s('tcp_command'),
  c('tcp_command_code'),
  s('tcp_error'),
  c('tcp_error_code'),
  c('client_node_address'),
  c('server_node_address'),
  s('icf_gateway'),
  s('icf_data_type'),
  s('icf_response_setting'),
  c('icf'),
  c('gateway_count'),
  c('destination_network_address'),
  c('destination_node_number'),
  c('destination_unit_address'),
  c('source_network_address'),
  c('source_node_number'),
  c('source_unit_address'),
  c('service_id'),
  s('command_code'),
  c('command_code_code'),
  c('mrc'),
  c('src'),
  s('response_code'),
  c('response_code_code'),
  b('relay_error'),
  b('fatal_error'),
  b('non_fatal_error'),
  s('memory_area_code'),
  c('memory_area_code_code'),
  c('beginning_address'),
  c('beginning_address_bit'),
  c('number_of_items'),
  c('program_number'),
  s('run_mode'),
  c('run_mode_code'),
  s('controller_model'),
  s('controller_version'),
  s('data'),
  { name: 'rtt', type: 'interval' },
];
