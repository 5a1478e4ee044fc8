#!/usr/bin/env node
// Developer tool: decodes captures with the built CLI and compares fields and columns with tshark's
// `-T fields` output. Prints a summary per field and the first differences.
// usage: node scripts/compare-tshark.js [--fields a,b,c] [--max N] FILE...
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let fields = JSON.parse(readFileSync(join(root, 'test/helpers/required-fields.json'), 'utf8'));
fields.push('tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.spurious_retransmission',
  'tcp.analysis.out_of_order', 'tcp.analysis.lost_segment', 'tcp.analysis.ack_lost_segment', 'tcp.analysis.duplicate_ack',
  'tcp.analysis.zero_window', 'tcp.analysis.zero_window_probe', 'tcp.analysis.window_full', 'tcp.analysis.window_update',
  'tcp.analysis.keep_alive', 'tcp.analysis.keep_alive_ack', 'tcp.analysis.reused_ports', 'tcp.analysis.ack_rtt',
  'tcp.analysis.initial_rtt', 'tcp.analysis.bytes_in_flight', 'tcp.window_size_scalefactor', 'tcp.completeness',
  'tcp.time_relative', 'tcp.time_delta', 'udp.stream', 'frame.protocols', '_ws.expert.message', 'tcp.payload');
let max = 5;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--fields') fields = args[++i].split(',');
  else if (args[i] === '--max') max = Number(args[++i]);
  else files.push(args[i]);
}
const COLS = [['_ws.col.Info', 'info'], ['_ws.col.Protocol', 'protocol']];
const AGG = '\u001f';
let total = 0;
for (const file of files) {
  let ours;
  try {
    ours = execFileSync('node', [join(root, 'bin/handshake-lab.js'), 'decode', file, '--jsonl'], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch (e) {
    ours = (e.stdout || '').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    console.log(`${file}: decode failed: ${(e.stderr || '').trim()}`);
  }
  const tArgs = ['-r', file, '-n', '-T', 'fields', '-E', 'occurrence=a', '-E', `aggregator=${AGG}`, '-E', 'quote=n'];
  for (const f of fields) tArgs.push('-e', f);
  for (const [c] of COLS) tArgs.push('-e', c);
  let out;
  try {
    out = execFileSync('tshark', tArgs, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    out = e.stdout || '';
  }
  const lines = out.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const diffs = new Map();
  const note = (key, msg) => {
    const list = diffs.get(key) ?? [];
    list.push(msg);
    diffs.set(key, list);
  };
  if (lines.length !== ours.length) note('frame count', `ours ${ours.length} tshark ${lines.length}`);
  for (let i = 0; i < Math.min(lines.length, ours.length); i++) {
    const cells = lines[i].split('\t');
    const fr = ours[i];
    const occ = (name) => {
      const out = [];
      const walk = (list) => { for (const f of list) { if (f.name === name) out.push(f.value === null ? '' : String(f.value)); walk(f.children); } };
      for (const l of fr.layers) walk(l.fields);
      return out;
    };
    fields.forEach((f, j) => {
      const t = cells[j] ? cells[j].split(AGG) : [];
      const o = occ(f);
      if (t.join(AGG) !== o.join(AGG)) note(f, `#${i + 1}: ours [${o.join(',').slice(0, 120)}] tshark [${t.join(',').slice(0, 120)}]`);
    });
    COLS.forEach(([c, key], j) => {
      const t = cells[fields.length + j] ?? '';
      if (t !== fr[key]) note(c, `#${i + 1}: ours «${fr[key]}» tshark «${t}»`);
    });
  }
  const n = [...diffs.values()].reduce((a, l) => a + l.length, 0);
  total += n;
  console.log(`${file}: ${ours.length} frames, ${n} differences`);
  for (const [k, list] of diffs) {
    console.log(`  ${k}: ${list.length}`);
    for (const m of list.slice(0, max)) console.log(`    ${m}`);
  }
}
process.exitCode = total ? 1 : 0;
