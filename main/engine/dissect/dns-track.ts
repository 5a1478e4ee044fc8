// DNS request/response matching as packet-dns.c does it on tshark's single pass: per conversation and
// transaction ID, a query starts a transaction (or, within 5 s of an unanswered one, is a retransmission
// of it); an answer completes the latest transaction with its ID (or repeats its answer). An answer
// nobody asked for is "Unsolicited". Nothing is tracked for messages quoted inside ICMP errors.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { generated } from '../fields/tree';
import type { Ctx } from './context';
import { defineExpert, expert } from './expert';
import { timeBetween } from './frame';
import { dissectState } from './state';

const F = {
  responseIn: defineField('dns.response_in', 'Response In', 'uint'),
  responseTo: defineField('dns.response_to', 'Request In', 'uint'),
  retransmission: defineField('dns.retransmission', 'Retransmission', 'bool'),
  requestIn: defineField('dns.retransmit_request_in', 'Retransmitted request. Original request in', 'uint'),
  responseAgainIn: defineField('dns.retransmit_response_in', 'Retransmitted response. Original response in', 'uint'),
  time: defineField('dns.time', 'Time', 'time'),
  unsolicited: defineField('dns.unsolicited', 'Unsolicited', 'bool'),
};
const E = {
  request: defineExpert('dns.retransmit_request', 'DNS query retransmission'),
  response: defineExpert('dns.retransmit_response', 'DNS response retransmission'),
};

/** Seconds within which a repeated unanswered query counts as a retransmission (dns.retransmission_timer). */
const RETRANSMISSION_SECONDS = 5;

export interface DnsTransaction {
  reqFrame: number;
  repFrame: number;
  sec: number;
  nsec: number;
  multiple: boolean;
}

export interface DnsTracking {
  /** The query asked for a zone transfer (several answers are no retransmission). */
  multipleAnswers(yes: boolean): void;
  /** Adds the matching items at the end of the DNS tree (and the retransmission expert under the ID). */
  items(tree: Field[], idItem: Field): void;
}

function conversation(c: Ctx): string {
  const a = `${c.netSrc}|${c.srcPort}`, b = `${c.netDst}|${c.dstPort}`;
  return `${c.tcpStream !== null ? 't' : 'u'}|${a < b ? `${a}|${b}` : `${b}|${a}`}`;
}

export function trackDns(c: Ctx, kind: string, id: number, response: boolean): DnsTracking {
  if (!c.colWritable) {
    // Quoted in an ICMP error: no transaction; an answer there reads as unsolicited, as in tshark.
    return {
      multipleAnswers: () => undefined,
      items: (tree) => { if (response) generated(tree, F.unsolicited.name, 1, 'Unsolicited: True', 0, 0); },
    };
  }
  let tx: DnsTransaction | null = null;
  let retransmission = false;
  const now = { sec: c.raw.tsSec, nsec: c.raw.tsNsec };
  const lookup = (): DnsTransaction | null => {
    if (tx || c.replay) return tx;
    const st = dissectState(c.session);
    const key = `${kind}|${conversation(c)}|${id}`;
    const t = st.dnsQueries.get(key) ?? null;
    if (!response) {
      const seconds = t ? now.sec - t.sec + (now.nsec - t.nsec) / 1e9 : 0;
      if (t && t.repFrame === 0 && seconds < RETRANSMISSION_SECONDS) {
        retransmission = true;
        tx = t;
      } else {
        tx = { reqFrame: c.number, repFrame: 0, sec: now.sec, nsec: now.nsec, multiple: false };
        st.dnsQueries.set(key, tx);
      }
    } else if (t) {
      if (t.repFrame === 0) t.repFrame = c.number;
      else if (!t.multiple) retransmission = true;
      tx = t;
    }
    return tx;
  };
  // The facts the tree shows, looked up now (before the queries may mark a zone transfer).
  let original = 0, request = 0, answeredIn = 0, time = '';
  if (!response) {
    original = c.recall(() => (lookup() && retransmission ? tx!.reqFrame : 0));
  } else {
    request = c.recall(() => lookup()?.reqFrame ?? 0);
    if (request) {
      answeredIn = c.recall(() => (retransmission ? tx!.repFrame : 0));
      if (!answeredIn) time = c.recall(() => timeBetween(now.sec, now.nsec, tx!.sec, tx!.nsec));
    }
  }
  return {
    multipleAnswers: (yes) => {
      if (tx) tx.multiple = yes;
    },
    items: (tree, idItem) => {
      if (!response) {
        if (original) {
          expert(c, idItem.children, idItem.offset, 'warning', 'protocol', `DNS query retransmission. Original request in frame ${original}`, E.request);
          generated(tree, F.requestIn.name, original, `Retransmitted request. Original request in: ${original}`, 0, 0);
          generated(tree, F.retransmission.name, 1, 'Retransmission: True', 0, 0);
        }
        return;
      }
      if (!request) {
        generated(tree, F.unsolicited.name, 1, 'Unsolicited: True', 0, 0);
        return;
      }
      if (answeredIn) {
        expert(c, idItem.children, idItem.offset, 'warning', 'protocol', `DNS response retransmission. Original response in frame ${answeredIn}`, E.response);
        generated(tree, F.responseAgainIn.name, answeredIn, `Retransmitted response. Original response in: ${answeredIn}`, 0, 0);
        generated(tree, F.retransmission.name, 1, 'Retransmission: True', 0, 0);
        return;
      }
      generated(tree, F.responseTo.name, request, `Request In: ${request}`, 0, 0);
      generated(tree, F.time.name, time, `Time: ${time} seconds`, 0, 0);
    },
  };
}
