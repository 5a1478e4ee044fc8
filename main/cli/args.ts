// A small, strict option parser: known flags only, clear errors for the rest.
import { UsageError } from './command';

export interface OptionSpec {
  /** Flags that take a value, e.g. { port: 'number', write: 'string' }. */
  values?: Record<string, 'string' | 'number'>;
  /** Flags without a value, e.g. ['jsonl', 'json']. */
  booleans?: string[];
  /** How many positional arguments are allowed (min, max). */
  positionals?: [number, number];
  /** What the positional arguments are, for errors (e.g. ['FILE']). */
  names?: string[];
}

export interface ParsedArgs {
  flags: Record<string, string | number | boolean | undefined>;
  positionals: string[];
}

export function parseArgs(command: string, args: string[], spec: OptionSpec): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  const values = spec.values ?? {};
  const booleans = new Set(spec.booleans ?? []);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { positionals.push(...args.slice(i + 1)); break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (booleans.has(name)) {
        if (eq >= 0) throw new UsageError(`${command}: option --${name} takes no value (write --${name}, not ${a})`);
        flags[name] = true;
        continue;
      }
      const kind = values[name];
      if (!kind) throw new UsageError(`${command}: unknown option --${name} (see handshake-lab ${command} --help)`);
      const raw = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (raw === undefined) throw new UsageError(`${command}: option --${name} needs a value`);
      if (kind === 'number') {
        const n = Number(raw);
        if (!Number.isFinite(n) || raw.trim() === '') throw new UsageError(`${command}: option --${name} needs a number, got '${raw}'`);
        flags[name] = n;
      } else flags[name] = raw;
      continue;
    }
    if (a.startsWith('-') && a !== '-') throw new UsageError(`${command}: unknown option ${a} (see handshake-lab ${command} --help)`);
    positionals.push(a);
  }
  const [min, max] = spec.positionals ?? [0, 0];
  if (positionals.length < min) {
    const what = spec.names?.[positionals.length];
    throw new UsageError(`${command}: missing ${what ?? 'argument'} (see handshake-lab ${command} --help)`);
  }
  if (positionals.length > max) throw new UsageError(`${command}: unexpected argument '${positionals[max]}'`);
  return { flags, positionals };
}
