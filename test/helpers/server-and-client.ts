// A Python server holding one accepted connection and curl waiting on it for an answer that never comes:
// two programs, started here with known pids, whose sockets stay ESTABLISHED (plus the server's LISTEN).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** The real python3 binary (not a shell shim), so the pid we start is python's; '' without python3. */
export const PYTHON = process.platform === 'linux' ? spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim() ?? '' : '';

export interface ServerAndClient { server: ChildProcess; client: ChildProcess; port: number; stop: () => void }

export async function serverAndClient(port: number): Promise<ServerAndClient> {
  const server = spawn(PYTHON, ['-c', [
    'import socket, time',
    's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
    `s.bind(("127.0.0.1", ${port})); s.listen(5); print("ready", flush=True)`,
    'c, _ = s.accept(); print("accepted", flush=True); time.sleep(60)',
  ].join('\n')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let said = '';
  server.stdout!.on('data', (d) => { said += d; });
  for (let i = 0; i < 200 && !said.includes('ready'); i++) await new Promise((r) => setTimeout(r, 25));
  const client = spawn('curl', ['-s', '--max-time', '60', `http://127.0.0.1:${port}/`], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !said.includes('accepted'); i++) await new Promise((r) => setTimeout(r, 25));
  return { server, client, port, stop: () => { client.kill(); server.kill(); } };
}
