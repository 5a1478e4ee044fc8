// Bad input never throws and never runs away: random bytes, truncations and bit flips of every corpus frame,
// and of whole files through the streaming reader. Deterministic (seeded PRNG), so a failure reproduces.
// "Never hangs" is asserted by output size: a frame's tree stays proportional to its bytes.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder } from '../../main/engine/decoder';
import { CaptureReader } from '../../main/engine/io/reader';
import { CaptureFormatError } from '../../main/engine/io/errors';
import type { DecodedFrame, Field, RawFrame } from '../../main/engine/types';
import { corpusFiles, NOT_CAPTURES, rawFramesLenient } from '../helpers/corpus';
import { hasTshark, tsharkFields } from '../helpers/tshark';
import { damagedFiles, fuzzedFrames, int, prng, randomFrames, type DamagedFile } from '../helpers/fuzz';

function countFields(fs: readonly Field[]): number {
  let n = 0;
  for (const f of fs) n += 1 + countFields(f.children);
  return n;
}

/** Decodes without letting an exception pass unnoticed, and checks the frame is sane and bounded. */
function decodeChecked(dec: Decoder, raw: RawFrame, what: string): DecodedFrame {
  let out: DecodedFrame;
  try {
    out = dec.decode(raw);
  } catch (e) {
    throw new Error(`${what}: decode threw ${(e as Error).stack ?? String(e)}`);
  }
  expect(Array.isArray(out.layers), what).toBe(true);
  const n = out.layers.reduce((s, l) => s + countFields(l.fields), 0);
  // Generous: tshark-like trees are a few items per byte at most; a loop would blow through this.
  expect(n, `${what}: ${n} tree items for ${raw.data.length} bytes`).toBeLessThan(200 + 12 * raw.data.length);
  expect(out.expert.length, what).toBeLessThan(100 + raw.data.length);
  expect(out.info.length, what).toBeLessThan(10_000 + 4 * raw.data.length);
  if (out.malformed) expect(out.expert.some((e) => e.severity === 'error'), `${what}: malformed without an error item`).toBe(true);
  return out;
}

const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));

describe('fuzzed frames never throw', () => {
  it('random bytes on every link type', () => {
    const dec = new Decoder();
    for (const { raw, what } of randomFrames()) decodeChecked(dec, raw, what);
  });

  for (const { path, name } of files) {
    it(`${name}: truncations and bit flips of every frame`, () => {
      const dec = new Decoder();
      for (const { raw, what } of fuzzedFrames(name, rawFramesLenient(path))) decodeChecked(dec, raw, what);
    });
  }
});

/** Pushes a damaged file through a fresh reader in its chunks, decoding every frame; returns the error, if any. */
function readAll({ bytes, chunks, what }: DamagedFile): { frames: number; error: unknown } {
  const reader = new CaptureReader();
  const dec = new Decoder();
  let frames = 0;
  try {
    let pos = 0;
    for (const n of chunks) {
      reader.push(bytes.subarray(pos, pos + n), (raw) => { frames++; decodeChecked(dec, raw, `${what} frame ${frames}`); });
      pos += n;
    }
    reader.end();
    return { frames, error: null };
  } catch (e) {
    return { frames, error: e };
  }
}

describe('damaged files through the reader never throw anything but a format error', () => {
  for (const { path, name } of files) {
    it(name, () => {
      for (const variant of damagedFiles(name, new Uint8Array(readFileSync(path)))) {
        const { frames, error } = readAll(variant);
        if (error !== null && !(error instanceof CaptureFormatError)) throw new Error(`${variant.what}: ${(error as Error).stack ?? String(error)}`);
        // A record needs at least 12 bytes of framing: more frames than that would mean a loop.
        expect(frames, variant.what).toBeLessThanOrEqual(variant.bytes.length / 12 + 1);
      }
    });
  }
});

