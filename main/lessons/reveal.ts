// Masking what an unanswered question would give away (its Exposure, exposure.ts): the one set of rules
// both the back end and the page use, so they cannot drift. The back end redacts with it everything it
// sends a session while a question is open (main/backend/lesson-redact.ts: the answer never leaves the
// server); the page's views ask it before they print a frame's values, states or bytes, and show MASK for
// what arrives already redacted. `Reveal.none` shows everything. Pure: no DOM, no Node.
import type { Exposure } from './exposure';

/** What a masked value reads as. */
export const MASK = '?';

/**
 * Where Wireshark's one-line texts (Info, the ladder's label, a layer's title, an option's summary) print
 * a field's value: each pattern keeps its label (group 1) and loses the value.
 */
const PRINTED: Record<string, RegExp[]> = {
  'tcp.seq': [/(\bSeq[=:] ?)\d+/g],
  'tcp.ack': [/(\bAck[=:] ?)\d+/g],
  'tcp.window_size': [/(\bWin=)\d+/g],
  'tcp.options.mss_val': [/(\bMSS=)\d+/g, /(Maximum segment size: )\d+/g],
  'tcp.options.wscale.multiplier': [/(\bWS=)\d+/g, /(multiply by )\d+/g],
  'tcp.options.wscale.shift': [/(Window scale: )\d+/g],
  'tcp.options.timestamp.tsval': [/(\bTSval[= ])\d+/g],
  'tcp.options.timestamp.tsecr': [/(\bTSecr[= ])\d+/g],
  'tcp.options.sack_le': [/(\bSLE=)\d+/g, /(\bSACK )\d+/g],
  'tcp.options.sack_re': [/(\bSRE=)\d+/g, /(\bSACK \d+-)\d+/g],
  // "Frame 4: 135 bytes on wire (1080 bits), 135 bytes captured (1080 bits)": the bits and the captured bytes say it too.
  'frame.len': [/^(Frame \d+: )\d+/g, /(\()\d+(?= bits\))/g, /(, )\d+(?= bytes captured)/g],
  'tcp.len': [/(\bLen[=:] ?)\d+/g, /(TCP payload \()\d+/g],
};

/**
 * Items whose presence alone says a masked value: "[Duplicate to the ACK in frame: 19]" says the Ack is
 * frame 19's, "[TCP ZeroWindow]" that the window is 0. Masked, they are left out (with the expert note and analysis flag that carry them), not
 * shown as "?"; Wireshark's one-line texts lose their mark ("[TCP Dup ACK 19#2] ").
 */
export const DROPPED = new Set(['tcp.analysis.duplicate_ack', 'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame',
  'tcp.analysis.zero_window', 'tcp.analysis.zero_window_probe_ack']);
const DROPPED_MARKS: Record<string, RegExp> = {
  'tcp.analysis.duplicate_ack': /\[TCP Dup ACK \d+#\d+\] ?/g,
  'tcp.analysis.zero_window': /\[TCP ZeroWindow\] ?/g,
  'tcp.analysis.zero_window_probe_ack': /\[TCP ZeroWindowProbeAck\] ?/g,
};

/** A tree item's label with its value hidden: "Acknowledgment Number: ?" (bit patterns go too). */
export function maskedLabel(label: string): string {
  const m = /^(?:[01. ]+= )?([^:=]+?)\s*[:=]/.exec(label);
  return m ? `${m[1]}: ${MASK}` : MASK;
}

export interface FieldPlace { name: string; offset: number; length: number; children: FieldPlace[] }

export class Reveal {
  static readonly none = new Reveal(null);
  private readonly fieldsAt = new Map<number, Set<string>>();
  private readonly whole: Set<number>;
  private readonly links: Set<number>;
  private readonly series = new Set<string>();
  private readonly first: number;

  constructor(private readonly x: Exposure | null) {
    this.whole = new Set(x?.frames ?? []);
    this.links = new Set(x?.byteLinks ?? []);
    for (const f of x?.fields ?? []) {
      let set = this.fieldsAt.get(f.frame);
      if (!set) this.fieldsAt.set(f.frame, (set = new Set()));
      set.add(f.field);
    }
    for (const s of x?.series ?? []) this.series.add(`${s.name}@${s.frame}`);
    const all = [...this.whole, ...this.links, ...this.fieldsAt.keys(), ...(x?.states ?? []).map((s) => s.from), ...(x?.series ?? []).map((s) => s.frame)];
    this.first = all.length ? Math.min(...all) : Infinity;
  }

  get active(): boolean {
    return this.x !== null;
  }

  /** The whole segment is hidden (who sent it, its flags, its values). */
  frameMasked(frame: number): boolean {
    return this.whole.has(frame);
  }

  fieldMasked(frame: number, name: string): boolean {
    return this.whole.has(frame) || (this.fieldsAt.get(frame)?.has(name) ?? false);
  }

  /** The field's value is hidden in some frame. */
  fieldAnywhere(name: string): boolean {
    for (const names of this.fieldsAt.values()) if (names.has(name)) return true;
    return false;
  }

  /** The endpoint's state after `frame` is hidden. */
  stateMasked(endpoint: 'client' | 'server', frame: number): boolean {
    return this.whole.has(frame) || (this.x?.states ?? []).some((s) => s.endpoint === endpoint && frame >= s.from);
  }

  /** The item is left out, not shown masked (DROPPED: its presence says the masked value). */
  dropped(frame: number, name: string): boolean {
    return DROPPED.has(name) && this.fieldMasked(frame, name);
  }

  /** Where this frame's fields sit is hidden (a bytes question on it is open). */
  linksMasked(frame: number): boolean {
    return this.links.has(frame);
  }

  seriesMasked(name: string, frame: number): boolean {
    return this.whole.has(frame) || this.series.has(`${name}@${frame}`);
  }

  /**
   * A graph point of `kind` (a getSeries kind) at `frame` plots a hidden value: the server does not send
   * it. The Stevens bar runs from Seq to Seq + Len, an ACK's point from Ack to Ack + window, a segment's
   * and the throughput's are its length.
   */
  pointMasked(kind: string, frame: number): boolean {
    if (this.whole.has(frame)) return true;
    const f = (name: string) => this.fieldMasked(frame, name);
    switch (kind) {
      case 'stevens': return this.seriesMasked('stevens', frame) || f('tcp.seq') || f('tcp.len');
      case 'acks': return f('tcp.ack') || f('tcp.window_size') || this.seriesMasked('window', frame);
      case 'segments': return f('tcp.len');
      case 'throughput': return this.seriesMasked('throughput', frame) || f('tcp.len');
      case 'window': return this.seriesMasked('window', frame) || f('tcp.window_size');
      case 'rtt': return this.seriesMasked('rtt', frame) || this.seriesMasked('srtt', frame);
      default: return this.seriesMasked(kind, frame);
    }
  }

  /** Something of this frame is hidden: notes about it would give it away. */
  touches(frame: number): boolean {
    return frame >= this.first;
  }

  /** A one-line text of a frame (Info, label, title) with the hidden values taken out. */
  text(frame: number, s: string): string {
    if (this.whole.has(frame)) return MASK;
    const names = this.fieldsAt.get(frame);
    if (!names) return s;
    let out = s;
    for (const n of names) for (const re of PRINTED[n] ?? []) out = out.replace(re, `$1${MASK}`);
    for (const n of names) if (DROPPED_MARKS[n]) out = out.replace(DROPPED_MARKS[n], '');
    return out;
  }

  /**
   * Whether a one-line text of a frame already reads MASK where a hidden value is printed (the back end
   * redacts before it sends, so what arrives may already be masked: `text` leaves it as it is).
   */
  hides(frame: number, s: string): boolean {
    if (this.whole.has(frame)) return true;
    for (const n of this.fieldsAt.get(frame) ?? []) {
      for (const re of PRINTED[n] ?? []) {
        const src = re.source;
        const at = src.lastIndexOf('\\d+');
        if (at >= 0 && new RegExp(src.slice(0, at) + '\\?' + src.slice(at + 3)).test(s)) return true;
      }
    }
    return false;
  }

  /** A tree item's label: its own value hidden when its field is, values it prints from hidden fields taken out. */
  label(frame: number, name: string, label: string): string {
    if (this.fieldMasked(frame, name)) return maskedLabel(label);
    return this.text(frame, label);
  }

  /** Offsets of a frame's bytes that hold hidden values. */
  maskedBytes(frame: number, layers: readonly { fields: FieldPlace[] }[]): Set<number> {
    const out = new Set<number>();
    const names = this.fieldsAt.get(frame);
    if (!names) return out;
    const walk = (fs: readonly FieldPlace[]) => {
      for (const f of fs) {
        if (names.has(f.name)) for (let i = f.offset; i < f.offset + f.length; i++) out.add(i);
        walk(f.children);
      }
    };
    for (const l of layers) walk(l.fields);
    return out;
  }
}
