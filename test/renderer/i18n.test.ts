// @vitest-environment happy-dom
// Every string the app says is translated: both languages have the same keys, every key the code asks for
// exists, and every code the back end may send (states, causes, errors, analysis flags) has a text.
import { describe, expect, it } from 'vitest';
import en from '../../renderer/src/i18n/en';
import zh from '../../renderer/src/i18n/zh-CN';
import { CAUSE_TEXT, NOTE_TEXT, START_TEXT } from '../../main/engine/tcp/state-machine';

const sources = import.meta.glob<string>('../../renderer/src/**/*.{vue,ts}', { eager: true, query: '?raw', import: 'default' });

function keys(o: unknown, prefix = ''): string[] {
  if (typeof o !== 'object' || o === null) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}
function get(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
}

describe('translations', () => {
  it('zh-CN has exactly the keys of en', () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
  });

  it('no zh-CN text is left in English (except names and formulas)', () => {
    const untranslated = keys(en).filter((k) => {
      const a = get(en, k) as string, b = get(zh, k) as string;
      return a === b && /[a-z]{4,}/.test(a) && !/^(SRTT|Handshake Lab)$/.test(a);
    });
    expect(untranslated).toEqual([]);
  });

  it('every literal key used in the renderer exists', () => {
    const used = new Set<string>();
    for (const src of Object.values(sources)) {
      for (const m of src.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => typeof get(en, k) !== 'string');
    expect(missing).toEqual([]);
  });

  it('has a text for every state, cause, error code and analysis flag the back end can send', () => {
    const states = ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'];
    // From the engine's own lists, so a cause, start or note added there without a translation fails here.
    const causes = Object.keys(CAUSE_TEXT);
    const starts = Object.keys(START_TEXT);
    const stateNotes = Object.keys(NOTE_TEXT);
    const errors = ['bad_request', 'not_found', 'capture_unavailable', 'permission_denied', 'no_such_interface', 'bad_filter', 'file_error', 'busy', 'port_in_use', 'cancelled', 'forbidden', 'internal', 'rate_limited', 'filter_rate_limited', 'timeout', 'disconnected', 'upload_failed'];
    const flags = ['retransmission', 'fast_retransmission', 'spurious_retransmission', 'out_of_order', 'lost_segment', 'ack_lost_segment', 'duplicate_ack', 'zero_window', 'zero_window_probe', 'zero_window_probe_ack', 'window_full', 'window_update', 'keep_alive', 'keep_alive_ack', 'reused_ports'];
    for (const m of [en, zh]) {
      for (const s of states) expect(typeof get(m, `stateHelp.${s}`), s).toBe('string');
      for (const c of causes) expect(typeof get(m, `cause.${c}`), c).toBe('string');
      for (const c of starts) expect(typeof get(m, `start.${c}`), c).toBe('string');
      for (const c of stateNotes) expect(typeof get(m, `stateNote.${c}`), c).toBe('string');
      for (const e of errors) { expect(typeof get(m, `errors.${e}.title`), e).toBe('string'); expect(typeof get(m, `errors.${e}.hint`), e).toBe('string'); }
      for (const f of flags) expect(typeof get(m, `notes.analysis.${f}`), f).toBe('string');
    }
  });
});
