// Shared set-up for the renderer's component tests: the fixtures, a fake client, and the whole app mounted
// with Pinia and vue-i18n exactly as main.ts does it.
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import type { Component } from 'vue';
import { createFakeClient } from './fake-client.js';
import type { FakeClient, FakeOptions, Fixture } from './fake-client.js';
import { setClient } from '../../renderer/src/api';
import { createI18nFor } from '../../renderer/src/i18n';
import { startSync } from '../../renderer/src/stores/sync';
import { watchStudy } from '../../renderer/src/stores/study';
import type { Locale } from '../../renderer/src/stores/settings';

import classicJson from './fixtures/classic.json';
import fourJson from './fixtures/four.json';
import httpJson from './fixtures/http.json';

const FIXTURES = { classic: classicJson, four: fourJson, http: httpJson };

/** A fresh copy of a fixture (tests may not share mutable data). */
export function fixture(name: keyof typeof FIXTURES): Fixture {
  return structuredClone(FIXTURES[name]) as unknown as Fixture;
}

// happy-dom does no layout: give the packet list's scrolling pane a window's size (the virtualiser reads
// clientWidth/clientHeight), as in a 1280×720 window.
for (const [prop, size] of [['clientHeight', 600], ['clientWidth', 1000]] as const) {
  const real = Object.getOwnPropertyDescriptor(Element.prototype, prop);
  Object.defineProperty(HTMLElement.prototype, prop, {
    configurable: true,
    get(this: HTMLElement) { return this.dataset?.testid === 'packet-scroll' ? size : (real?.get?.call(this) as number ?? 0); },
  });
}

// …and the window itself is 1280×720 (happy-dom's default is 1024 wide, where the connections list steps aside).
Object.defineProperty(window, 'innerWidth', { configurable: true, value: 1280 });
Object.defineProperty(window, 'innerHeight', { configurable: true, value: 720 });

export interface Harness { client: FakeClient; pinia: Pinia; stop: () => void }

/** A fresh Pinia with the fake client installed and the pushes wired (no component mounted). */
export async function harness(fx: Fixture | null, opts: FakeOptions = {}): Promise<Harness> {
  globalThis.localStorage?.clear();
  const pinia = createPinia();
  setActivePinia(pinia);
  const client = createFakeClient(fx, opts);
  setClient(client, 'ipc');
  const stopSync = startSync(client);
  const stopStudy = watchStudy();
  await flushPromises();
  await settle();
  return { client, pinia, stop: () => { stopSync(); stopStudy(); } };
}

/** Lets promises, timers and animation frames run (rAF-throttled pushes, page loads). */
export async function settle(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await flushPromises();
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function mountWith(component: Component, h: Harness, locale: Locale = 'en', props: Record<string, unknown> = {}): Promise<VueWrapper> {
  const w = mount(component, { props, global: { plugins: [h.pinia, createI18nFor(locale)] }, attachTo: document.body });
  await settle();
  return w;
}

export type { FakeClient, Fixture };
