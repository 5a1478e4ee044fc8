// Classic pcap has look-alike variants that share the standard magic number (and two that share the
// "modified" one) but have longer record headers. Like wiretap, we read the first three records as each
// candidate and keep the one whose headers look least wrong, so damaged or odd files are read as tshark reads them.

export type PcapVariant = 'pcap' | 'nsec' | 'aix' | 'ss990417' | 'ss990915' | 'ss991029' | 'nokia';

/** Record header size of each variant. */
export const RECORD_HEADER: Readonly<Record<PcapVariant, number>> = {
  pcap: 16, nsec: 16, aix: 16, ss990417: 24, ss991029: 24, ss990915: 28, nokia: 20,
};

/** Candidates in wiretap's order (ties go to the first). */
export const STANDARD_CANDIDATES: readonly PcapVariant[] = ['pcap', 'ss990417', 'nokia'];
export const MODIFIED_CANDIDATES: readonly PcapVariant[] = ['ss991029', 'ss990915'];

export type VariantGuess = { variant: PcapVariant } | { needUpTo: number };

const MAX_RECORDS_TO_TRY = 3;
const HUGE_ORIGINAL = 128 * 1024 * 1024;

interface Probe {
  view: DataView;
  end: number;
  eof: boolean;
  le: boolean;
  maxFrame: number;
  snaplen: number;
}

/** How wrong the first records look when read as `variant` (0: not at all), or how many bytes are needed to tell. */
function merit(p: Probe, start: number, variant: PcapVariant): { merit: number } | { needUpTo: number } {
  const { view, end, eof, le } = p;
  let m = 0;
  let pos = start;
  // A record cut short by the end of the data counts as one more problem (and ends the try).
  const short = (upTo: number) => (eof ? { merit: m + 1 } : { needUpTo: upTo });
  for (let i = 0; i < MAX_RECORDS_TO_TRY; i++) {
    if (pos === end && eof) return { merit: m };
    if (end < pos + 4) return short(pos + 4);
    if (end < pos + 8) return short(pos + 8);
    if (view.getUint32(pos + 4, le) >= 1_000_000) m++;
    if (end < pos + 12) return short(pos + 12);
    const incl = view.getUint32(pos + 8, le);
    const inclOk = incl <= p.maxFrame;
    if (!inclOk) m++;
    if (incl > p.snaplen) m++;
    if (end < pos + 16) return short(pos + 16);
    const orig = view.getUint32(pos + 12, le);
    if (orig > HUGE_ORIGINAL) m++;
    if (incl > orig) m++;
    let q = pos + 16;
    if (variant === 'ss990417' || variant === 'ss991029' || variant === 'ss990915') {
      if (end < q + 4) return short(q + 4);
      if (view.getUint32(q, le) > 10000) m++; // interface index
      if (end < q + 6) return short(q + 6);
      const proto = view.getUint16(q + 4, le);
      if (!(proto >= 0x0600 || proto === 0x0060 || proto === 0x0200 || proto === 0x0400 || proto <= 0x0017)) m++;
      if (end < q + 7) return short(q + 7);
      if (view.getUint8(q + 6) > 4) m++; // packet type
      q += variant === 'ss990915' ? 12 : 8;
      if (end < q) return short(q);
    } else if (variant === 'nokia') {
      if (end < q + 4) return short(q + 4);
      const ns = view.getUint32(q, le);
      const ok = (ns & 0x0fff00f0) === 0x0fbf0000 &&
        ((ns & 0xf0000000) >>> 0 === 0x90000000 || (ns & 0xf0000000) >>> 0 === 0xb0000000) &&
        ((ns & 0xf000) === 0xb000 || (ns & 0xf000) === 0xd000) &&
        ((ns & 0xf00) === 0x600 || (ns & 0xf00) === 0x900) &&
        ((ns & 0xf) === 1 || (ns & 0xf) === 2);
      if (!ok) m++;
      q += 4;
    }
    if (!inclOk) return { merit: m };
    if (end < q + incl) return short(q + incl);
    pos = q + incl;
  }
  return { merit: m };
}

/**
 * Picks the variant for a file whose records start at `start`: the first candidate that reads without
 * complaint, else the least bad (earliest on ties). Needs up to three records' worth of data, or `eof`.
 */
export function guessVariant(candidates: readonly PcapVariant[], view: DataView, start: number, end: number, eof: boolean,
  le: boolean, maxFrame: number, snaplen: number): VariantGuess {
  const probe: Probe = { view, end, eof, le, maxFrame, snaplen };
  let best: PcapVariant = candidates[0];
  let bestMerit = Infinity;
  for (const v of candidates) {
    const r = merit(probe, start, v);
    if ('needUpTo' in r) return r;
    if (r.merit === 0) return { variant: v };
    if (r.merit < bestMerit) {
      bestMerit = r.merit;
      best = v;
    }
  }
  return { variant: best };
}
