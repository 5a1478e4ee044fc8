// @vitest-environment happy-dom
// "Allow capture" in the Capture menu: shown where the back end can do it, it asks the back end to give
// dumpcap its rights and then starts capturing at once on the loopback interface; a dismissed prompt
// changes nothing and says so.
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.vue';
import { harness, mountWith, settle, type Harness } from './helpers';

let h: Harness | null = null;
afterEach(() => { h?.stop(); h = null; document.body.innerHTML = ''; });

async function openMenu(enable?: 'enabled' | 'cancelled' | 'failed') {
  h = await harness(null, { capture: false, ...(enable ? { enable } : {}) });
  const w = await mountWith(App, h);
  await w.get('[data-testid=capture-menu]').trigger('click');
  await settle();
  return w;
}

const methods = () => (h!.client.calls as { method: string; params?: unknown }[]);

describe('Allow capture', () => {
  it('gives dumpcap its rights, then captures at once on loopback', async () => {
    const w = await openMenu('enabled');
    expect(w.get('[data-testid=capture-help]').text()).toContain('Live capture is not allowed for this app yet.');
    await w.get('[data-testid=capture-enable]').trigger('click');
    await settle();
    expect(methods().map((c) => c.method)).toEqual(['enableCapture', 'startCapture']);
    expect(methods()[1].params).toEqual({ interface: 'lo', filter: 'tcp port 12345' });
    expect(w.get('[data-testid=notice]').attributes('data-code')).toBe('info.captureEnabled');
    expect(w.find('[data-testid=capture-stop]').exists()).toBe(true);
    w.unmount();
  });

  it('a dismissed password prompt changes nothing and says so', async () => {
    const w = await openMenu('cancelled');
    await w.get('[data-testid=capture-enable]').trigger('click');
    await settle();
    expect(methods().map((c) => c.method)).toEqual(['enableCapture']);
    expect(w.get('[data-testid=notice]').attributes('data-code')).toBe('info.captureEnableCancelled');
    w.unmount();
  });

  it('a failure is an error notice with the back end\'s words', async () => {
    const w = await openMenu('failed');
    await w.get('[data-testid=capture-enable]').trigger('click');
    await settle();
    const n = w.get('[data-testid=notice]');
    expect(n.attributes('data-code')).toBe('permission_denied');
    expect(n.text()).toContain('fake: failed');
    w.unmount();
  });

  it('no button where the back end cannot do it (the commands are shown instead)', async () => {
    const w = await openMenu();
    expect(w.find('[data-testid=capture-enable]').exists()).toBe(false);
    expect(w.get('[data-testid=capture-help]').text()).toContain('sudo setcap');
    w.unmount();
  });
});
