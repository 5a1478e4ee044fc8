// Expert info as Wireshark attaches it: an entry in the frame's expert list, and in the tree a
// "_ws.expert" item (under the item it concerns) holding the expert's own field, message,
// severity and group, with the numbers tshark prints for _ws.expert.severity / _ws.expert.group.
import type { ExpertGroup, ExpertSeverity, Field } from '../types';
import { generated, hidden, hide, unwanted, unwantedUnder } from '../fields/tree';
import { defineField } from '../fields/registry';
import type { Ctx } from './context';

defineField('_ws.expert', 'Expert Info', 'string');
defineField('_ws.expert.message', 'Message', 'string');
defineField('_ws.expert.severity', 'Severity level', 'uint');
defineField('_ws.expert.group', 'Group', 'uint');

const SEVERITY: Record<ExpertSeverity, [number, string]> = {
  chat: [0x00200000, 'Chat'],
  note: [0x00400000, 'Note'],
  warning: [0x00600000, 'Warning'],
  error: [0x00800000, 'Error'],
};
const GROUP: Record<ExpertGroup, [number, string]> = {
  checksum: [0x01000000, 'Checksum'],
  sequence: [0x02000000, 'Sequence'],
  response_code: [0x03000000, 'Response code'],
  request_code: [0x04000000, 'Request code'],
  undecoded: [0x05000000, 'Undecoded'],
  reassemble: [0x06000000, 'Reassemble'],
  malformed: [0x07000000, 'Malformed'],
  protocol: [0x09000000, 'Protocol'],
  security: [0x0a000000, 'Security'],
  comment: [0x0b000000, 'Comment'],
  deprecated: [0x0e000000, 'Deprecated'],
};

/** Declares an expert field (Wireshark's ei_register_info): an FT_NONE item tshark prints as "1". */
export function defineExpert(name: string, label: string): string {
  defineField(name, label, 'none');
  return name;
}


/**
 * Raises an expert item: in the frame's list, and as a "_ws.expert" subtree appended to `under`
 * (the children of the item it concerns, or a layer's fields).
 */
export function expert(c: Ctx, under: Field[], offset: number, severity: ExpertSeverity, group: ExpertGroup, message: string, field: string, hiddenItem = false): void {
  c.addExpert(severity, group, message, field);
  if (unwantedUnder('_ws.expert') && unwanted(field)) {
    if (group === 'malformed') malformedMark(under);
    return;
  }
  const [sv, sn] = SEVERITY[severity];
  const [gv, gn] = GROUP[group];
  const text = `Expert Info (${sn}/${gn}): ${message}`;
  const item = generated(under, '_ws.expert', text, text, offset);
  if (hiddenItem) hide(item);
  expertDetails(item.children, field, message, sv, sn, gv, gn, offset);
  if (group === 'malformed') malformedMark(under);
}

/**
 * Wireshark's expert_create_tree: after an expert item of the Malformed group, a hidden "_ws.malformed"
 * item (so the filter `_ws.malformed` finds every frame with one; tshark -T fields prints its name).
 */
export function malformedMark(under: Field[]): void {
  hidden(under, '_ws.malformed', null, 'Malformed Packet', 0);
}

/**
 * What Wireshark hangs under an "Expert Info" item: the expert's own field and the severity and group
 * (generated), and the message (hidden: the item's text already says it).
 */
export function expertDetails(under: Field[], field: string, message: string, sv: number, sn: string, gv: number, gn: string, offset = 0): void {
  generated(under, field, 1, message, offset);
  hidden(under, '_ws.expert.message', message, `Message: ${message}`, offset);
  generated(under, '_ws.expert.severity', sv, `Severity level: ${sn}`, offset);
  generated(under, '_ws.expert.group', gv, `Group: ${gn}`, offset);
}
