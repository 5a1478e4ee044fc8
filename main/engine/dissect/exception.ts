// Wireshark's show_exception: what a frame gets when a dissector ran out of data.
import { defineField } from '../fields/registry';
import type { BoundsSignal, Ctx } from './context';

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
    const fields = [{
      name: '_ws.expert', value: 'Expert Info (Error/Malformed): Malformed Packet (Exception occurred)',
      display: 'Expert Info (Error/Malformed): Malformed Packet (Exception occurred)', offset: 0, length: 0,
      children: [
        { name: '_ws.malformed.expert', value: 1, display: 'Malformed Packet (Exception occurred)', offset: 0, length: 0, children: [] },
        { name: '_ws.expert.message', value: 'Malformed Packet (Exception occurred)', display: 'Message: Malformed Packet (Exception occurred)', offset: 0, length: 0, children: [] },
        { name: '_ws.expert.severity', value: 0x00800000, display: 'Severity level: Error', offset: 0, length: 0, children: [] },
        { name: '_ws.expert.group', value: 0x07000000, display: 'Group: Malformed', offset: 0, length: 0, children: [] },
      ],
    }];
    if (into) into.push({ name: '_ws.malformed', value: null, display: title, offset: 0, length: 0, children: fields });
    else c.layers.push({ protocol: '_ws.malformed', title, osi: c.curOsi, tcpip: c.curTcpip, offset: 0, length: 0, fields });
    c.addExpert('error', 'malformed', 'Malformed Packet (Exception occurred)', '_ws.malformed.expert');
    c.malformed = true;
  } else {
    c.appendInfo('[Packet size limited during capture]');
    const title = `[Packet size limited during capture: ${c.current} truncated]`;
    if (into) into.push({ name: '_ws.short', value: null, display: title, offset: 0, length: 0, children: [] });
    else c.layers.push({ protocol: '_ws.short', title, osi: c.curOsi, tcpip: c.curTcpip, offset: 0, length: 0, fields: [] });
  }
}
