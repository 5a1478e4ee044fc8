// The data of DNS resource records, per type, as packet-dns.c shows it (items, the record title's tail
// and the Info column's): A, NS, CNAME, SOA, PTR, HINFO, MX, TXT, AAAA, SRV, DNAME, OPT (EDNS options), NSEC,
// SVCB/HTTPS, SPF, NULL and the names-only mail types; dns-rdata-more.ts and dns-rdata-rare.ts decode more
// (CAA, DNSSEC, NAPTR, TLSA, SSHFP, LOC; RFC 1183 types, CERT, ILNP, EUI…), dns-rdata-legacy.ts and
// dns-rdata-modern.ts more still (WKS, KEY, NXT, A6, APL, IPSECKEY, HIP; CSYNC, ZONEMD, WINS, XPF), dns-rdata-tsig.ts TSIG and TKEY. Other types show their bytes as "Data" with tshark's note
// that they are not decoded.
import { defineField } from '../fields/registry';
import { bytesText, leaf } from '../fields/tree';
import { bytesHex, durationText, fieldText, formatText, ipv4, ipv6, labelNamed } from '../fields/format';
import type { Ctx } from './context';
import { defineExpert, expert } from './expert';
import { readDnsName } from './dns-name';
import { dissectMoreRdata } from './dns-rdata-more';
import { dissectRareRdata } from './dns-rdata-rare';
import { dissectLegacyRdata } from './dns-rdata-legacy';
import { dissectModernRdata } from './dns-rdata-modern';
import { dissectTsigRdata } from './dns-rdata-tsig';
import { appendTitle, cString, nameItem, printedText, stringItem, typeBitmap, type Rdata } from './dns-rdata-util';
import { DNS_EXT_ERRORS, DNS_OPTION_CODES, DNS_SVCB_KEYS, DNSSEC_ALGORITHMS, DNSSEC_DIGESTS, NSEC3_HASHES } from './value-names';

