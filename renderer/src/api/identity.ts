// Who this page is to the server: the session id (sessionStorage: a reload resumes the session, a new
// tab starts its own), the learner key (localStorage: progress survives a browser restart; the desktop
// app keeps it in its user data folder, where Electron keeps localStorage), and the student's name.
const SESSION = 'handshake-lab.session';
const LEARNER = 'handshake-lab.learner';
const NAME = 'handshake-lab.name';

function storage(kind: 'sessionStorage' | 'localStorage'): Storage | null {
  try {
    return (globalThis as unknown as Record<string, Storage | undefined>)[kind] ?? null;
  } catch {
    return null; // storage disabled: the page still works, without resuming
  }
}

export function sessionId(): string | null {
  return storage('sessionStorage')?.getItem(SESSION) ?? null;
}

export function rememberSession(id: string): void {
  storage('sessionStorage')?.setItem(SESSION, id);
}

/** This browser's learner key (made once, 128 random bits). */
export function learnerKey(): string {
  const s = storage('localStorage');
  const known = s?.getItem(LEARNER);
  if (known && /^[A-Za-z0-9_-]{8,64}$/.test(known)) return known;
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  s?.setItem(LEARNER, key);
  return key;
}

export function displayName(): string | null {
  return storage('localStorage')?.getItem(NAME) ?? null;
}

export function rememberName(name: string): void {
  storage('localStorage')?.setItem(NAME, name);
}