// tshark as the judge of which truncated frames are broken: every frame tshark gives an error-severity expert
// item (malformed, bad header length, …) must be flagged malformed with an error item by us too.
const PI_ERROR = '8388608';
describe.skipIf(!hasTshark())('truncated frames tshark calls errors are flagged malformed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-fuzz-'));
  const picks = ['lab/ipv4-3seg.pcap', 'lab/ipv6-3seg.pcap', 'lab/ipv4-3seg-sll2.pcap', 'link/vlan.pcap', 'link/null-ipv4.pcap',
    'noise/ping4-rr.pcap', 'noise/udp-unreach.pcap', 'tcp/syn-data-options.pcap', 'tcp/icmp-errors.pcap', 'tcp/ipv6-ext.pcap',
    'tcp/ipv4-options-frag.pcap', 'tcp/arp.pcap', 'noise/dns.pcap', 'reasm/dns-records.pcap', 'reasm/dns-malformed.pcap', 'reasm/dns-mdns.pcap'];
  for (const pick of picks) {
    const file = files.find((f) => f.name === pick);
    it.skipIf(!file)(pick, () => {
      const frames = rawFramesLenient(file!.path);
      const lt = frames[0].linktype;
      // Every frame cut at every length, each claiming to be that long on the wire.
      const cuts: RawFrame[] = [];
      for (const raw of frames) for (let c = 0; c < raw.data.length; c++) cuts.push({ ...raw, data: raw.data.slice(0, c), len: c });
      const recs: Uint8Array[] = [];
      const hdr = new DataView(new ArrayBuffer(24));
      hdr.setUint32(0, 0xa1b2c3d4, true); hdr.setUint16(4, 2, true); hdr.setUint16(6, 4, true); hdr.setUint32(16, 262144, true); hdr.setUint32(20, lt, true);
      recs.push(new Uint8Array(hdr.buffer));
      cuts.forEach((c, i) => {
        const h = new DataView(new ArrayBuffer(16));
        h.setUint32(0, 1_700_000_000 + i, true); h.setUint32(8, c.data.length, true); h.setUint32(12, c.len, true);
        recs.push(new Uint8Array(h.buffer), c.data);
      });
      const out = join(dir, pick.replace('/', '-'));
      writeFileSync(out, Buffer.concat(recs));
      const severities = tsharkFields(out, ['_ws.expert.severity']);
      expect(severities.length).toBe(cuts.length);
      const dec = new Decoder();
      const missed: string[] = [];
      let extra = 0;
      cuts.forEach((c, i) => {
        const ours = decodeChecked(dec, c, `${pick} cut #${i}`);
        const tsharkError = severities[i][0]?.includes(PI_ERROR) ?? false;
        if (tsharkError && !(ours.malformed && ours.expert.some((e) => e.severity === 'error'))) {
          missed.push(`cut #${i + 1} (${c.data.length} bytes): tshark has an error item, ours malformed=${ours.malformed} expert=${JSON.stringify(ours.expert.map((e) => e.message))}`.slice(0, 300));
        }
        if (!tsharkError && ours.malformed) extra++;
      });
      if (extra) console.log(`${pick}: ${extra} truncated frames we flag malformed that tshark does not`);
      expect(missed.length, missed.slice(0, 15).join('\n')).toBe(0);
    });
  }
});

