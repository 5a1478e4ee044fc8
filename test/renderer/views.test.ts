// @vitest-environment happy-dom
// The views on a fake back end built from tshark's output: one packet row per frame, the ladder's labels,
// the state machine's tokens, tree ↔ hex selection (tcp.srcport = exactly 2 bytes), the filter box, the
// language switch, teaching empty states and a lesson's question with its answer masked.
import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import App from '../../renderer/src/App.vue';
import DetailTree from '../../renderer/src/components/packets/DetailTree.vue';
import PacketsView from '../../renderer/src/components/packets/PacketsView.vue';
import HexView from '../../renderer/src/components/packets/HexView.vue';
import type { ConnectionSummary, DecodedFrame, LadderSegment } from '../../renderer/src/api';
import { useStepStore } from '../../renderer/src/stores/step';
import { useSelectionStore } from '../../renderer/src/stores/selection';
import { useSettingsStore } from '../../renderer/src/stores/settings';
import { useLessonsStore } from '../../renderer/src/stores/lessons';
import { lessonPlayer, shippedCatalogue } from './lesson-plays';
import { computeAnswer } from '../../main/lessons/index';
import { fixture, harness, mountWith, settle, type Harness } from './helpers';

let h: Harness | null = null;
afterEach(() => { h?.stop(); h = null; document.body.innerHTML = ''; });

async function tab(w: Awaited<ReturnType<typeof mountWith>>, name: string) {
  await w.get(`[data-testid=tab-${name}]`).trigger('click');
  await settle();
}

