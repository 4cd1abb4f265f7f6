// The `mms` record: one per MMS transaction (a confirmed request with its response or error,
// an initiate or conclude exchange, a cancel), or per unconfirmed / reject PDU. There is no
// CISA ICSNPP MMS log; names follow ICSNPP's conventions (snake_case, coded values as name
// plus `_code`) and ISO 9506-2's names for the values. docs/protocols/mms.md documents
// every field.
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

export interface MmsRecord {
  /** The request came from the connection's originator (for a response without request: the opposite of its sender). */
  is_orig: boolean;
  invoke_id: number | undefined;
  /** MMSpdu alternative of the request (or of the lone PDU): `confirmed-RequestPDU`, `initiate-RequestPDU`, `unconfirmed-PDU`, … */
  pdu_type: string | undefined;
  pdu_type_code: number | undefined;
  /** MMSpdu alternative of the answer: `confirmed-ResponsePDU`, `confirmed-ErrorPDU`, `rejectPDU`, `initiate-ResponsePDU`, …; unset when none came. */
  response_pdu_type: string | undefined;
  response_pdu_type_code: number | undefined;
  /** Confirmed service (`read`, `write`, `getNameList`, `identify`, `fileOpen`, …) or unconfirmed service (`informationReport`, …). */
  service: string | undefined;
  service_code: number | undefined;
  /** Variable (and other object) references: domain and item, index by index ('' domain for VMD- and AA-specific names). */
  domain_id: string[] | undefined;
  item_id: string[] | undefined;
  /** Named variable list (data set) the service reads, reports or defines: `domain/item`. */
  variable_list: string | undefined;
  /** getNameList object class. */
  object_class: string | undefined;
  object_class_code: number | undefined;
  /** getNameList response identifiers, or fileDirectory response file names. */
  name_list: string[] | undefined;
  more_follows: boolean | undefined;
  file_name: string | undefined;
  program_invocation: string | undefined;
  /** identify response. */
  vendor: string | undefined;
  model: string | undefined;
  revision: string | undefined;
  /** initiate: the initiator's proposed and the responder's negotiated largest PDU (localDetailCalling/Called). */
  max_pdu_size_calling: number | undefined;
  max_pdu_size_called: number | undefined;
  /** initiate: proposed and negotiated MMS version. */
  version_proposed: number | undefined;
  version_negotiated: number | undefined;
  /** Data values written (write), read (read response) or reported (informationReport): count, types, values. */
  data_count: number | undefined;
  data_types: string[] | undefined;
  data_values: string[] | undefined;
  /** write response: `success` or `failure:<DataAccessError>` per variable. */
  write_results: string[] | undefined;
  /** confirmed-ErrorPDU / initiate-ErrorPDU / conclude-ErrorPDU / cancel-ErrorPDU ServiceError. */
  error_class: string | undefined;
  error_class_code: number | undefined;
  error_code: number | undefined;
  error_name: string | undefined;
  /** rejectPDU reason: the PDU kind rejected, its code and the code's name. */
  reject_reason: string | undefined;
  reject_code: number | undefined;
  reject_name: string | undefined;
  /** Seconds from request to response. */
  rtt: number | undefined;
}

export const MMS_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'is_orig', type: 'bool' },
  { name: 'invoke_id', type: 'count' },
  { name: 'pdu_type', type: 'string' },
  { name: 'pdu_type_code', type: 'count' },
  { name: 'response_pdu_type', type: 'string' },
  { name: 'response_pdu_type_code', type: 'count' },
  { name: 'service', type: 'string' },
  { name: 'service_code', type: 'count' },
  { name: 'domain_id', type: 'vector[string]' },
  { name: 'item_id', type: 'vector[string]' },
  { name: 'variable_list', type: 'string' },
  { name: 'object_class', type: 'string' },
  { name: 'object_class_code', type: 'count' },
  { name: 'name_list', type: 'vector[string]' },
  { name: 'more_follows', type: 'bool' },
  { name: 'file_name', type: 'string' },
  { name: 'program_invocation', type: 'string' },
  { name: 'vendor', type: 'string' },
  { name: 'model', type: 'string' },
  { name: 'revision', type: 'string' },
  { name: 'max_pdu_size_calling', type: 'count' },
  { name: 'max_pdu_size_called', type: 'count' },
  { name: 'version_proposed', type: 'count' },
  { name: 'version_negotiated', type: 'count' },
  { name: 'data_count', type: 'count' },
  { name: 'data_types', type: 'vector[string]' },
  { name: 'data_values', type: 'vector[string]' },
  { name: 'write_results', type: 'vector[string]' },
  { name: 'error_class', type: 'string' },
  { name: 'error_class_code', type: 'count' },
  { name: 'error_code', type: 'count' },
  { name: 'error_name', type: 'string' },
  { name: 'reject_reason', type: 'string' },
  { name: 'reject_code', type: 'count' },
  { name: 'reject_name', type: 'string' },
  { name: 'rtt', type: 'interval' },
];