/** An Ethernet/IPv4 frame around a UDP or TCP payload (checksums left zero: tshark does not check them). */
function ipv4Frame(proto: 6 | 17, sport: number, dport: number, payload: Uint8Array, tcp?: { seq: number; ack: number; flags: number }): Uint8Array {
  const l4 = proto === 17 ? 8 : 20;
  const out = new Uint8Array(14 + 20 + l4 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(12, 0x0800);
  v.setUint8(14, 0x45); v.setUint16(16, 20 + l4 + payload.length); v.setUint8(22, 64); v.setUint8(23, proto);
  v.setUint32(26, 0x0a000001); v.setUint32(30, 0x0a000002);
  v.setUint16(34, sport); v.setUint16(36, dport);
  if (proto === 17) v.setUint16(38, 8 + payload.length);
  else {
    v.setUint32(38, tcp!.seq >>> 0); v.setUint32(42, tcp!.ack >>> 0); v.setUint8(46, 0x50); v.setUint8(47, tcp!.flags); v.setUint16(48, 65535);
  }
  out.set(payload, 14 + 20 + l4);
  return out;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0xff);

describe('DNS and HTTP inputs built to break them never throw or run away', () => {
  it('DNS messages with random records, compression pointers anywhere (loops included) and lying counts', () => {
    const r = prng(53);
    const dec = new Decoder();
    for (let i = 0; i < 3000; i++) {
      const body = new Uint8Array(int(r, 200));
      for (let j = 0; j < body.length; j++) {
        const x = r();
        // Mostly short labels and pointers, which is what a name reader has to walk.
        body[j] = x < 0.25 ? 0xc0 | int(r, 2) : x < 0.5 ? int(r, 12) : x < 0.55 ? 0x40 | int(r, 64) : int(r, 256);
      }
      const msg = new Uint8Array(12 + body.length);
      const v = new DataView(msg.buffer);
      v.setUint16(0, i); v.setUint16(2, r() < 0.5 ? 0x0100 : 0x8180 | int(r, 16));
      for (let k = 4; k < 12; k += 2) v.setUint16(k, r() < 0.8 ? int(r, 4) : int(r, 65536));
      msg.set(body, 12);
      const port = [53, 5353, 5355, 40000][i % 4];
      decodeChecked(dec, { data: ipv4Frame(17, 40001, port, msg), len: 42 + msg.length, linktype: 1, interface: 0, tsSec: i, tsNsec: 0 }, `DNS #${i}`);
    }
  });

  it('records of the types decoded field by field (WKS, KEY, NXT, A6, APL, IPSECKEY, HIP, CSYNC, ZONEMD, WINS, WINS-R, XPF, TKEY, TSIG) with random data and lengths', () => {
    const r = prng(65281);
    const dec = new Decoder();
    const types = [11, 25, 30, 38, 42, 45, 55, 62, 63, 65281, 65282, 65422, 249, 250];
    for (let i = 0; i < 2800; i++) {
      const type = types[i % types.length];
      // Data of 0-60 random bytes, its length field sometimes lying, and sometimes an A record after it.
      const data = Uint8Array.from({ length: int(r, 61) }, () => (r() < 0.3 ? [0, 1, 4, 6, 0xc0, 0xff][int(r, 6)] : int(r, 256)));
      const rdlen = r() < 0.8 ? data.length : int(r, 80);
      const after = r() < 0.5 ? [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1] : [];
      const msg = Uint8Array.from([i >> 8, i & 255, 0x81, 0x80, 0, 1, 0, after.length ? 2 : 1, 0, 0, 0, 0, 1, 0x77, 0, type >> 8, type & 255, 0, 1,
        0xc0, 12, type >> 8, type & 255, 0, 1, 0, 0, 0, 60, rdlen >> 8, rdlen & 255, ...data, ...after]);
      const out = decodeChecked(dec, { data: ipv4Frame(17, 53, 40000, msg), len: 42 + msg.length, linktype: 1, interface: 0, tsSec: i, tsNsec: 0 }, `type ${type} #${i}`);
      expect(out.expert.some((e) => e.field === '_ws.malformed.dissector_bug'), `type ${type} #${i}: ${out.info}`).toBe(false);
    }
  });

  it('DNS over TCP and HTTP cut into random segments, with random lengths, chunk sizes and garbage', () => {
    const r = prng(80);
    const dec = new Decoder();
    const pieces = ['GET / HTTP/1.1\r\n', 'HTTP/1.1 200 OK\r\n', 'Host: x\r\n', 'Content-Length: ', 'Transfer-Encoding: chunked\r\n', '\r\n',
      '5\r\nhello\r\n', '0\r\n\r\n', 'ffffffff\r\n', 'Content-Type: text/plain\r\n', '\x00\x05\x12\x34\x01\x00\x00\x01', 'zzz'];
    let frame = 0;
    for (let conn = 0; conn < 60; conn++) {
      let stream = '';
      for (let k = 0, n = 5 + int(r, 30); k < n; k++) {
        stream += pieces[int(r, pieces.length)];
        if (r() < 0.3) stream += String(int(r, 3000));
        if (r() < 0.1) stream += String.fromCharCode(...Array.from({ length: int(r, 20) }, () => int(r, 256)));
      }
      const bytes = ascii(stream);
      const port = [80, 8080, 53, 18080][conn % 4];
      let seq = 1000, at = 0;
      const send = (payload: Uint8Array, flags: number): void => {
        frame++;
        decodeChecked(dec, { data: ipv4Frame(6, 30000 + conn, port, payload, { seq, ack: 1, flags }), len: 54 + payload.length, linktype: 1, interface: 0, tsSec: frame, tsNsec: 0 }, `stream ${conn} frame ${frame}`);
        seq += payload.length + (flags & 3 ? 1 : 0);
      };
      send(new Uint8Array(0), 0x02);
      while (at < bytes.length) {
        const n = 1 + int(r, 64);
        send(bytes.subarray(at, at + n), 0x18);
        at += n;
      }
      send(new Uint8Array(0), 0x11);
    }
    expect(frame).toBeGreaterThan(100);
  });
});
