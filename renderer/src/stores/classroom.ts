// The classroom as this page sees it: its session (role, what it may do), the student's name, what the
// teacher shared, and, for a teacher, the class dashboard. Kept apart from the other stores: they read
// `can` to hide what this session may not do.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { useClient, type ClassSnapshot, type HandshakeLabClient, type SessionInfo, type Share } from '../api';
import { downloadBlob } from '../api/files';
import { displayName, learnerKey, rememberName } from '../api/identity';
import { useLessonsStore } from './lessons';
import { useNoticesStore } from './notices';

/** What a session may do when the back end does not say (the desktop app, an older back end). */
const FULL: SessionInfo['can'] = { capture: true, experiment: true, openPath: true, dashboard: false, share: false, download: true };

export const useClassroomStore = defineStore('classroom', () => {
  const session = shallowRef<SessionInfo | null>(null);
  const shares = shallowRef<Share[]>([]);
  const snapshot = shallowRef<ClassSnapshot | null>(null);
  const name = ref<string | null>(displayName());
  const dashboardOpen = ref(false);

  const student = computed(() => session.value?.role === 'student');
  const can = computed<SessionInfo['can']>(() => session.value?.can ?? FULL);
  /** A student is asked for a name once (kept in this browser). */
  const needsName = computed(() => student.value && !name.value);

  /**
   * Tells the back end who is here (after every connect): learner key, and the name if there is one.
   * Lesson progress (and a lesson's gate) belong to the learner, across reloads. Returns the session
   * (its `lesson`: the lesson it was in before the page reloaded; sync.ts takes it up again).
   */
  async function hello(client: HandshakeLabClient = useClient()): Promise<SessionInfo | null> {
    let info: SessionInfo;
    try {
      info = await client.identify({ learner: learnerKey(), ...(name.value ? { name: name.value } : {}) });
    } catch {
      return null; // a back end without classroom methods (the tests' fake client): the page works as a single user
    }
    session.value = info;
    if (!name.value && info.name) name.value = info.name;
    try {
      shares.value = await client.listShared();
      if (info.can.dashboard) snapshot.value = await client.getClass();
    } catch (e) {
      useNoticesStore().error(e, 'connect');
    }
    return info;
  }

  async function act<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (e) {
      useNoticesStore().error(e, what);
      return null;
    }
  }

  const shareView = (download: boolean) => act('share', () => useClient().share({ what: 'view', download }));
  const shareLesson = (lesson: string) => act('share', () => useClient().share({ what: 'lesson', lesson }));
  const unshare = (id: string) => act('share', () => useClient().unshare({ id }));
  const setExperiments = (on: boolean) => act('share', () => useClient().setClassPolicy({ experiments: on }));

  /** Opens a share: a lesson through the lesson player, a capture as this session's view. */
  async function openShare(s: Share): Promise<void> {
    if (s.lesson) {
      await useLessonsStore().open(s.lesson);
      return;
    }
    useLessonsStore().close();
    await act('openFile', () => useClient().openShared({ id: s.id }));
  }

  async function exportCsv(): Promise<void> {
    const r = await act('export', () => useClient().exportClassCsv());
    if (r) downloadBlob(new Blob([r.csv], { type: 'text/csv;charset=utf-8' }), r.name);
  }

  async function setName(value: string): Promise<void> {
    const v = value.trim().slice(0, 40);
    if (!v) return;
    name.value = v;
    rememberName(v);
    await hello();
  }

  /** Follows the back end's classroom events; returns the unsubscribe. */
  function listen(client: HandshakeLabClient): () => void {
    const offs = [
      client.on('session', (s) => { session.value = s; }),
      client.on('shared', (list) => { shares.value = list; }),
      client.on('classroom', (snap) => { snapshot.value = snap; }),
    ];
    return () => { for (const off of offs) off(); };
  }

  return {
    session, shares, snapshot, name, dashboardOpen, student, can, needsName,
    hello, setName, listen, shareView, shareLesson, unshare, setExperiments, openShare, exportCsv,
  };
});
