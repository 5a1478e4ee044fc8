// The readable table of `decode`: Wireshark's packet-list columns plus both endpoints' TCP states.
import type { DecodedFrame } from '../engine/types';

const COLS = [
  { title: 'No.', width: 7, right: true },
  { title: 'Time', width: 11, right: true },
  { title: 'Source', width: 22 },
  { title: 'Destination', width: 22 },
  { title: 'Protocol', width: 8 },
  { title: 'Length', width: 6, right: true },
  { title: 'Client / Server state', width: 27 },
  { title: 'Info', width: 0 },
];

function cell(text: string, width: number, right = false): string {
  if (width === 0) return text;
  if (text.length > width) return text.slice(0, width - 1) + '…';
  return right ? text.padStart(width) : text.padEnd(width);
}

function row(values: string[]): string {
  return COLS.map((c, i) => cell(values[i], c.width, c.right)).join(' ').trimEnd() + '\n';
}

export function tableHeader(): string {
  return row(COLS.map((c) => c.title));
}

/** One frame's row; `time` is the Time column's text (timeColumn: tshark's relative time at the capture's precision). */
export function formatTableRow(f: DecodedFrame, time: string): string {
  const states = f.states ? `${f.states.client} / ${f.states.server}` : '';
  return row([String(f.frame), time, f.src, f.dst, f.protocol, String(f.len), states, f.info]);
}
