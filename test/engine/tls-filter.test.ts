// Display filters on TLS fields pick the frames tshark -Y picks, on the TLS corpus (handshake types, content
// types, SNI, JA3, cipher suites, alerts, the protocol itself).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../main/engine/filter';
import { CORPUS } from '../helpers/corpus';
import { decodeFile } from '../helpers/decode';
import { hasTshark, tshark } from '../helpers/tshark';

const FILES = ['tls/curl-tls13.pcap', 'tls/openssl-tls12.pcap', 'tls/tls-edges.pcap', 'tls/tls12-server-refuses-tls13.pcap'];
const FILTERS = [
  'tls.handshake.type == 1',
  'tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304',
  'tls',
  'tls.record.content_type == 23',
  'tls.record.opaque_type == 23',
  'tls.handshake.extensions_server_name == "lab.example"',
  'tls.handshake.ciphersuite == 0x1302',
  'tls.alert_message.desc == 70',
  'tls.handshake.extensions_alpn_str == "h2"',
  'tls.app_data_proto == "HyperText Transfer Protocol 2"',
  'tls.handshake.ja3 && !tls.handshake.ja3s',
  'tls.change_cipher_spec',
];

describe.skipIf(!hasTshark())('TLS display filters', () => {
  for (const name of FILES) {
    it(`${name}: every filter picks tshark's frames`, () => {
      const file = join(CORPUS, name);
      const frames = decodeFile(file);
      for (const expression of FILTERS) {
        const f = compileFilter(expression);
        if (!f.ok) throw new Error(`${expression}: ${f.error.message}`);
        const ours = frames.filter((fr) => f.match(fr)).map((fr) => fr.frame);
        const theirs = tshark(['-r', file, '-Y', expression, '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).map(Number);
        expect(ours, expression).toEqual(theirs);
      }
    });
  }
});
