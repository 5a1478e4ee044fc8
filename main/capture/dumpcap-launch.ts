// How this user starts dumpcap. Where only dumpcap's group may run it (Debian's wireshark group) and the
// user was added to that group after logging in, this process does not have the group yet: dumpcap is
// started through `sg GROUP` (shadow's newgrp), which gives it the group at once, so capture works
// without logging out. dumpcap's own capabilities still come from its file; nothing else gets any.
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { canExecute } from './dumpcap-path';
import { findInPath } from './find-program';

export interface Launch {
  command: string;
  args: string[];
  /** 'group': through sg, with the group named. */
  via: 'direct' | 'group';
  group?: string;
}

/** What the choice depends on (tests give their own). */
export interface LaunchFacts {
  executable: boolean;
  /** dumpcap's group: its gid and name (null when unknown). */
  fileGroup: { gid: number; name: string | null } | null;
  /** The groups this process has. */
  processGroups: number[];
  /** The user, and the groups the group database lists the user in (by name). */
  user: string;
  memberOf: string[];
  sg: string | null;
}

/** Names of the groups /etc/group lists `user` in, and the name of `gid`. */
export function groupDb(text: string, user: string, gid: number): { memberOf: string[]; name: string | null } {
  const memberOf: string[] = [];
  let name: string | null = null;
  for (const line of text.split('\n')) {
    const [g, , id, members = ''] = line.split(':');
    if (!g || id === undefined) continue;
    if (Number(id) === gid) name = g;
    if (members.split(',').map((m) => m.trim()).includes(user)) memberOf.push(g);
  }
  return { memberOf, name };
}

export function launchFacts(dumpcap: string): LaunchFacts {
  let gid = -1;
  try {
    gid = statSync(dumpcap).gid;
  } catch { /* not there: started directly, and the error says so */ }
  const user = userInfo().username;
  let db = { memberOf: [] as string[], name: null as string | null };
  try {
    db = groupDb(readFileSync('/etc/group', 'utf8'), user, gid);
  } catch { /* no /etc/group (not Linux) */ }
  return {
    executable: canExecute(dumpcap),
    fileGroup: gid >= 0 ? { gid, name: db.name } : null,
    processGroups: process.getgroups?.() ?? [],
    user,
    memberOf: db.memberOf,
    sg: process.platform === 'linux' ? findInPath('sg') : null,
  };
}

/** A word for `sh -c`, quoted so the shell takes it as it is. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** How to run `dumpcap args…` (see the top of this file). */
export function dumpcapLaunch(dumpcap: string, args: string[], facts: LaunchFacts = launchFacts(dumpcap)): Launch {
  const g = facts.fileGroup;
  const viaGroup = !facts.executable && facts.sg && g?.name && !facts.processGroups.includes(g.gid) && facts.memberOf.includes(g.name);
  if (!viaGroup) return { command: dumpcap, args, via: 'direct' };
  // sg runs `sh -c`; exec keeps dumpcap's pid the one we started, so stopping it stops dumpcap.
  return { command: facts.sg!, args: [g!.name!, '-c', `exec ${[dumpcap, ...args].map(shellQuote).join(' ')}`], via: 'group', group: g!.name! };
}
