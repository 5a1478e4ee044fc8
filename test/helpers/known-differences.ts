// Differences from tshark we know of and have not closed yet, each with its reason. The comparison
// tests ignore exactly these (file, frames, fields) and fail on anything else, so a new difference
// cannot hide here; README "Known differences from tshark" lists the same.
import type { FieldMismatch } from './tshark';

interface Known {
  file: string;
  frames: number[];
  /** Field names (or column names such as _ws.col.Info); '*' for every field of those frames. */
  fields: string[] | '*';
  reason: string;
}

const TIMES = 'TCP stream times are kept in seconds as doubles: a difference of more than about 100 days (damaged or zero timestamps) loses nanoseconds, and tshark keeps a damaged record\'s unnormalised fraction in its arithmetic';
const TCP_TIMES = ['tcp.time_relative', 'tcp.time_delta'];

const X509 = 'a TLS 1.2 Certificate message: tshark decodes each certificate as X.509 through its BER engine (x509af, x509sat, x509ce, pkcs-1 in frame.protocols, the subject in the certificate\'s title); Handshake Lab shows the certificate\'s length and bytes only';
/** The certificate's items tshark shows (its X.509 decoding), for an EC key (the RSA key's are below). */
const X509_ITEMS = [
  'ber.bitstring.padding', 'tls.handshake.certificate', 'x509af.Extension_element',
  'x509af.algorithm.id', 'x509af.algorithmIdentifier_element', 'x509af.algorithm_element', 'x509af.critical', 'x509af.encrypted', 'x509af.extension.id',
  'x509af.extensions', 'x509af.issuer', 'x509af.notAfter', 'x509af.notBefore', 'x509af.rdnSequence', 'x509af.serialNumber',
  'x509af.signature_element', 'x509af.signedCertificate_element', 'x509af.subject', 'x509af.subjectPublicKey',
  'x509af.subjectPublicKeyInfo_element', 'x509af.utcTime', 'x509af.validity_element', 'x509af.version',
  'x509ce.AuthorityKeyIdentifier_element', 'x509ce.BasicConstraintsSyntax_element', 'x509ce.SubjectKeyIdentifier', 'x509ce.cA',
  'x509ce.keyIdentifier', 'x509if.RDNSequence_item', 'x509if.RelativeDistinguishedName_item_element', 'x509if.oid',
  'x509if.rdnSequence', 'x509sat.DirectoryString', 'x509sat.uTF8String',
];
const X509_EC = [...X509_ITEMS, 'pkcs1.ECParameters', 'pkcs1.namedCurve'];
const X509_RSA = [...X509_ITEMS, 'pkcs1.modulus', 'pkcs1.publicExponent'];

const QUOTED = 'a TCP header quoted in an ICMP error: tshark looks up its stream and shows more fields; we show raw numbers and create no stream (DECISIONS)';

export const KNOWN_DIFFERENCES: Known[] = [
  { file: 'tcp/icmp-errors.pcap', frames: [2, 8], fields: '*', reason: QUOTED },
  { file: 'format/pcap-frac-overflow-ns.pcap', frames: [2], fields: ['frame.time_epoch'], reason: 'a negative nanosecond count in a damaged record: tshark prints a sign on the seconds' },
  { file: 'bad/malformed.pcap', frames: [7], fields: ['_ws.col.Info', 'tcp.seq'], reason: 'the Info string of a TCP header with a bogus length gives the raw Seq (tshark a relative one)' },
  { file: 'bad/malformed.pcap', frames: [18], fields: ['tcp.analysis.bytes_in_flight'], reason: 'bytes in flight after segments with bogus header lengths' },
  { file: 'bad/malformed.pcap', frames: [7], fields: ['tcp'], reason: 'a TCP header with a bogus length: tshark still gives the title (tshark -e tcp) a relative Seq (we give the raw one, as in the Info column)' },
  { file: 'bad/malformed.pcap', frames: [18], fields: ['tcp.analysis.push_bytes_sent'], reason: 'bytes sent since the last PSH after segments with bogus header lengths' },
  { file: 'format/pcap-frac-overflow-ns.pcap', frames: [2], fields: [...TCP_TIMES, 'tcp.analysis.ack_rtt'], reason: TIMES },
  { file: 'format/pcap-frac-overflow-us.pcap', frames: [4], fields: TCP_TIMES, reason: TIMES },
  { file: 'format/pcapng-2sections.pcapng', frames: [9], fields: TCP_TIMES, reason: TIMES },
  { file: 'format/pcapng-spb-snaplen.pcapng', frames: [5], fields: TCP_TIMES, reason: TIMES },
  ...['openssl-tls12', 'openssl-tls12-dhe-rsa', 'openssl-tls12-rsa-kx', 'openssl-tls12-resumed', 'curl-download-tls12-loss'].map((n) => (
    { file: `tls/${n}.pcap`, frames: [6], fields: ['frame.protocols'], reason: X509 })),
  // The server's certificate in frame 6, the client's in frame 8.
  { file: 'tls/tls12-client-cert.pcap', frames: [6, 8], fields: ['frame.protocols'], reason: X509 },
  // The Certificate message put together from records of frames 6 and 7.
  { file: 'tls/tls12-handshake-fragments.pcap', frames: [7], fields: ['frame.protocols'], reason: X509 },
];