describe('app views', () => {
  it('shows a teaching empty state when there is no capture', async () => {
    const catalogue = shippedCatalogue();
    h = await harness(null, { catalogue });
    const w = await mountWith(App, h);
    expect(w.find('[data-testid=empty-state]').exists()).toBe(true);
    expect(w.get('[data-testid=empty-run-experiment]').text()).toBe('Run the classic experiment');
    expect(w.findAll('[data-testid^=empty-lesson-]').length).toBe(catalogue.length);
    w.unmount();
  });

  it('lists one packet row per frame, Wireshark columns and Info', async () => {
    const fx = fixture('http');
    h = await harness(fx);
    const w = await mountWith(App, h);
    await tab(w, 'packets');
    const rows = w.findAll('[data-testid=packet-row]');
    expect(rows.length).toBe(fx.frames.length);
    const infos = w.findAll('[data-testid=packet-info]').map((x) => x.element.textContent);
    expect(infos).toEqual(fx.frames.map((f) => (f.row as { info: string }).info));
    w.unmount();
  });

  it('draws one ladder arrow per segment with tshark\'s label, and raw numbers on request', async () => {
    const fx = fixture('four');
    h = await harness(fx);
    const w = await mountWith(App, h);
    const segs = fx.ladder['0'] as LadderSegment[];
    const step = useStepStore();
    await step.last();
    await settle();
    const labels = w.findAll('[data-testid=ladder-arrow]').map((x) => x.attributes('data-label'));
    expect(labels).toEqual(segs.map((s) => s.label));
    for (const s of segs) expect(s.info).toContain(s.label);
    await w.get('[data-testid=ladder-raw]').trigger('click');
    const raw = w.findAll('[data-testid=ladder-arrow]').map((x) => x.attributes('data-label'));
    expect(raw[0]).toContain(`Seq=${segs[0].seqRaw}`);
    w.unmount();
  });

  it('marks retransmissions and duplicate ACKs as Wireshark does (Bad TCP)', async () => {
    const fx = fixture('four');
    const segs = fx.ladder['0'] as LadderSegment[];
    const rows = fx.frames.map((f) => f.row as { number: number; info: string; analysis: string[] });
    for (const [frame, prefix, flag] of [[5, '[TCP Dup ACK 3#1] ', 'duplicate_ack'], [7, '[TCP Retransmission] ', 'retransmission']] as const) {
      const seg = segs.find((x) => x.frame === frame)!;
      seg.info = prefix + seg.info;
      seg.analysis = [flag];
      const row = rows.find((r) => r.number === frame)!;
      row.info = prefix + row.info;
      row.analysis = [flag];
    }
    h = await harness(fx);
    const w = await mountWith(App, h);
    await useStepStore().last();
    await settle();
    const arrow = (n: number) => w.get(`[data-testid=ladder-arrow][data-frame="${n}"]`);
    expect(arrow(7).classes()).toContain('bad');
    expect(arrow(7).get('[data-testid=ladder-label]').text()).toBe(`[TCP Retransmission] ${segs.find((x) => x.frame === 7)!.label}`);
    expect(arrow(5).get('[data-testid=ladder-label]').text()).toContain('[TCP Dup ACK 3#1]');
    expect(arrow(6).classes()).not.toContain('bad');
    await tab(w, 'packets');
    expect(w.get('[data-testid=packet-row][data-frame="7"]').classes()).toContain('c-bad');
    expect(w.get('[data-testid=packet-row][data-frame="6"]').classes()).toContain('c-synfin');
    w.unmount();
  });

  /** The app on the 'four' fixture, on the state machine's tab. */
  async function statesView() {
    const fx = fixture('four');
    const hs = (h = await harness(fx));
    const w = await mountWith(App, hs);
    await tab(w, 'states');
    return { fx, w, client: hs.client, step: useStepStore(), segs: fx.ladder['0'] as LadderSegment[] };
  }

  it('moves the state-machine tokens as the stepper moves', async () => {
    const { w, step, segs } = await statesView();
    for (let i = 0; i < segs.length; i++) {
      await step.goTo(i);
      await settle(1);
      expect(w.get('[data-testid=token-client]').attributes('data-state')).toBe(segs[i].states.client);
      expect(w.get('[data-testid=token-server]').attributes('data-state')).toBe(segs[i].states.server);
    }
    // The edge taken by the last segment is highlighted.
    expect(w.findAll('[data-testid=sm-edge].taken').map((e) => e.attributes('data-edge'))).toEqual(['last-ack-acked']);
    w.unmount();
  });

  it('labels the connections list\'s states as final, while the step bar shows the current segment\'s', async () => {
    const fx = fixture('four');
    h = await harness(fx);
    const w = await mountWith(App, h);
    expect(w.get('[data-testid=conn-final-note]').text()).toBe('States: each connection\'s final ones (after its last frame). The step bar shows them at the current segment.');
    const badges = w.get('[data-testid=conn-0]').findAll('[data-testid=state-badge]');
    const final = (fx.connections[0] as ConnectionSummary).states;
    expect(badges.map((b) => b.attributes('aria-label'))).toEqual([`Client final state: ${final.client}`, `Server final state: ${final.server}`]);
    // At segment 1 the step bar shows the engine's states after frame 1, not the final ones.
    expect(w.get('[data-testid=step-client-state]').attributes('data-state')).toBe((fx.ladder['0'][0] as LadderSegment).states.client);
    w.unmount();
  });

  it('a correction of states already shown is pulled again (ladder, state machine, packet list) and replayed with a "corrected" note; provisional states are marked', async () => {
    const { fx, w, client, step, segs } = await statesView();
    const last = segs.length - 1;
    const lastFrame = segs[last].frame;
    // The packet list has pulled its rows (the corrected one among them) before the correction.
    const statesCell = () => w.get(`[data-testid=packet-row][data-frame="${lastFrame}"] .st`).text();
    await tab(w, 'packets');
    expect(statesCell()).toBe(`${segs[last].states.client} / ${segs[last].states.server}`);
    expect(segs[last].states.server).not.toBe('TIME_WAIT');
    await tab(w, 'states');
    await step.goTo(last);
    await settle(1);
    expect(w.find('[data-testid=sm-corrected]').exists()).toBe(false);
    // The back end corrects the last segment's states (as a receiver's next segment would) and says so.
    const before = step.travelId;
    segs[last] = { ...segs[last], states: { ...segs[last].states, server: 'TIME_WAIT' }, transitions: [] };
    // A new row object, as the back end would send: the list's cached row stays stale unless pulled again.
    const frame = fx.frames.find((f) => (f.row as { number: number }).number === lastFrame)!;
    const row = { ...(frame.row as { states: { client: string; server: string } }) };
    row.states = { ...row.states, server: 'TIME_WAIT' };
    frame.row = row;
    (fx.connections[0] as { provisionalFrom: number | null }).provisionalFrom = segs[last].frame;
    client.push('connections', { connections: fx.connections });
    client.push('statesRevised', [{ stream: 0, fromFrame: segs[last].frame }]);
    await settle(6);
    expect(w.get('[data-testid=token-server]').attributes('data-state')).toBe('TIME_WAIT');
    expect(w.get('[data-testid=sm-corrected]').text()).toContain(`frame ${segs[last].frame}`);
    expect(step.travelId).toBeGreaterThan(before);
    expect(w.find('[data-testid=sm-provisional]').exists()).toBe(true);
    expect(w.get('[data-testid=token-server]').classes()).toContain('provisional');
    // Stepping away clears the note.
    await step.goTo(0);
    await settle(1);
    expect(w.find('[data-testid=sm-corrected]').exists()).toBe(false);
    // The packet list pulled the corrected row again.
    await tab(w, 'packets');
    expect(statesCell()).toBe(`${row.states.client} / TIME_WAIT`);
    w.unmount();
  });

  it('switches the whole UI to zh-CN', async () => {
    h = await harness(fixture('four'));
    const w = await mountWith(App, h);
    expect(w.get('[data-testid=tab-ladder]').text()).toContain('Ladder');
    await w.get('[data-testid=language]').setValue('zh-CN');
    await settle();
    expect(useSettingsStore().locale).toBe('zh-CN');
    expect(w.get('[data-testid=tab-ladder]').text()).toContain('时序图');
    expect(w.get('[data-testid=run-classic]').text()).toBe('运行经典实验');
    expect(document.documentElement.lang).toBe('zh-CN');
    w.unmount();
  });
});