const F = {
  a: defineField('dns.a', 'Address', 'ipv4'),
  aaaa: defineField('dns.aaaa', 'AAAA Address', 'ipv6'),
  ns: defineField('dns.ns', 'Name Server', 'string'),
  cname: defineField('dns.cname', 'CNAME', 'string'),
  ptr: defineField('dns.ptr.domain_name', 'Domain Name', 'string'),
  dname: defineField('dns.dname', 'Dname', 'string'),
  md: defineField('dns.md', 'Mail Destination', 'string'),
  mf: defineField('dns.mf', 'Mail Forwarder', 'string'),
  mb: defineField('dns.mb', 'MailBox Domaine', 'string'),
  mg: defineField('dns.mg', 'Mail Group member', 'string'),
  mr: defineField('dns.mr', 'Mail Rename domaine', 'string'),
  null: defineField('dns.null', 'Null (data)', 'bytes'),
  soaMname: defineField('dns.soa.mname', 'Primary name server', 'string'),
  soaRname: defineField('dns.soa.rname', 'Responsible authority\'s mailbox', 'string'),
  soaSerial: defineField('dns.soa.serial_number', 'Serial Number', 'uint'),
  soaRefresh: defineField('dns.soa.refresh_interval', 'Refresh Interval', 'uint'),
  soaRetry: defineField('dns.soa.retry_interval', 'Retry Interval', 'uint'),
  soaExpire: defineField('dns.soa.expire_limit', 'Expire limit', 'uint'),
  soaMinimum: defineField('dns.soa.minimum_ttl', 'Minimum TTL', 'uint'),
  cpuLen: defineField('dns.hinfo.cpu_length', 'CPU Length', 'uint'),
  cpu: defineField('dns.hinfo.cpu', 'CPU', 'string'),
  osLen: defineField('dns.hinfo.os_length', 'OS Length', 'uint'),
  os: defineField('dns.hinfo.os', 'OS', 'string'),
  mxPref: defineField('dns.mx.preference', 'Preference', 'uint'),
  mx: defineField('dns.mx.mail_exchange', 'Mail Exchange', 'string'),
  txtLen: defineField('dns.txt.length', 'TXT Length', 'uint'),
  txt: defineField('dns.txt', 'TXT', 'string'),
  spfLen: defineField('dns.spf.length', 'SPF Length', 'uint'),
  spf: defineField('dns.spf', 'SPF', 'string'),
  srvPriority: defineField('dns.srv.priority', 'Priority', 'uint'),
  srvWeight: defineField('dns.srv.weight', 'Weight', 'uint'),
  srvPort: defineField('dns.srv.port', 'Port', 'uint'),
  srvTarget: defineField('dns.srv.target', 'Target', 'string'),
  opt: defineField('dns.opt', 'Option', 'none'),
  optCode: defineField('dns.opt.code', 'Option Code', 'uint'),
  optLen: defineField('dns.opt.len', 'Option Length', 'uint'),
  optData: defineField('dns.opt.data', 'Option Data', 'bytes'),
  dau: defineField('dns.opt.dau', 'DAU', 'uint'),
  dhu: defineField('dns.opt.dhu', 'DHU', 'uint'),
  n3u: defineField('dns.opt.n3u', 'N3U', 'uint'),
  family: defineField('dns.opt.client.family', 'Family', 'uint'),
  netmask: defineField('dns.opt.client.netmask', 'Source Netmask', 'uint'),
  scope: defineField('dns.opt.client.scope', 'Scope Netmask', 'uint'),
  subnet: defineField('dns.opt.client.addr', 'Client Subnet', 'bytes'),
  subnet4: defineField('dns.opt.client.addr4', 'Client Subnet', 'ipv4'),
  subnet6: defineField('dns.opt.client.addr6', 'Client Subnet', 'ipv6'),
  cookieClient: defineField('dns.opt.cookie.client', 'Client Cookie', 'bytes'),
  cookieServer: defineField('dns.opt.cookie.server', 'Server Cookie', 'bytes'),
  keepalive: defineField('dns.opt.edns_tcp_keepalive.timeout', 'Timeout', 'uint'),
  padding: defineField('dns.opt.padding', 'Padding', 'bytes'),
  chain: defineField('dns.opt.chain.fqdn', 'Closest Trust Point', 'string'),
  extError: defineField('dns.opt.ext_error.info_code', 'Info Code', 'uint'),
  extText: defineField('dns.opt.ext_error.extra_text', 'Extra Text', 'string'),
  data: defineField('dns.data', 'Data', 'bytes'),
  nsecNext: defineField('dns.nsec.next_domain_name', 'Next Domain Name', 'string'),
  svcbPriority: defineField('dns.svcb.svcpriority', 'SvcPriority', 'uint'),
  svcbTarget: defineField('dns.svcb.targetname', 'TargetName', 'string'),
  svcbParam: defineField('dns.svcb.svcparam', 'SvcParam', 'none'),
  svcbKey: defineField('dns.svcb.svcparam.key', 'SvcParamKey', 'uint'),
  svcbLength: defineField('dns.svcb.svcparam.value.length', 'SvcParamValue length', 'uint'),
  svcbValue: defineField('dns.svcb.svcparam.value', 'SvcParamValue', 'bytes'),
  svcbMandatory: defineField('dns.svcb.svcparam.mandatory.key', 'Mandatory key', 'uint'),
  svcbAlpnLength: defineField('dns.svcb.svcparam.alpn.length', 'ALPN length', 'uint'),
  svcbAlpn: defineField('dns.svcb.svcparam.alpn', 'ALPN', 'string'),
  svcbPort: defineField('dns.svcb.svcparam.port', 'Port', 'uint'),
  svcbIpv4: defineField('dns.svcb.svcparam.ipv4hint.ip', 'IP', 'ipv4'),
  svcbEch: defineField('dns.svcb.svcparam.echconfig', 'ECHConfig', 'bytes'),
  svcbIpv6: defineField('dns.svcb.svcparam.ipv6hint.ip', 'IP', 'ipv6'),
  svcbOdoh: defineField('dns.svcb.svcparam.odohconfig', 'ODoHConfig', 'bytes'),
};
const E = {
  undecoded: defineExpert('dns.undecoded.type', 'Undecoded option'),
  badLength: defineExpert('dns.rr.opt.bad_length', 'Length too long for any type of IP address.'),
  deprecated: defineExpert('dns.depr.opc', 'Deprecated opcode'),
};

const T = {
  A: 1, NS: 2, MD: 3, MF: 4, CNAME: 5, SOA: 6, MB: 7, MG: 8, MR: 9, NULL: 10, PTR: 12, HINFO: 13, MX: 15, TXT: 16,
  AAAA: 28, SRV: 33, DNAME: 39, OPT: 41, NSEC: 47, SVCB: 64, HTTPS: 65, SPF: 99,
};