/**
 * Differences of the detail tree's texts (test/engine/tshark-tree.test.ts) beyond the field differences
 * above (which show in the tree too): the field names are those of the differing items, tshark's or ours.
 */
export const KNOWN_TREE_DIFFERENCES: Known[] = [
  { file: 'tls/openssl-tls12.pcap', frames: [6], fields: X509_EC, reason: X509 },
  { file: 'tls/openssl-tls12-resumed.pcap', frames: [6], fields: X509_EC, reason: X509 },
  { file: 'tls/openssl-tls12-dhe-rsa.pcap', frames: [6], fields: X509_RSA, reason: X509 },
  { file: 'tls/openssl-tls12-rsa-kx.pcap', frames: [6], fields: X509_RSA, reason: X509 },
  { file: 'tls/curl-download-tls12-loss.pcap', frames: [6], fields: X509_EC, reason: X509 },
  { file: 'tls/tls12-client-cert.pcap', frames: [6, 8], fields: X509_EC, reason: X509 },
  { file: 'tls/tls12-handshake-fragments.pcap', frames: [7], fields: X509_RSA, reason: X509 },
];

/** The mismatches of `file` (its path relative to test/corpus) that no known difference explains. */
export function unexplained<T extends Pick<FieldMismatch, 'frame' | 'field'>>(file: string, diffs: T[]): T[] {
  return unexplainedBy(KNOWN_DIFFERENCES, file, diffs);
}

/** The tree differences of `file` that no known difference explains (the field ones show in the tree too). */
export function unexplainedInTree<T extends Pick<FieldMismatch, 'frame' | 'field'>>(file: string, diffs: T[]): T[] {
  return unexplainedBy([...KNOWN_TREE_DIFFERENCES, ...KNOWN_DIFFERENCES], file, diffs);
}

/** The frames and fields of each known difference that explained a mismatch in this run (to find stale ones). */
const used = new Map<Known, { frames: Set<number>; fields: Set<string> }>();

function unexplainedBy<T extends Pick<FieldMismatch, 'frame' | 'field'>>(list: Known[], file: string, diffs: T[]): T[] {
  const known = list.filter((k) => file.endsWith(k.file));
  if (!known.length) return diffs;
  return diffs.filter((d) => {
    const k = known.find((x) => x.frames.includes(d.frame) && (x.fields === '*' || x.fields.includes(d.field)));
    if (k) {
      let u = used.get(k);
      if (!u) used.set(k, (u = { frames: new Set(), fields: new Set() }));
      u.frames.add(d.frame);
      u.fields.add(d.field);
    }
    return !k;
  });
}

/**
 * The frames and fields of known differences, for the files compared in this run, that explained nothing:
 * a difference fixed since (the list must shrink with it). `tree` picks the tree test's list.
 */
export function staleKnown(files: readonly string[], tree: boolean): string[] {
  const list = tree ? KNOWN_TREE_DIFFERENCES : KNOWN_DIFFERENCES;
  const out: string[] = [];
  for (const k of list) {
    if (!files.some((f) => f.endsWith(k.file))) continue;
    const u = used.get(k);
    const frames = k.frames.filter((n) => !u?.frames.has(n));
    const fields = k.fields === '*' ? [] : k.fields.filter((f) => !u?.fields.has(f));
    if (frames.length || fields.length) out.push(`${k.file} (frames ${k.frames.join(',')}): ${[...frames.map((n) => `frame ${n}`), ...fields].join(', ')} no longer differ (${k.reason})`);
  }
  return out;
}

/** Captures whose `stats` differ from `tshark -z conv,tcp` for a known reason. */
export const KNOWN_STATS_DIFFERENCES: { file: string; reason: string }[] = [
  { file: 'format/pcap-frac-overflow-us.pcap', reason: 'fractions of a second ≥ 1 s in damaged records: tshark keeps them unnormalised in its duration' },
  { file: 'format/pcapng-2sections.pcapng', reason: 'time runs backwards across sections: tshark gives a huge start and a negative duration' },
];
