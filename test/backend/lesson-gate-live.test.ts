// A live lesson's capture grows while a question holds the gate: each segment that arrives past the gate
// changes its connection (and each socket call the experiment's story), and the hub pushes the change to
// every session looking at the source. Cut at the gate, such a push says what the one before it said; sent
// anyway, its arrival alone would tell that a segment came after the open question, and one push per
// segment would count them (slow motion sends them seconds apart). Real engine and shipped lesson; the
// pushes are the hub's own (pushRound, sourceExperiment), driven as a growing capture drives them.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import type { ExperimentEvent } from '../../main/api/types';
import { computeAnswer, decodeCapture, parseLesson } from '../../main/lessons/index';
import { RecordingClient } from './service-helpers';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const tmp = mkdtempSync(join(tmpdir(), 'hl-gate-live-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const call = (seq: number, endpoint: 'client' | 'server', c: ExperimentEvent['call'], frame: number | null): ExperimentEvent =>
  ({ seq, time: 1000 + seq, endpoint, call: c, text: `sock.${c}()`, result: '', frame });

describe('a held session is pushed nothing for what happens past its gate', () => {
  it('sends a connection, and an experiment\'s calls, again only when what it may see of them changed', async () => {
    const s = new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: mkdtempSync(join(tmp, 'data-')), capture: null, lessonsDir: shipped, locale: 'en' });
    const c = new RecordingClient('a');
    const parsed = parseLesson(JSON.parse(readFileSync(join(shipped, 'live-rst.json'), 'utf8')));
    if (!parsed.ok) throw new Error('live-rst is invalid');
    const lesson = parsed.lesson;
    const capture = decodeCapture(readFileSync(join(shipped, lesson.experiment!.sample)));
    await s.handle('openLesson', { id: 'live-rst' }, c);
    s.tick();
    const { state } = await s.handle('getLesson', { id: 'live-rst' }, c);
    const horizon = state.horizon!;
    expect(horizon).toBeLessThan(capture.frames.length);
    const session = s.sessionOf('a')!;
    const store = session.source.store;
    const atGate = await s.handle('listConnections', {}, c);

    // Segments past the gate arrive one by one: each changes the connection, and a socket call is logged.
    c.clear();
    const calls = [call(0, 'client', 'connect', 1)];
    for (let n = horizon + 1; n <= capture.frames.length; n++) {
      session.pushRound({ connections: { connections: [store.connection(0)!] }, transitions: null, revised: null });
      calls.push(call(calls.length, 'client', 'send', n));
      session.sourceExperiment({ events: [...calls], serverPort: 12345, clientPort: 40000 });
    }
    const connections = c.of('connections').flatMap((x) => x.connections);
    expect(connections.length).toBeLessThanOrEqual(1);
    for (const x of connections) expect(x).toEqual(atGate[0]);
    expect(c.of('experiment').length).toBeLessThanOrEqual(1);
    for (const x of c.of('experiment')) expect(x.events.map((e) => e.frame)).toEqual([1]);

    // Answered: what it may see moved on, so the change is sent (the connection as it is now).
    const a = computeAnswer(lesson, state.gate!, capture);
    expect((await s.handle('answerQuestion', { lesson: 'live-rst', step: state.gate!, answer: a.value as string }, c)).correct).toBe(true);
    c.clear();
    session.pushRound({ connections: { connections: [store.connection(0)!] }, transitions: null, revised: null });
    const now = await s.handle('listConnections', {}, c);
    expect(c.of('connections').flatMap((x) => x.connections)).toEqual(now);
  });
});
