// Wireshark's show_exception: what a frame gets when a dissector ran out of data.
import { defineField } from '../fields/registry';
import type { BoundsSignal, Ctx } from './context';
import type { Field } from '../types';
import { generated, leaf } from '../fields/tree';
import { expertDetails, malformedMark } from './expert';

defineField('_ws.short', 'Short Frame', 'protocol');
defineField('_ws.malformed', 'Malformed Packet', 'protocol');
defineField('_ws.malformed.expert', 'Malformed Packet (Exception occurred)', 'none');

/**
 * Records a bounds exception where Wireshark catches it: "[Packet size limited during capture]"
 * (captured bytes ran out; not an error) or "[Malformed Packet]" (the packet's own lengths ran out).
 */
export function showException(c: Ctx, e: BoundsSignal): void {
  const into = c.quoteInto;
  if (e.malformed) {
    c.appendInfo('[Malformed Packet]');
    const title = `[Malformed Packet: ${c.current}]`;
    let fields: Field[];
    if (into) fields = leaf(into, '_ws.malformed', null, title, 0, 0).children;
    else c.layers.push({ protocol: '_ws.malformed', title, osi: c.curOsi, tcpip: c.curTcpip, offset: 0, length: 0, fields: (fields = []) });
    const text = 'Expert Info (Error/Malformed): Malformed Packet (Exception occurred)';
    const ex = generated(fields, '_ws.expert', text, text, 0, 0).children;
    expertDetails(ex, '_ws.malformed.expert', 'Malformed Packet (Exception occurred)', 0x00800000, 'Error', 0x07000000, 'Malformed');
    malformedMark(fields);
    c.addExpert('error', 'malformed', 'Malformed Packet (Exception occurred)', '_ws.malformed.expert');
    c.malformed = true;
  } else {
    c.appendInfo('[Packet size limited during capture]');
    const title = `[Packet size limited during capture: ${c.current} truncated]`;
    if (into) leaf(into, '_ws.short', null, title, 0, 0);
    else c.layers.push({ protocol: '_ws.short', title, osi: c.curOsi, tcpip: c.curTcpip, offset: 0, length: 0, fields: [] });
  }
}

defineField('_ws.malformed.reassembly', 'Reassembly error', 'none');

/**
 * show_exception for a ReassemblyError: "[Reassembly error, protocol TCP: …]" appended to Info (no
 * separator) and as a top-level item with its Error/Malformed expert; the frame's dissection ends there.
 */
export function showReassemblyError(c: Ctx, protocol: string, message: string): void {
  const title = `[Reassembly error, protocol ${protocol}: ${message}]`;
  c.appendInfo(title);
  const fields: Field[] = [];
  c.layers.push({ protocol: '_ws.malformed', title, osi: c.curOsi, tcpip: c.curTcpip, offset: 0, length: 0, fields });
  const text = `Expert Info (Error/Malformed): ${message}`;
  const ex = generated(fields, '_ws.expert', text, text, 0, 0).children;
  expertDetails(ex, '_ws.malformed.reassembly', message, 0x00800000, 'Error', 0x07000000, 'Malformed');
  malformedMark(fields);
  c.addExpert('error', 'malformed', message, '_ws.malformed.reassembly');
  c.malformed = true;
}
