// The toolbar's actions (open, save, capture, experiment, cancel), shared by the toolbar, the empty state,
// drag-and-drop and keyboard shortcuts. Errors become notices that say what happened and what to do.
import { computed } from 'vue';
import { useClient, useTransport, type ExperimentVariant, type RequestInput } from '../api';
import { canUpload, captureDownloadUrl, downloadUrl, shellExtras, uploadCapture } from '../api/files';
import { useAppStore } from '../stores/app';
import { useClassroomStore } from '../stores/classroom';
import { useConnectionsStore } from '../stores/connections';
import { useLadderStore } from '../stores/ladder';
import { useLessonsStore } from '../stores/lessons';
import { useNoticesStore } from '../stores/notices';
import { useStepStore } from '../stores/step';

let uploadAbort: AbortController | null = null;

export const CAPTURE_EXTENSIONS = ['.pcap', '.pcapng', '.cap', '.pcap.gz', '.pcapng.gz'];

export function isCaptureName(name: string): boolean {
  const n = name.toLowerCase();
  return CAPTURE_EXTENSIONS.some((e) => n.endsWith(e));
}

export function useActions() {
  const app = useAppStore();
  const notices = useNoticesStore();

  const classroom = useClassroomStore();

  const captureAvailable = computed(() => app.info?.capture.available !== false);
  // A student runs experiments only when the teacher allows them (the back end says so in `can`).
  const canExperiment = computed(() => (classroom.student ? classroom.can.experiment : captureAvailable.value) && app.busy === null && app.capture.state !== 'running');

  async function openPath(path: string): Promise<void> {
    useLessonsStore().close();
    try {
      await useClient().openFile({ path });
    } catch (e) {
      notices.error(e, 'openFile');
    }
  }

  async function uploadAndOpen(file: File): Promise<void> {
    if (!isCaptureName(file.name)) { notices.push({ kind: 'error', code: 'not_a_capture', action: 'openFile', params: { name: file.name } }); return; }
    const extras = shellExtras() as { pathForFile?: (f: File) => string };
    if (useTransport().transport === 'ipc') {
      if (extras.pathForFile) await openPath(extras.pathForFile(file));
      else notices.info('info.useMenuToOpen');
      return;
    }
    uploadAbort = new AbortController();
    app.upload = { name: file.name, sent: 0, total: file.size };
    try {
      const path = await uploadCapture(file, (sent, total) => { app.upload = { name: file.name, sent, total }; }, uploadAbort.signal);
      app.upload = null;
      await openPath(path);
    } catch (e) {
      notices.error(e, 'upload');
    } finally {
      app.upload = null;
      uploadAbort = null;
    }
  }

  function pickLocalFile(): Promise<File | null> {
    return new Promise((resolve) => {
      const input = document.createElement('input');
      input.type = 'file';
      input.accept = CAPTURE_EXTENSIONS.join(',');
      input.onchange = () => resolve(input.files?.[0] ?? null);
      input.click();
    });
  }

  async function openFile(): Promise<void> {
    const extras = shellExtras();
    if (extras.pickOpenPath) {
      const path = await extras.pickOpenPath();
      if (path) await openPath(path);
      return;
    }
    if (!canUpload()) { notices.info('info.useMenuToOpen'); return; }
    const file = await pickLocalFile();
    if (file) await uploadAndOpen(file);
  }

  async function save(): Promise<void> {
    const extras = shellExtras();
    try {
      if (extras.pickSavePath) {
        const path = await extras.pickSavePath('handshake-lab.pcapng');
        if (!path) return;
        const r = await useClient().saveCapture({ path });
        notices.info('info.saved', { path: r.path, frames: r.frames });
      } else if (canUpload()) {
        downloadUrl(captureDownloadUrl(), 'handshake-lab.pcapng');
      } else {
        notices.info('info.useMenuToSave');
      }
    } catch (e) {
      notices.error(e, 'saveCapture');
    }
  }

  /**
   * Runs an experiment. While it runs, the views follow it live; when it ends they stay where the student is
   * (only a run nobody watched starts at its first segment).
   */
  async function runExperiment(variant: ExperimentVariant, slowMotionMs = 0, choices: Omit<RequestInput<'runExperiment'>, 'variant' | 'slowMotionMs'> = {}): Promise<void> {
    useLessonsStore().close();
    app.busy = 'experiment';
    try {
      const r = await useClient().runExperiment({ ...choices, variant, slowMotionMs });
      if (r.portNote) notices.info('info.portBusy', { requested: r.portNote.requested, used: r.portNote.used });
      const connections = useConnectionsStore();
      await connections.refresh();
      const stream = r.streams[0];
      if (stream === undefined) return;
      const ladder = useLadderStore();
      const step = useStepStore();
      const summary = connections.byStream.get(stream);
      if (ladder.stream === stream && step.index >= 0) {
        if (summary) await ladder.grow(summary);
        return;
      }
      step.reset();
      const loading = ladder.load(stream, true);
      connections.select(stream);
      await loading;
      await step.goTo(0);
    } catch (e) {
      notices.error(e, 'runExperiment');
    } finally {
      app.busy = null;
    }
  }

  async function startCapture(iface: string, filter: string): Promise<void> {
    useLessonsStore().close();
    try {
      app.capture = await useClient().startCapture({ interface: iface, filter });
    } catch (e) {
      notices.error(e, 'startCapture');
    }
  }

  /**
   * "Allow capture": the back end asks the system (its own password prompt) to give dumpcap its capture
   * rights, then the capture starts at once on the loopback interface with `filter`. On Windows it opens
   * Npcap's download page instead.
   */
  async function enableCapture(filter: string): Promise<void> {
    app.busy = 'enableCapture';
    try {
      const r = await useClient().enableCapture();
      if (app.info) app.info = { ...app.info, capture: r.capture };
      if (r.outcome === 'install') {
        if (r.url) window.open(r.url, '_blank', 'noopener');
        notices.info('info.captureInstall', {});
      } else if (r.outcome === 'cancelled') {
        notices.info('info.captureEnableCancelled', {});
      } else if (r.outcome === 'failed' || !r.capture.available) {
        notices.push({ kind: 'error', code: 'permission_denied', action: 'enableCapture', detail: r.capture.reason ? `${r.message}. ${r.capture.reason}` : r.message });
      } else {
        notices.info('info.captureEnabled', {});
        const ifaces = await useClient().listInterfaces();
        const lo = ifaces.find((i) => i.loopback) ?? ifaces[0];
        if (lo) await startCapture(lo.name, filter);
      }
    } catch (e) {
      notices.error(e, 'enableCapture');
    } finally {
      app.busy = null;
    }
  }

  async function stopCapture(): Promise<void> {
    try {
      app.capture = await useClient().stopCapture();
    } catch (e) {
      notices.error(e, 'stopCapture');
    }
  }

  async function cancelLoad(): Promise<void> {
    if (uploadAbort) { uploadAbort.abort(); return; }
    try {
      await useClient().cancelLoad();
    } catch (e) {
      notices.error(e, 'cancelLoad');
    }
  }

  return { captureAvailable, canExperiment, openFile, openPath, uploadAndOpen, save, runExperiment, startCapture, enableCapture, stopCapture, cancelLoad };
}
