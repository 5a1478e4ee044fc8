// Moving the student's focus: picking a connection or a frame keeps the ladder, the stepper, the state
// machine, the layers view and the detail panes on the same segment.
import { watch } from 'vue';
import { useConnectionsStore } from './connections';
import { useLadderStore } from './ladder';
import { useSelectionStore } from './selection';
import { useStepStore } from './step';
import { useLessonsStore } from './lessons';
import { useAppStore } from './app';

/** Selects a frame wherever it was clicked; a TCP frame also moves the stepper to it (switching connection if needed). */
export async function focusFrame(frame: number, stream: number | null): Promise<void> {
  // A lesson's open question holds the lesson where it is: clicks on rows and points move nothing.
  if (useLessonsStore().awaitingAnswer) return;
  const selection = useSelectionStore();
  void selection.select(frame);
  if (stream === null) return;
  const connections = useConnectionsStore();
  const ladder = useLadderStore();
  const step = useStepStore();
  step.pause();
  if (ladder.stream !== stream) {
    // Load first, so the connection watcher sees the ladder already on this stream and stays out of the way.
    step.reset();
    const loading = ladder.load(stream);
    connections.select(stream);
    await loading;
  }
  const idx = await ladder.indexOfFrame(frame);
  if (idx >= 0 && idx !== step.index) {
    step.index = idx; // a jump: no travel animation, and the selection is already this frame
  }
}

/** Keeps the ladder on the selected connection. Call once (App setup). */
export function watchStudy(): () => void {
  const connections = useConnectionsStore();
  const ladder = useLadderStore();
  const step = useStepStore();
  return watch(() => connections.selected, async (s) => {
    if (s === ladder.stream) return;
    step.reset();
    await ladder.load(s);
    // Watching live, the view follows the newest segment (sync.ts grows it from there); a file starts at the first.
    if (step.index < 0 && ladder.total > 0 && connections.selected === s && !useLessonsStore().opening) await step.goTo(useAppStore().live ? ladder.total - 1 : 0);
  }, { flush: 'sync' });
}