describe('detail tree and hex view', () => {
  it('clicking tcp.srcport highlights exactly its 2 bytes, and a byte selects its field', async () => {
    const fx = fixture('classic');
    h = await harness(fx);
    const w = await mountWith(PacketsView, h);
    await useSelectionStore().select(1);
    await settle();
    const item = w.findAll('[data-testid=tree-item]').find((x) => x.attributes('data-field') === 'tcp.srcport')!;
    expect(item.attributes('title')).toContain('tcp.srcport');
    await item.trigger('click');
    const hl = w.findAll('[data-testid=hex-view] .b[data-hl]');
    expect(hl.map((x) => Number(x.attributes('data-offset')))).toEqual([34, 35]);
    expect(w.get('[data-testid=tree-status]').text()).toContain('tcp.srcport');
    await w.get('[data-testid=hex-view] .b[data-offset="36"]').trigger('click');
    await nextTick();
    expect(useSelectionStore().item?.name).toBe('tcp.dstport');
    w.unmount();
  });

  it('sets generated items apart (brackets and a mark) and leaves hidden items out', async () => {
    const fx = fixture('classic');
    // The engine's marks on the first frame's TCP items: a generated stream index, a hidden twin of the port.
    const detail = fx.frames[0].detail as { frame: DecodedFrame };
    const tcp = detail.frame.layers.find((l) => l.protocol === 'tcp')!;
    const stream = tcp.fields.find((f) => f.name === 'tcp.stream')!;
    Object.assign(stream, { display: '[Stream index: 0]', generated: true });
    tcp.fields.splice(1, 0, { name: 'tcp.port', value: 1, display: 'Source or Destination Port: 1', offset: 34, length: 2, children: [], hidden: true });
    h = await harness(fx);
    const w = await mountWith(DetailTree, h);
    await useSelectionStore().select(1);
    await settle();
    const items = w.findAll('[data-testid=tree-item]');
    const shown = items.find((x) => x.attributes('data-field') === 'tcp.stream')!;
    expect(shown.text()).toBe('[Stream index: 0]');
    expect(shown.classes()).toContain('generated');
    expect(shown.attributes('data-generated')).toBe('true');
    expect(items.find((x) => x.attributes('data-field') === 'tcp.srcport')!.classes()).not.toContain('generated');
    expect(items.some((x) => x.attributes('data-field') === 'tcp.port')).toBe(false);
    await shown.trigger('click');
    expect(w.get('[data-testid=tree-status]').text()).toContain('not a field in the packet');
    w.unmount();
  });

  it('walks the tree with the keyboard', async () => {
    h = await harness(fixture('classic'));
    const w = await mountWith(DetailTree, h);
    await useSelectionStore().select(2);
    await settle();
    const tree = w.get('[data-testid=detail-tree]');
    await tree.trigger('keydown', { key: 'ArrowDown' });
    expect(useSelectionStore().item?.path).toBe('0');
    await tree.trigger('keydown', { key: 'ArrowDown' });
    expect(useSelectionStore().item?.path).toBe('1');
    w.unmount();
  });

  it('narrows the rows with the display filter and marks an error inline', async () => {
    const fx = fixture('http');
    h = await harness(fx);
    const w = await mountWith(PacketsView, h);
    await w.get('[data-testid=display-filter]').setValue('tcp.flags.syn == 1');
    await w.get('form').trigger('submit');
    await settle();
    expect(w.findAll('[data-testid=packet-row]').length).toBe(fx.filters['tcp.flags.syn == 1'].length);
    await w.get('[data-testid=display-filter]').setValue('tcp.nonsense');
    await w.get('form').trigger('submit');
    await settle();
    const err = w.get('[data-testid=filter-error]');
    expect(err.get('mark').text()).toBe('tcp.nonsense');
    w.unmount();
  });
});

