// The engine's states equal the kernel's at the pauses recorded with the corpus's kernel-*.pcap captures
// (test/corpus/make/record-states.sh and record-tcp5.sh; the check: test/helpers/kernel-recorded.ts). No root needed: the kernel
// was asked when the files were made; the kernel test (test/kernel/states.test.ts) records them afresh.
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { CORPUS } from '../helpers/corpus';
import { checkRecording } from '../helpers/kernel-recorded';

const NAMES = [
  'kernel-refused', 'kernel-abort', 'kernel-simultaneous-close', 'kernel-simultaneous-open',
  // Two runs of the simultaneous open where the veth pair reordered an end's SYN and SYN-ACK (kept from the kernel test).
  'kernel-simultaneous-open-synack-first', 'kernel-simultaneous-open-late-syn',
  // The server's kernel answering data after its close with a RST without ACK (FIN_WAIT_2 held, not FIN_WAIT_1).
  'kernel-write-after-close',
  // Loss from nftables between two namespaces: a FIN beyond a hole (held until the retransmission fills it), and an
  // abortive RST beyond a hole (answered by a challenge ACK, then a RST at RCV.NXT).
  'kernel-fin-hole', 'kernel-abort-hole',
  // Real stacks between two namespaces with loss (record-tcp5.sh): a lost SYN-ACK (the SYN retransmitted from
  // SYN_SENT), lost FINs, a keep-alive timeout whose RST was lost (the peer still ESTAB), data after a FIN and an abort.
  'real-synack-lost', 'real-fin-lost', 'real-keepalive-dead', 'real-linger-halfclose',
  // A full accept queue drops the client's handshake ACKs: the server stays SYN-RECV, retransmitting its SYN-ACK.
  'real-backlog-full',
];

describe('engine states equal the kernel\'s at the recorded pauses', () => {
  for (const name of NAMES) {
    it(name, () => checkRecording(name, join(CORPUS, 'tcp', `${name}.pcap`), join(CORPUS, 'tcp', `${name}.ss.json`)));
  }
});
