// The capture the live bench replays with tcpreplay (scripts/bench/replay-capture.js) must be what the
// bench assumes when it compares serve's store with it: valid Ethernet/IPv4/TCP for tshark (checksums
// right, no analysis flag: no gap, retransmission or duplicate ACK), sequence numbers continuous per
// connection, and its reader (readFrames, segmentsByConnection) must see what tshark sees, in pcap and in
// the pcapng serve autosaves. Skipped without tshark.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTshark, tsharkFields } from '../helpers/tshark';
// @ts-expect-error a plain script (the bench's generator), without types
import { readFrames, segmentsByConnection, writeReplayCapture } from '../../scripts/bench/replay-capture.js';

interface Segment { direction: 'c2s' | 's2c'; seqRaw: number; ackRaw: number; len: number; flags: number }
const write = writeReplayCapture as (path: string, o: { frames: number; port: number; connections?: number; payload?: number }) => number;
const frames = readFrames as (path: string) => Buffer[];
const segments = segmentsByConnection as (frames: Buffer[], port: number) => Map<number, Segment[]>;

const PORT = 24090;
const dir = mkdtempSync(join(tmpdir(), 'hl-replay-capture-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const CHECKSUMS = ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];

describe.skipIf(!hasTshark())('the live bench\'s replay capture', () => {
  const file = join(dir, 'replay.pcap');
  const written = write(file, { frames: 1000, port: PORT, connections: 3, payload: 40 });
  const fields = ['frame.cap_len', 'tcp.stream', 'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.len', 'tcp.flags', 'tcp.seq', 'tcp.analysis.flags', 'tcp.checksum.status', 'ip.checksum.status'];
  const rows = tsharkFields(file, fields, CHECKSUMS).map((r) => Object.fromEntries(fields.map((f, i) => [f, r[i]?.join(',') ?? ''])));

  it('is valid TCP for tshark: right checksums, no analysis flag, sequence numbers continuous', () => {
    expect(rows.length).toBe(written);
    expect(written).toBeGreaterThan(990);
    expect(new Set(rows.map((r) => r['tcp.stream']))).toEqual(new Set(['0', '1', '2']));
    // 1: good (tshark verified both checksums).
    expect(rows.filter((r) => r['tcp.checksum.status'] !== '1' || r['ip.checksum.status'] !== '1')).toEqual([]);
    expect(rows.filter((r) => r['tcp.analysis.flags'] !== '')).toEqual([]);
    // Each client's data segments start where the previous one ended (relative sequence numbers).
    const next = new Map<string, number>();
    for (const r of rows.filter((x) => x['tcp.dstport'] === String(PORT) && Number(x['tcp.len']) > 0)) {
      const at = next.get(r['tcp.stream']) ?? 1;
      expect(Number(r['tcp.seq'])).toBe(at);
      next.set(r['tcp.stream'], at + Number(r['tcp.len']));
    }
    expect([...next.values()].every((v) => v > 1)).toBe(true);
  });

  it('reads back, frame by frame and connection by connection, as tshark reads it', () => {
    const read = frames(file);
    expect(read.map((f) => String(f.length))).toEqual(rows.map((r) => r['frame.cap_len']));
    const byConn = segments(read, PORT);
    const theirs = new Map<number, Segment[]>();
    for (const r of rows) {
      const c2s = r['tcp.dstport'] === String(PORT);
      const client = Number(c2s ? r['tcp.srcport'] : r['tcp.dstport']);
      if (!theirs.has(client)) theirs.set(client, []);
      theirs.get(client)!.push({ direction: c2s ? 'c2s' : 's2c', seqRaw: Number(r['tcp.seq_raw']), ackRaw: Number(r['tcp.ack_raw']), len: Number(r['tcp.len']), flags: Number(r['tcp.flags']) });
    }
    expect(byConn).toEqual(theirs);
  });

  it('reads a pcapng autosave as tshark does (the recorded dumpcap stream)', () => {
    const pcapng = join(__dirname, 'dumpcap-recorded', 'lab-stream.pcapng');
    const read = frames(pcapng);
    const lens = tsharkFields(pcapng, ['frame.cap_len', 'eth.src']).map((r) => `${r[0].join()} ${r[1].join()}`);
    expect(read.map((f) => `${f.length} ${[...f.subarray(6, 12)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`)).toEqual(lens);
    expect(lens.length).toBeGreaterThan(10);
  });

  it('refuses a file that is neither pcap nor pcapng', () => {
    expect(() => frames(join(__dirname, 'replay-capture.test.ts'))).toThrow(/not a little-endian pcap or pcapng file/);
  });
});
