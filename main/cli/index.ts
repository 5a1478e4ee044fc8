// handshake-lab command line: decode | stats | experiment | serve | watch | lesson.
// Each command lives in its own module, loaded only when used (so `decode` never loads `ws` or `cap`).
import { UsageError, type Command } from './command';
import { stdoutClosed, tolerateClosedOutput } from './output';

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  decode: { summary: 'decode a capture: a table, or one JSON object per frame (--jsonl)', load: async () => (await import('./decode')).decodeCommand },
  stats: { summary: 'per-connection statistics, like tshark -z conv,tcp, with final states', load: async () => (await import('./stats')).statsCommand },
  experiment: { summary: 'run the classic loopback lab (and variants) and print the annotated trace', load: async () => (await import('./experiment')).experimentCommand },
  serve: { summary: 'serve the app in a browser (HTTP + WebSocket on 127.0.0.1)', load: async () => (await import('./serve')).serveCommand },
  watch: { summary: 'live terminal view of local TCP connections and their states', load: async () => (await import('./watch')).watchCommand },
  lesson: { summary: 'step through a lesson in the terminal', load: async () => (await import('./lesson')).lessonCommand },
};

function usage(): string {
  const lines = ['usage: handshake-lab <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(11)} ${c.summary}`);
  lines.push('', 'Run `handshake-lab <command> --help` for a command\'s options.');
  return lines.join('\n') + '\n';
}

async function main(argv: string[]): Promise<number> {
  // `handshake-lab … | head`: a reader that goes away ends the output quietly, for every command.
  tolerateClosedOutput((stream) => { if (stream === 'stdout') stdoutClosed.abort(); });
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`handshake-lab ${__APP_VERSION__}\n`);
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`handshake-lab: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help + '\n');
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`handshake-lab: ${err.message}\n`);
    } else {
      // A bug, not a user mistake: still one line first, then the stack for the report.
      process.stderr.write(`handshake-lab: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      if (process.env.HANDSHAKE_LAB_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    }
    process.exitCode = 2;
  },
);