export function dissectRdata(c: Ctx, r: Rdata): void {
  const d = c.d, v = c.v, t = r.tree;
  let p = r.at;
  const need = (at: number, n: number): void => c.need(at, n, r.end);
  switch (r.type) {
    case T.A: {
      need(p, 4);
      const addr = ipv4(d, p);
      c.appendInfo(` ${addr}`);
      appendTitle(r.item, `, addr ${addr}`);
      leaf(t, F.a.name, addr, `Address: ${addr}`, p, 4);
      return;
    }
    case T.AAAA: {
      need(p, 16);
      const addr = ipv6(d, p);
      c.appendInfo(` ${addr}`);
      appendTitle(r.item, `, addr ${addr}`);
      leaf(t, F.aaaa.name, addr, `AAAA Address: ${addr}`, p, 16);
      return;
    }
    case T.NS: case T.CNAME: case T.PTR: case T.DNAME: {
      const n = readDnsName(c, p, r.msg, r.end);
      c.appendInfo(` ${n.text}`);
      const [name, label, title] = r.type === T.NS ? [F.ns.name, 'Name Server', 'ns '] : r.type === T.CNAME ? [F.cname.name, 'CNAME', 'cname ']
        : r.type === T.PTR ? [F.ptr.name, 'Domain Name', ''] : [F.dname.name, 'Dname', 'dname '];
      appendTitle(r.item, `, ${title}${n.text}`);
      leaf(t, name, n.text, labelNamed(label, n.text), p, n.used);
      return;
    }
    case T.MD: case T.MF: case T.MB: case T.MG: case T.MR: {
      c.appendInfo(` ${r.owner.raw}`);
      const [name, label] = r.type === T.MD ? [F.md.name, 'Mail Destination'] : r.type === T.MF ? [F.mf.name, 'Mail Forwarder']
        : r.type === T.MB ? [F.mb.name, 'MailBox Domaine'] : r.type === T.MG ? [F.mg.name, 'Mail Group member'] : [F.mr.name, 'Mail Rename domaine'];
      nameItem(c, r, t, name, label, p);
      return;
    }
    case T.NULL: {
      c.appendInfo(` ${r.owner.raw}`);
      const hexs = bytesHex(d, p, Math.min(r.len, c.avail(p, r.end)));
      need(p, r.len);
      leaf(t, F.null.name, hexs, `Null (data): ${bytesText(hexs)}`, p, r.len);
      return;
    }
    case T.SOA: {
      const m = readDnsName(c, p, r.msg, r.end);
      c.appendInfo(` ${m.text}`);
      appendTitle(r.item, `, mname ${m.text}`);
      leaf(t, F.soaMname.name, m.text, labelNamed('Primary name server', m.text), p, m.used);
      p += m.used;
      const rn = nameItem(c, r, t, F.soaRname.name, 'Responsible authority\'s mailbox', p);
      p += rn.used;
      need(p, 4);
      leaf(t, F.soaSerial.name, v.getUint32(p), `Serial Number: ${v.getUint32(p)}`, p, 4);
      p += 4;
      for (const [name, label] of [[F.soaRefresh.name, 'Refresh Interval'], [F.soaRetry.name, 'Retry Interval'], [F.soaExpire.name, 'Expire limit'], [F.soaMinimum.name, 'Minimum TTL']]) {
        need(p, 4);
        const n = v.getUint32(p);
        leaf(t, name, n, `${label}: ${n} (${durationText(n)})`, p, 4);
        p += 4;
      }
      return;
    }
    case T.HINFO: {
      need(p, 1);
      const cpuLen = d[p];
      need(p + 1, cpuLen);
      const os = p + 1 + cpuLen;
      need(os, 1);
      const osLen = d[os];
      need(os + 1, osLen);
      const cpu = printedText(d, p + 1, cpuLen), osText = printedText(d, os + 1, osLen);
      // Info gets them raw, as -T fields prints a column: \b \t \n \f \r escaped (fieldText).
      c.appendInfo(` ${fieldText(cpu)} ${fieldText(osText)}`);
      appendTitle(r.item, `, CPU ${cpu}, OS ${osText}`);
      leaf(t, F.cpuLen.name, cpuLen, `CPU Length: ${cpuLen}`, p, 1);
      stringItem(c, t, F.cpu.name, 'CPU', p + 1, cpuLen, false);
      leaf(t, F.osLen.name, osLen, `OS Length: ${osLen}`, os, 1);
      stringItem(c, t, F.os.name, 'OS', os + 1, osLen, false);
      return;
    }
    case T.MX: {
      need(p, 2);
      const pref = v.getUint16(p);
      const n = readDnsName(c, p + 2, r.msg, r.end);
      c.appendInfo(` ${pref} ${n.text}`);
      appendTitle(r.item, `, preference ${pref}, mx ${n.text}`);
      leaf(t, F.mxPref.name, pref, `Preference: ${pref}`, p, 2);
      leaf(t, F.mx.name, n.text, labelNamed('Mail Exchange', n.text), p + 2, n.used);
      return;
    }
    case T.TXT: case T.SPF: {
      const [lenName, textName, label] = r.type === T.TXT ? [F.txtLen.name, F.txt.name, 'TXT'] : [F.spfLen.name, F.spf.name, 'SPF'];
      // Strings until the data length is used up (a string too long runs on into what follows, as in Wireshark).
      let left = r.len;
      while (left !== 0) {
        need(p, 1);
        const n = d[p];
        leaf(t, lenName, n, `${label} Length: ${n}`, p, 1);
        p++;
        left--;
        need(p, n);
        stringItem(c, t, textName, label, p, n, r.mdns);
        p += n;
        left -= n;
      }
      return;
    }
    case T.SRV: {
      // Each field is added as it is read: a record cut short shows the fields before the cut.
      need(p, 2);
      const prio = v.getUint16(p);
      leaf(t, F.srvPriority.name, prio, `Priority: ${prio}`, p, 2);
      need(p + 2, 2);
      const weight = v.getUint16(p + 2);
      leaf(t, F.srvWeight.name, weight, `Weight: ${weight}`, p + 2, 2);
      need(p + 4, 2);
      const port = v.getUint16(p + 4);
      leaf(t, F.srvPort.name, port, `Port: ${port}`, p + 4, 2);
      const n = nameItem(c, r, t, F.srvTarget.name, 'Target', p + 6);
      c.appendInfo(` ${prio} ${weight} ${port} ${n.text}`);
      appendTitle(r.item, `, priority ${prio}, weight ${weight}, port ${port}, target ${n.text}`);
      return;
    }
    case T.OPT:
      ednsOptions(c, r);
      return;
    case T.NSEC: {
      const n = readDnsName(c, p, r.msg, r.end);
      c.appendInfo(` ${n.text}`);
      appendTitle(r.item, `, next domain name ${n.text}`);
      leaf(t, F.nsecNext.name, n.text, labelNamed('Next Domain Name', n.text), p, n.used);
      p += n.used;
      typeBitmap(c, r, p, r.len - n.used);
      return;
    }
    case T.SVCB: case T.HTTPS:
      svcb(c, r);
      return;
    default: {
      if (dissectMoreRdata(c, r) || dissectRareRdata(c, r) || dissectLegacyRdata(c, r) || dissectModernRdata(c, r) || dissectTsigRdata(c, r)) return;
      expert(c, r.item.children, r.item.offset, 'note', 'undecoded', `Dissector for DNS Type (${r.type}) code not implemented, Contact Wireshark developers if you want this supported`, E.undecoded);
      const hexs = bytesHex(d, p, Math.min(r.len, c.avail(p, r.end)));
      need(p, r.len);
      leaf(t, F.data.name, hexs, `Data: ${bytesText(hexs)}`, p, r.len);
    }
  }
}

