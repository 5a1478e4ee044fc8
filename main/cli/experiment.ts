// handshake-lab experiment: runs the seed's loopback lab (or a variant) for real while capturing it,
// then prints every segment with both endpoints' states and the transitions it caused.
import { ApiError } from '../api/contract';
import type { ConnectionSummary, ExperimentVariant, LadderSegment } from '../api/types';
import { permissionHelp } from '../capture/permission-help';
import { Service } from '../backend/service';
import { chooseCapture } from '../capture/choose-capture';
import { EXPERIMENT_VARIANTS, experimentFilter } from '../capture/experiment/scenarios';
import { eventComment, experimentHost, planFor, pythonPrograms, type CloseHow, type PlanChoices } from '../api/experiment';
import { segmentLines, startLine, summaryLine, traceHeader, traceLine } from '../capture/experiment/trace';
import { parseArgs } from './args';
import { UsageError, type Command } from './command';
import { whyNotWritable } from './paths';

const help = `usage: handshake-lab experiment [--variant V] [--port N] [--slow MS] [--message TEXT] [--reply TEXT]
                                [--closer client|server] [--how close|shutdown|linger0]
                                [--write FILE.pcapng] [--json] [--python]

Runs the classic lab of the course for real on loopback while capturing it: a
server on 127.0.0.1:12345 receives up to 1024 bytes and closes; a client
connects, sends "I'm TCP client" and closes. Then prints each segment (No.,
time, direction, flags/seq/ack/len) with the state of both endpoints after it,
and every state change with its cause.

  --variant V   classic (default), server-first (the server closes first),
                half-close (the client shuts down writing, the server still
                sends), rst (abortive close: SO_LINGER 0), refused (nobody
                listens), ipv6 (the classic lab on ::1)
  --port N      server port (default 12345; when it is in use, a free one is
                taken and the output says so)
  --slow MS     pause MS milliseconds after each socket call (slow motion)
  --message T   what the client sends (default "I'm TCP client")
  --reply T     what the server answers (default: nothing; half-close: "I'm
                TCP server", sent after the client's FIN)
  --closer W    who closes first: client (default) or server
  --how H       how the first closer closes: close (default), shutdown
                (SHUT_WR: a half-close) or linger0 (SO_LINGER 0: a RST)
  --python      print the server's and the client's Python programs that make
                the same socket calls, and exit (nothing is run)
  --write FILE  save the capture (pcapng)
  --json        print {variant, port, events, segments, connections, file} as JSON

Each socket call is printed as it returns, and recorded in the capture as a
pcapng comment: on the first frame it sent (tshark's frame.comment), or in the
section header's comments when it sent none (listen, accept, recv).

Needs permission to capture on the loopback interface (exit code 2 otherwise,
with what to do).`;

export const experimentCommand: Command = {
  help,
  async run(args) {
    const { flags } = parseArgs('experiment', args, {
      values: { variant: 'string', port: 'number', slow: 'number', write: 'string', message: 'string', reply: 'string', closer: 'string', how: 'string' },
      booleans: ['json', 'python'],
    });
    const variant = (flags.variant as string | undefined) ?? 'classic';
    if (!EXPERIMENT_VARIANTS.includes(variant as ExperimentVariant)) throw new UsageError(`experiment: unknown variant '${variant}' (one of ${EXPERIMENT_VARIANTS.join(', ')})`);
    const port = (flags.port as number | undefined) ?? 12345;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`experiment: --port must be 1..65535, got ${port}`);
    const slow = (flags.slow as number | undefined) ?? 0;
    if (!Number.isInteger(slow) || slow < 0 || slow > 60_000) throw new UsageError('experiment: --slow must be 0..60000 milliseconds');
    const choices: PlanChoices = { variant: variant as ExperimentVariant, slowMotionMs: slow };
    if (flags.message !== undefined) {
      const m = flags.message as string;
      if (!m || m.length > 200) throw new UsageError('experiment: --message must be 1..200 characters');
      choices.message = m;
    }
    if (flags.reply !== undefined) {
      if ((flags.reply as string).length > 200) throw new UsageError('experiment: --reply must be at most 200 characters');
      choices.reply = flags.reply as string;
    }
    if (flags.closer !== undefined) {
      if (flags.closer !== 'client' && flags.closer !== 'server') throw new UsageError(`experiment: --closer must be client or server, got '${String(flags.closer)}'`);
      choices.closer = flags.closer;
    }
    if (flags.how !== undefined) {
      if (!['close', 'shutdown', 'linger0'].includes(flags.how as string)) throw new UsageError(`experiment: --how must be close, shutdown or linger0, got '${String(flags.how)}'`);
      choices.how = flags.how as CloseHow;
    }
    const plan = planFor(choices);
    if (flags.python === true) {
      const py = pythonPrograms(plan, port);
      process.stdout.write(`# ---- server.py ----\n${py.server}\n# ---- client.py ----\n${py.client}`);
      return 0;
    }
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
      onExperimentEvent: (e) => {
        // Said once the capture runs: an error starting it (no permission) comes before any output.
        if (!introduced) out(`Handshake Lab: the ${variant} experiment on ${experimentHost(plan)} port ${port}, capturing on loopback with filter "${experimentFilter(port)}"${slow ? `, ${slow} ms pauses` : ''}\n\n`);
        introduced = true;
        out(`  [${((Date.now() - started) / 1000).toFixed(3)} s] ${e.endpoint}: ${e.text}${e.result ? ` → ${e.result}` : ''}\n`);
      },
    });
    let result;
    try {
      result = await service.runExperiment({ ...choices, variant: variant as ExperimentVariant, port, slowMotionMs: slow });
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
    const note = result.portNote ? `Port ${result.portNote.requested} is in use (is another server running there?): the experiment ran on port ${result.port} instead.\n` : '';
    if (note && !json) process.stderr.write(note);
    if (json) {
      process.stdout.write(JSON.stringify({
        variant, port: result.port, ...(result.portNote ? { portNote: result.portNote } : {}), slowMotionMs: slow, frames: result.frames,
        events: result.events.map((e) => ({ ...e, comment: eventComment(e) })),
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
      for (const e of result.events.filter((x) => x.frame === s.frame)) out(`${' '.repeat(6)}(${e.endpoint}: ${e.text})\n`);
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
