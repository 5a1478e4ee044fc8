// @vitest-environment happy-dom
// The program behind each end of a live connection: shown in the Connections panel and the ladder's
// header ("curl 4242"), "unknown program" when the OS would not tell, nothing for a file's connections.
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.vue';
import { fixture, harness, mountWith, settle, type Harness } from './helpers';

let h: Harness | null = null;
afterEach(() => { h?.stop(); h = null; document.body.innerHTML = ''; });

describe('programs of a live connection', () => {
  it('names each end\'s program and pid in the Connections panel and the ladder header', async () => {
    const fx = fixture('four');
    (fx.connections[0] as Record<string, unknown>).programs = { client: { pid: 4242, program: 'curl' }, server: { pid: null, program: 'unknown' } };
    h = await harness(fx);
    const w = await mountWith(App, h);
    const inPanel = w.get('[data-testid=conn-0]').findAll('[data-testid=program]').map((x) => x.text());
    expect(inPanel).toEqual(['curl 4242', 'unknown program']);
    const heads = w.findAll('.heads [data-testid=program]').map((x) => x.text());
    expect(heads).toEqual(['curl 4242', 'unknown program']);
    expect(w.get('[data-testid=conn-0] [data-testid=program]').attributes('title')).toBe('Program on this machine: curl (process 4242)');
    w.unmount();
  });

  it('says it in Chinese too', async () => {
    const fx = fixture('four');
    (fx.connections[0] as Record<string, unknown>).programs = { client: null, server: { pid: null, program: 'unknown' } };
    h = await harness(fx);
    const w = await mountWith(App, h);
    await w.get('[data-testid=language]').setValue('zh-CN');
    await settle();
    expect(w.get('[data-testid=conn-0]').findAll('[data-testid=program]').map((x) => x.text())).toEqual(['未知程序']);
    w.unmount();
  });

  it('shows no program for a file\'s connections', async () => {
    h = await harness(fixture('four'));
    const w = await mountWith(App, h);
    expect(w.findAll('[data-testid=program]')).toHaveLength(0);
    w.unmount();
  });
});
