// The classroom as this page sees it: its session (role, what it may do), the student's name, what the
// teacher shared, and, for a teacher, the class dashboard. Kept apart from the other stores: they read
// `can` to hide what this session may not do.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { useClient, type ClassSnapshot, type HandshakeLabClient, type SessionInfo, type Share } from '../api';
import { displayName, learnerKey, rememberName } from '../api/identity';

/** What a session may do when the back end does not say (the desktop app, an older back end). */
const FULL: SessionInfo['can'] = { capture: true, experiment: true, openPath: true, dashboard: false, share: false, download: true };

export const useClassroomStore = defineStore('classroom', () => {
  const session = shallowRef<SessionInfo | null>(null);
  const shares = shallowRef<Share[]>([]);
  const snapshot = shallowRef<ClassSnapshot | null>(null);
  const name = ref<string | null>(displayName());

  const student = computed(() => session.value?.role === 'student');
  const can = computed<SessionInfo['can']>(() => session.value?.can ?? FULL);
  /** A student is asked for a name once (kept in this browser). */
  const needsName = computed(() => student.value && !name.value);

  /** Tells the back end who is here (after every connect): learner key, and the name if there is one. */
  async function hello(client: HandshakeLabClient = useClient()): Promise<void> {
    try {
      session.value = await client.identify({ learner: learnerKey(), ...(name.value ? { name: name.value } : {}) });
      if (!name.value && session.value.name) name.value = session.value.name;
      shares.value = await client.listShared();
      if (session.value.can.dashboard) snapshot.value = await client.getClass();
    } catch {
      // A back end without classroom methods (tests' fake client): the page works as a single user.
    }
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

  return { session, shares, snapshot, name, student, can, needsName, hello, setName, listen };
});
