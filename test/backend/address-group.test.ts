// Per-address limits count an address by its group (fresh eyes: 20 IPv6 addresses of one machine filled all
// 2,000 learner places, and 15 held all 280 student sessions): an IPv6 address by its /64, an IPv4-mapped
// one as its IPv4 address, an IPv4 address as itself.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressGroup } from '../../main/backend/net-address';
import { Service } from '../../main/backend/service';

describe('address groups', () => {
  it('groups IPv6 by /64, IPv4-mapped as IPv4, IPv4 by the full address', () => {
    expect(addressGroup('fd00:99::1')).toBe('fd00:99:0:0::/64');
    expect(addressGroup('fd00:99:0:0:ffff::21')).toBe('fd00:99:0:0::/64');
    expect(addressGroup('FD00:0099:0000:0000:1:2:3:4%eth0')).toBe('fd00:99:0:0::/64');
    expect(addressGroup('fd00:99:0:1::1')).toBe('fd00:99:0:1::/64');
    expect(addressGroup('::ffff:10.0.0.5')).toBe('10.0.0.5');
    expect(addressGroup('::ffff:a00:5')).toBe('10.0.0.5');
    expect(addressGroup('10.0.0.5')).toBe('10.0.0.5');
    expect(addressGroup('10.0.0.6')).toBe('10.0.0.6');
    expect(addressGroup('64:ff9b::10.0.0.5')).toBe('64:ff9b:0:0::/64');
    expect(addressGroup('not an address')).toBe('not an address');
  });

  it('one /64 holds the sessions and learners one address may, however many addresses of it it uses', async () => {
    const service = new Service({
      transport: 'websocket', dataDir: mkdtempSync(join(tmpdir(), 'hl-address-group-')), progressDir: null, lessonsDir: null, log: () => undefined, pushIntervalMs: 0,
      limits: { maxLearners: 100, learnersPerAddress: 2, studentSessionsPerAddress: 3, learnersPerSession: 3 },
    });
    const client = (id: string) => ({ id, emit: () => undefined });
    const from = (i: number) => ({ role: 'student' as const, loopback: false, address: `fd00:99::${(i + 1).toString(16)}` });
    const connected = [0, 1, 2, 3, 4].map((i) => service.connect(client(`v6-${i}`), from(i)));
    expect(connected.filter(Boolean)).toHaveLength(3);
    // Learners: 3 sessions from 3 addresses of one /64, one learner each: 2 at most.
    let made = 0;
    for (let i = 0; i < 3; i++) {
      try {
        await service.handle('identify', { learner: `v6-learner-${i}-xxxxxxxx`, name: 'x' }, client(`v6-${i}`));
        made++;
      } catch (e) {
        expect(e).toMatchObject({ code: 'busy' });
      }
    }
    expect(made).toBe(2);
    // Another /64, and an IPv4-mapped address, count on their own.
    expect(service.connect(client('other'), { role: 'student', loopback: false, address: 'fd00:99:0:1::1' })).not.toBeNull();
    expect(service.connect(client('v4'), { role: 'student', loopback: false, address: '::ffff:10.0.0.5' })?.address).toBe('10.0.0.5');
    await service.dispose();
  });
});