describe('lesson panel', () => {
  it('asks first with the answer masked everywhere, then shows the states and the explanation', async () => {
    const player = lessonPlayer('classic-linux');
    h = await harness(null, { lessons: { 'classic-linux': fixture('classic') }, players: { 'classic-linux': player } });
    const w = await mountWith(App, h);
    await useLessonsStore().open('classic-linux');
    await settle();
    expect(w.find('[data-testid=lesson-panel]').exists()).toBe(true);
    expect(w.get('[data-testid=lesson-next]').attributes('disabled')).toBeDefined();
    // The client's state after the SYN (the question) is masked wherever it would show.
    const right = computeAnswer(player.lesson, 0, player.capture);
    expect(w.get('[data-testid=step-client-state]').text()).toBe('?');
    expect(w.get('[data-testid=step-client-state]').attributes('data-masked')).toBeDefined();
    expect(w.get('[data-testid=ladder-client-state]').text()).toBe('?');
    expect(w.findAll('[data-testid=ladder-state][data-endpoint=client]').length).toBe(0);
    const outside = w.findAll('[data-reveal]').filter((e) => e.attributes('data-masked') === undefined).map((e) => e.text()).join(' ');
    expect(outside).not.toContain(String(right.value));
    // Nor does a screen reader hear it: the step's announcement says the masked state as '?'.
    await new Promise((r) => setTimeout(r, 80));
    const said = w.get('[data-testid=live-region]').text();
    expect(said).toContain(`${useStepStore().current?.frame}`);
    expect(said).not.toContain(String(right.value));
    await w.get('[data-testid=choice-SYN_RECEIVED]').trigger('click');
    await settle(2);
    expect(w.get('[data-testid=lesson-feedback]').attributes('data-correct')).toBe('false');
    expect(w.get('[data-testid=lesson-next]').attributes('disabled')).toBeDefined();
    await w.get(`[data-testid=choice-${String(right.value)}]`).trigger('click');
    await settle(2);
    expect(w.get('[data-testid=lesson-answer]').text()).toContain(String(right.value));
    expect(w.get('[data-testid=step-client-state]').text()).toBe(String(right.value));
    expect(w.get('[data-testid=lesson-next]').attributes('disabled')).toBeUndefined();
    // Answered: the step is said again, now with the state.
    await new Promise((r) => setTimeout(r, 80));
    expect(w.get('[data-testid=live-region]').text()).toContain(String(right.value));
    w.unmount();
  });

  it('takes the answer to a state question from a click on the state diagram, only while it is open', async () => {
    const player = lessonPlayer('classic-linux');
    h = await harness(null, { lessons: { 'classic-linux': fixture('classic') }, players: { 'classic-linux': player } });
    const w = await mountWith(App, h);
    await useLessonsStore().open('classic-linux');
    await settle();
    await tab(w, 'states');
    const right = String(computeAnswer(player.lesson, 0, player.capture).value);
    const offered = useLessonsStore().question!.states!;
    const buttons = w.findAll('[data-testid=sm-node][role=button]').map((n) => n.attributes('data-node'));
    expect(buttons.length).toBeGreaterThan(1);
    for (const id of buttons) expect(offered).toContain(id === 'CLOSED_END' ? 'CLOSED' : id);
    const wrong = buttons.find((id) => id !== right && id !== 'CLOSED_END')!;
    const node = (id: string) => w.findAll('[data-testid=sm-node]').find((n) => n.attributes('data-node') === id)!;
    await node(wrong).trigger('click');
    await settle(2);
    expect(w.get('[data-testid=lesson-feedback]').attributes('data-correct')).toBe('false');
    expect(node(wrong).classes()).toContain('picked');
    expect(w.get('[data-testid=lesson-question]').attributes('data-open')).toBe('true');
    await node(right).trigger('keydown', { key: 'Enter' });
    await settle(2);
    expect(w.get('[data-testid=lesson-feedback]').attributes('data-correct')).toBe('true');
    expect(w.get('[data-testid=lesson-answer]').text()).toContain(right);
    // Answered: the boxes are the diagram again.
    expect(w.findAll('[data-testid=sm-node][role=button]').length).toBe(0);
    await node(wrong).trigger('click');
    await settle(2);
    expect(w.get('[data-testid=lesson-feedback]').attributes('data-correct')).toBe('true');
    w.unmount();
  });
});