/** A SvcParamKey as a parameter's title names it ("alpn", "key7"). */
function svcbKeyName(key: number): string {
  return DNS_SVCB_KEYS[key] ?? `key${key}`;
}

/**
 * SVCB and HTTPS records (RFC 9460): priority, target name, then SvcParams until the record's data is used up.
 * Each parameter's title gets its value as text ("alpn=h2,h3"); a value is read as its key says, whatever its
 * length (a port reads 2 bytes, hints read whole addresses, no-default-alpn reads nothing), so a parameter of
 * the wrong length leaves the next one misread, as in tshark.
 */
function svcb(c: Ctx, r: Rdata): void {
  const d = c.d, v = c.v, t = r.tree;
  const need = (at: number, n: number): void => c.need(at, n, r.end);
  let p = r.at;
  need(p, 2);
  leaf(t, F.svcbPriority.name, v.getUint16(p), `SvcPriority: ${v.getUint16(p)}`, p, 2);
  p += 2;
  p += nameItem(c, r, t, F.svcbTarget.name, 'TargetName', p).used;
  while (r.len > p - r.at) {
    const item = leaf(t, F.svcbParam.name, 1, 'SvcParam', p, c.avail(p, r.end));
    const pt = item.children;
    need(p, 2);
    const key = v.getUint16(p);
    leaf(pt, F.svcbKey.name, key, `SvcParamKey: ${DNS_SVCB_KEYS[key] ?? 'Unknown'} (${key})`, p, 2);
    need(p + 2, 2);
    const len = v.getUint16(p + 2);
    leaf(pt, F.svcbLength.name, len, `SvcParamValue length: ${len}`, p + 2, 2);
    p += 4;
    appendTitle(item, `: ${svcbKeyName(key)}`);
    item.length = len + 4;
    const list = (i: number, text: string): void => {
      appendTitle(item, `${i === 0 ? '=' : ','}${text}`);
    };
    switch (key) {
      case 0:
        for (let i = 0; i < len; i += 2, p += 2) {
          need(p, 2);
          const k = v.getUint16(p);
          leaf(pt, F.svcbMandatory.name, k, `Mandatory key: ${DNS_SVCB_KEYS[k] ?? 'Unknown'} (${k})`, p, 2);
          list(i, svcbKeyName(k));
        }
        break;
      case 1:
        for (let i = 0; i < len;) {
          need(p, 1);
          const n = d[p];
          leaf(pt, F.svcbAlpnLength.name, n, `ALPN length: ${n}`, p, 1);
          p++;
          need(p, n);
          stringItem(c, pt, F.svcbAlpn.name, 'ALPN', p, n, false);
          list(i, cString(d, p, n));
          p += n;
          i += 1 + n;
        }
        break;
      case 2:
        break;
      case 3:
        need(p, 2);
        leaf(pt, F.svcbPort.name, v.getUint16(p), `Port: ${v.getUint16(p)}`, p, 2);
        appendTitle(item, `=${v.getUint16(p)}`);
        p += 2;
        break;
      case 4: case 6: {
        const [size, field, show] = key === 4 ? [4, F.svcbIpv4.name, ipv4] : [16, F.svcbIpv6.name, ipv6];
        for (let i = 0; i < len; i += size, p += size) {
          need(p, size);
          const addr = show(d, p);
          leaf(pt, field, addr, `IP: ${addr}`, p, size);
          list(i, addr);
        }
        break;
      }
      case 5: case 32769: {
        need(p, len);
        const b64 = base64(d.subarray(p, p + len));
        // An empty byte string: tshark prints "<MISSING>" for it in -T fields.
        leaf(pt, key === 5 ? F.svcbEch.name : F.svcbOdoh.name, bytesHex(d, p, len) || '<MISSING>', `${key === 5 ? 'ECHConfig' : 'ODoHConfig'}: ${b64}`, p, len);
        appendTitle(item, `=${b64}`);
        p += len;
        break;
      }
      default:
        if (len > 0) {
          need(p, len);
          const h = bytesHex(d, p, len);
          leaf(pt, F.svcbValue.name, h, `SvcParamValue: ${bytesText(h)}`, p, len);
          appendTitle(item, `=${formatText(d, p, p + len)}`);
          p += len;
        }
    }
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Bytes in base64 with padding (GLib's g_base64_encode). */
function base64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < b.length ? B64[n & 63] : '=');
  }
  return s;
}

