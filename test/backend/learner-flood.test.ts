// One class-URL holder cannot keep everyone else from identifying (fresh eyes: 667 short sessions from one
// address, 3 made-up learners each, filled all 2,000 learner places in 9 s; real students were refused
// until a restart, the dashboard showed 2,000 fake rows and 2,000 progress files stayed). An address
// brings a bounded number of learners into the store; learners who answered nothing and whom no session
// is any more are let go (place, dashboard row and file), those who answered stay.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';

const dir = mkdtempSync(join(tmpdir(), 'hl-learner-flood-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('made-up learners', () => {
  it('one address cannot fill the learner store; the ones who answered nothing and left go, rows and files with them', async () => {
    const progressDir = join(dir, 'progress');
    const service = new Service({
      transport: 'websocket', dataDir: join(dir, 'data'), progressDir, lessonsDir: null, log: () => undefined, pushIntervalMs: 0,
      limits: { maxLearners: 30, learnersPerAddress: 9, studentSessionsPerAddress: 3, learnersPerSession: 3 },
    });
    const client = (id: string) => ({ id, emit: () => undefined });
    // The attacker: short sessions from one address, each identifying as three made-up learners.
    let made = 0;
    for (let i = 0; i < 40; i++) {
      const c = client(`bot-${i}`);
      expect(service.connect(c, { role: 'student', loopback: false, address: '192.0.2.2' })).not.toBeNull();
      for (let k = 0; k < 3; k++) {
        try {
          await service.handle('identify', { learner: `fake-${i}-${k}-xxxxxxxx`, name: `x${i}` }, c);
          made++;
        } catch (e) {
          expect(e).toMatchObject({ code: 'busy' });
        }
      }
      service.detach(c.id);
    }
    expect(made).toBeGreaterThan(9);
    const fakes = () => service.classroom.progress.learners().filter((r) => r.learner.startsWith('fake-')).length;
    expect(fakes()).toBeLessThanOrEqual(9);
    // Real students, each from their own address, all identify; one answers a question.
    for (let i = 0; i < 20; i++) {
      const c = client(`student-${i}`);
      expect(service.connect(c, { role: 'student', loopback: false, address: `10.0.0.${i + 1}` })).not.toBeNull();
      await service.handle('identify', { learner: `real-student-${i}-xxxxxx`, name: `Student ${i}` }, c);
    }
    service.classroom.progress.recordAnswer('real-student-0-xxxxxx', { lesson: 'l', step: 1, question: 'q', answer: 'a', correct: true, timeMs: 1, misconception: null });
    // Later every session has gone (idle long enough): the fakes and the real students who answered
    // nothing are let go; the one who answered stays, on the dashboard and on disk.
    for (let i = 0; i < 20; i++) service.detach(`student-${i}`);
    service.hub.sweep(Date.now() + service.hub.limits.sessionIdleMs + 1);
    expect([...service.hub.allSessions()]).toHaveLength(0);
    expect(service.classroom.snapshot().students.map((r) => r.learner)).toEqual(['real-student-0-xxxxxx']);
    await service.classroom.progress.flush();
    expect(readdirSync(progressDir).sort()).toEqual(['real-student-0-xxxxxx.json']);
    await service.dispose();
  });
});