describe('hex view', () => {
  it('picks a byte range for a bytes question: click the first byte, Shift+click the last', async () => {
    h = await harness(null);
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => i);
    const w = await mountWith(HexView, h, 'en', { bytes, highlight: { offset: 0, length: 4 }, linked: true, choosing: true, chosen: null });
    await w.get('.b[data-offset="12"]').trigger('click');
    await w.get('.a[data-offset="13"]').trigger('click', { shiftKey: true });
    expect(w.emitted('choose')).toEqual([[12, false], [13, true]]);
    expect(w.emitted('pick')).toBeUndefined();
    await w.setProps({ chosen: { first: 12, last: 13 } });
    expect(w.findAll('.b[data-chosen]').map((b) => b.attributes('data-offset'))).toEqual(['12', '13']);
    expect(w.findAll('[data-hl]').length, 'a highlight while choosing would say where fields are').toBe(0);
    // Not choosing: a click picks the field there, and no range is drawn.
    await w.setProps({ choosing: false });
    await w.get('.b[data-offset="3"]').trigger('click');
    expect(w.emitted('pick')).toEqual([[3]]);
    expect(w.findAll('[data-chosen]').length).toBe(0);
    expect(w.findAll('.b[data-hl]').length).toBe(4);
    w.unmount();
  });
});