/** EDNS(0) options of an OPT record: code, length, data, and the parts of the options Wireshark reads. */
function ednsOptions(c: Ctx, r: Rdata): void {
  const d = c.d, v = c.v;
  let p = r.at;
  let left = r.len;
  const need = (at: number, n: number): void => c.need(at, n, r.end);
  while (left > 0) {
    need(p, 4);
    const code = v.getUint16(p);
    let len = v.getUint16(p + 2);
    left -= 4;
    const codeName = DNS_OPTION_CODES[code] ?? `Unknown (${code})`;
    const item = leaf(r.tree, F.opt.name, 1, `Option: ${codeName}`, p, 4 + len);
    const t = item.children;
    const codeItem = leaf(t, F.optCode.name, code, `Option Code: ${DNS_OPTION_CODES[code] ?? 'Unknown'} (${code})`, p, 2);
    const lenItem = leaf(t, F.optLen.name, len, `Option Length: ${len}`, p + 2, 2);
    p += 4;
    need(p, len);
    const data = bytesHex(d, p, len);
    // An empty byte string: tshark prints "<MISSING>" for it, in -T fields as in the tree.
    leaf(t, F.optData.name, data || '<MISSING>', `Option Data: ${bytesText(data)}`, p, len);
    const bytes = (name: string, label: string, at: number, n: number): void => {
      need(at, n);
      const h = bytesHex(d, at, n);
      // An empty byte string: tshark prints "<MISSING>" for it, in -T fields as in the tree.
      leaf(t, name, h || '<MISSING>', `${label}: ${bytesText(h)}`, at, n);
    };
    switch (code) {
      case 5: case 6: case 7: {
        const [name, label, names] = code === 5 ? [F.dau.name, 'DAU', DNSSEC_ALGORITHMS] : code === 6 ? [F.dhu.name, 'DHU', DNSSEC_DIGESTS] : [F.n3u.name, 'N3U', NSEC3_HASHES];
        for (; len > 0; len--, left--, p++) leaf(t, name, d[p], `${label}: ${names[d[p]] ?? 'Unknown'} (${d[p]})`, p, 1);
        break;
      }
      case 0x50fa: case 8: {
        if (code === 0x50fa) expert(c, codeItem.children, p - 4, 'warning', 'protocol', 'Deprecated opcode. Client subnet OPT assigned as 8.', E.deprecated);
        // Read one after the other, whatever the option's length says (a short option reads on).
        need(p, 2);
        const family = v.getUint16(p);
        leaf(t, F.family.name, family, `Family: ${family === 1 ? 'IPv4' : family === 2 ? 'IPv6' : 'Unknown'} (${family})`, p, 2);
        need(p + 2, 1);
        leaf(t, F.netmask.name, d[p + 2], `Source Netmask: ${d[p + 2]}`, p + 2, 1);
        need(p + 3, 1);
        leaf(t, F.scope.name, d[p + 3], `Scope Netmask: ${d[p + 3]}`, p + 3, 1);
        let addrLen = (len - 4) & 0xffff;
        if (addrLen > 16) {
          expert(c, lenItem.children, p - 2, 'error', 'malformed', 'Length too long for any type of IP address.', E.badLength);
          addrLen = 16;
        }
        need(p + 4, addrLen);
        const addr = new Uint8Array(16);
        addr.set(d.subarray(p + 4, p + 4 + addrLen));
        if (family === 1) leaf(t, F.subnet4.name, ipv4(addr, 0), `Client Subnet: ${ipv4(addr, 0)}`, p + 4, addrLen);
        else if (family === 2) leaf(t, F.subnet6.name, ipv6(addr, 0), `Client Subnet: ${ipv6(addr, 0)}`, p + 4, addrLen);
        else bytes(F.subnet.name, 'Client Subnet', p + 4, len - 4);
        p += len;
        left -= len;
        break;
      }
      case 10: {
        bytes(F.cookieClient.name, 'Client Cookie', p, 8);
        p += 8;
        left -= 8;
        len -= 8;
        // Shorter than a client cookie: tshark has read 8 bytes all the same, and a server cookie of
        // negative length is a bounds error.
        if (len < 0) c.fail();
        bytes(F.cookieServer.name, 'Server Cookie', p, len);
        p += len;
        left -= len;
        break;
      }
      case 11:
        if (len === 2) leaf(t, F.keepalive.name, v.getUint16(p), `Timeout: ${v.getUint16(p)}`, p, 2);
        p += len;
        left -= len;
        break;
      case 15: {
        // Extended DNS Error (RFC 8914): an info code, then UTF-8 text.
        need(p, 2);
        const info = v.getUint16(p);
        const range = DNS_EXT_ERRORS.find(([lo, hi]) => info >= lo && info <= hi);
        leaf(t, F.extError.name, info, `Info Code: ${range?.[2] ?? 'Unknown'} (${info})`, p, 2);
        if (len > 2) {
          need(p + 2, len - 2);
          stringItem(c, t, F.extText.name, 'Extra Text', p + 2, len - 2, true);
        }
        p += len;
        left -= len;
        break;
      }
      case 12:
        bytes(F.padding.name, 'Padding', p, len);
        p += len;
        left -= len;
        break;
      case 13:
        if (len) stringItem(c, t, F.chain.name, 'Closest Trust Point', p, len, false);
        p += len;
        left -= len;
        break;
      default:
        p += len;
        left -= len;
    }
  }
}
