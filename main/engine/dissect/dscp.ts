// The DS field (RFC 2474 DSCP + RFC 3168 ECN), shared by IPv4's dsfield and IPv6's traffic class.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, leaf } from '../fields/tree';
import { hex } from '../fields/format';

/** Codepoint names as Wireshark's dscp_vals (long) and dscp_short_vals (in the summary). */
const DSCP: Record<number, [string, string]> = {
  0: ['Default', 'CS0'], 8: ['Class Selector 1', 'CS1'], 10: ['Assured Forwarding 11', 'AF11'],
  12: ['Assured Forwarding 12', 'AF12'], 14: ['Assured Forwarding 13', 'AF13'], 16: ['Class Selector 2', 'CS2'],
  18: ['Assured Forwarding 21', 'AF21'], 20: ['Assured Forwarding 22', 'AF22'], 22: ['Assured Forwarding 23', 'AF23'],
  24: ['Class Selector 3', 'CS3'], 26: ['Assured Forwarding 31', 'AF31'], 28: ['Assured Forwarding 32', 'AF32'],
  30: ['Assured Forwarding 33', 'AF33'], 32: ['Class Selector 4', 'CS4'], 34: ['Assured Forwarding 41', 'AF41'],
  36: ['Assured Forwarding 42', 'AF42'], 38: ['Assured Forwarding 43', 'AF43'], 40: ['Class Selector 5', 'CS5'],
  44: ['Voice-Admit', 'VA'], 46: ['Expedited Forwarding', 'EF PHB'], 48: ['Class Selector 6', 'CS6'],
  56: ['Class Selector 7', 'CS7'], 1: ['Lower Effort', 'LE'],
};
const ECN: [string, string][] = [
  ['Not ECN-Capable Transport', 'Not-ECT'], ['ECN-Capable Transport codepoint \'01\'', 'ECT(1)'],
  ['ECN-Capable Transport codepoint \'10\'', 'ECT(0)'], ['Congestion Experienced', 'CE'],
];

for (const p of ['ip.dsfield', 'ipv6.tclass']) {
  defineField(`${p}.dscp`, 'Differentiated Services Codepoint', 'uint');
  defineField(`${p}.ecn`, 'Explicit Congestion Notification', 'uint');
}
defineField('ip.dsfield', 'Differentiated Services Field', 'hex', { digits: 2 });
defineField('ipv6.tclass', 'Traffic Class', 'hex', { digits: 8 });

/**
 * Adds the DS item and its DSCP / ECN children. `bits` is the width of the word the byte sits in
 * (8 for IPv4; 32 for IPv6, where the class is shifted by 20 bits inside the first word).
 */
export function dsfieldItem(tree: Field[], name: string, label: string, ds: number, offset: number, length: number, bits: number, word = ds, shift = 0, value?: string): void {
  const dscp = ds >> 2, ecn = ds & 3;
  const [long, short] = DSCP[dscp] ?? ['Unknown', 'Unknown'];
  const summary = `${hex(ds, 2)} (DSCP: ${short}, ECN: ${ECN[ecn][1]})`;
  const display = bits === 8 ? `${label}: ${summary}` : bitsDisplay(word, 0xff << shift, bits, label, summary);
  const item = leaf(tree, name, value ?? hex(ds, 2), display, offset, length);
  leaf(item.children, `${name}.dscp`, dscp, bitsDisplay(word, 0xfc << shift, bits, 'Differentiated Services Codepoint', `${long} (${dscp})`), offset, length);
  leaf(item.children, `${name}.ecn`, ecn, bitsDisplay(word, 0x03 << shift, bits, 'Explicit Congestion Notification', `${ECN[ecn][0]} (${ecn})`), offset, length);
}
