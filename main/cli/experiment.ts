// handshake-lab experiment: runs the seed's loopback lab (or a variant) for real while capturing it,
// then prints every segment with both endpoints' states and the transitions it caused.
import { ApiError } from '../api/contract';
import type { ConnectionSummary, ExperimentVariant, LadderSegment } from '../api/types';
import { permissionHelp } from '../capture/permission-help';
import { Service } from '../backend/service';
import { chooseCapture } from '../capture/choose-capture';
import { EXPERIMENT_VARIANTS, experimentFilter, experimentHost } from '../capture/experiment/scenarios';
import { segmentLines, startLine, summaryLine, traceHeader, traceLine } from '../capture/experiment/trace';
import { parseArgs } from './args';
import { UsageError, type Command } from './command';
import { whyNotWritable } from './paths';

const help = `usage: handshake-lab experiment [--variant V] [--port N] [--slow MS] [--write FILE.pcapng] [--json]

Runs the classic lab of the course for real on loopback while capturing it: a
server on 127.0.0.1:12345 receives up to 1024 bytes and closes; a client
connects, sends "I'm TCP client" and closes. Then prints each segment (No.,
time, direction, flags/seq/ack/len) with the state of both endpoints after it,
and every state change with its cause.

  --variant V   classic (default), server-first (the server closes first),
                half-close (the client shuts down writing, the server still
                sends), rst (abortive close: SO_LINGER 0), refused (nobody
                listens), ipv6 (the classic lab on ::1)
  --port N      server port (default 12345)
  --slow MS     pause MS milliseconds after each step (slow motion)
  --write FILE  save the capture (pcapng)
  --json        print {variant, port, steps, segments, connections, file} as JSON

Needs permission to capture on the loopback interface (exit code 2 otherwise,
with what to do).`;

export const experimentCommand: Command = {
  help,
  async run(args) {
    const { flags } = parseArgs('experiment', args, { values: { variant: 'string', port: 'number', slow: 'number', write: 'string' }, booleans: ['json'] });
    const variant = (flags.variant as string | undefined) ?? 'classic';
    if (!EXPERIMENT_VARIANTS.includes(variant as ExperimentVariant)) throw new UsageError(`experiment: unknown variant '${variant}' (one of ${EXPERIMENT_VARIANTS.join(', ')})`);
    const port = (flags.port as number | undefined) ?? 12345;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`experiment: --port must be 1..65535, got ${port}`);
    const slow = (flags.slow as number | undefined) ?? 0;
    if (!Number.isInteger(slow) || slow < 0 || slow > 60_000) throw new UsageError('experiment: --slow must be 0..60000 milliseconds');
    const json = flags.json === true;
    const write = flags.write as string | undefined;
    const unwritable = write === undefined ? null : whyNotWritable(write);
    if (unwritable) throw new UsageError(`experiment: cannot save the capture to ${write}: ${unwritable}`);
    const out = (s: string) => { if (!json) process.stdout.write(s); };
    const log = (line: string) => { if (process.env.HANDSHAKE_LAB_DEBUG) process.stderr.write(`handshake-lab: ${line}\n`); };
    const capture = chooseCapture();
    const avail = await capture.availability();
    if (!avail.available) throw new UsageError(`experiment: live capture is unavailable: ${avail.reason}`);
    const started = Date.now();
    let introduced = false;
    const service = new Service({
      transport: 'ipc',
      capture,
      log,
      pushIntervalMs: 0,
      onExperimentStep: (step) => {
        // Said once the capture runs: an error starting it (no permission) comes before any output.
        if (!introduced) out(`Handshake Lab: the ${variant} experiment on ${experimentHost(variant as ExperimentVariant)} port ${port}, capturing on loopback with filter "${experimentFilter(port)}"${slow ? `, ${slow} ms pauses` : ''}\n\n`);
        introduced = true;
        out(`  [${((Date.now() - started) / 1000).toFixed(3)} s] ${step.text}\n`);
      },
    });
    let result;
    try {
      result = await service.runExperiment({ variant: variant as ExperimentVariant, port, slowMotionMs: slow });
    } catch (e) {
      await service.dispose();
      if (e instanceof ApiError) {
        const hint = e.code === 'permission_denied' ? `\n${permissionHelp().commands.map((c) => `  ${c}`).join('\n')}` : '';
        throw new UsageError(`experiment: ${e.message}${hint}`);
      }
      throw e;
    }
    const store = service.frames;
    const conns: ConnectionSummary[] = store.connections();
    const segments: LadderSegment[] = [];
    for (const c of conns) {
      const page = await service.handle('getLadder', { stream: c.stream, start: 0, count: 10_000 }, { id: 'cli', emit: () => undefined });
      segments.push(...page.segments);
    }
    segments.sort((a, b) => a.frame - b.frame);
    let saved: string | undefined;
    if (write !== undefined) {
      try {
        saved = (await service.saveCapture(write)).path;
      } catch (e) {
        await service.dispose();
        throw new UsageError(`experiment: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    await service.dispose();
    if (json) {
      process.stdout.write(JSON.stringify({
        variant, port, slowMotionMs: slow, frames: result.frames,
        segments: segments.map((s) => ({ frame: s.frame, time: s.time, direction: s.direction, label: s.label, info: s.info, flags: s.flags, seq: s.seq, ack: s.ack, len: s.len, states: s.states, transitions: s.transitions, ...(s.notes ? { notes: s.notes } : {}) })),
        connections: conns, file: saved ?? result.file ?? null,
      }, null, 2) + '\n');
      return 0;
    }
    out('\n' + traceHeader() + '\n');
    const t0 = segments.length ? segments[0].time : 0;
    const starts = new Map(conns.map((c) => [c.firstFrame, c]));
    for (const s of segments) {
      const c = starts.get(s.frame);
      if (c) out(`${' '.repeat(8)}${startLine(c)}\n`);
      out(traceLine(s, t0) + '\n');
      for (const l of segmentLines(s)) out(`${' '.repeat(8)}${l}\n`);
    }
    out('\n');
    if (!result.frames) out('No segments were captured (is the loopback interface up?).\n');
    for (const c of conns) out(summaryLine(c) + '\n');
    out(`${result.frames} frames captured${saved ? `; saved to ${saved}` : result.file ? `; autosaved to ${result.file}` : ''}\n`);
    return 0;
  },
};
