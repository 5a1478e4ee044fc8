// Starts the back-end host as an Electron utility process and keeps it running: if it dies (e.g. the
// native capture addon crashed), pending requests fail with a clear error, the windows are told, and a
// new host takes over (at most 3 restarts a minute, so a host that cannot start does not spin).
import { utilityProcess, type UtilityProcess } from 'electron';
import hostModule from './backend-host?modulePath';
import type { BackendBridge } from './backend-bridge';
import type { FromHost, ToHost } from './backend-protocol';

export interface HostProcessOptions {
  bridge: BackendBridge;
  env: Record<string, string>;
  log(line: string): void;
  /** The host died and was (or was not) restarted: tell the windows. */
  onCrash(message: string): void;
}

export class HostProcess {
  private child: UtilityProcess | null = null;
  private stopping = false;
  private restarts: number[] = [];

  constructor(private readonly opts: HostProcessOptions) {}

  start(): void {
    const child = utilityProcess.fork(hostModule, [], {
      serviceName: 'Handshake Lab back end',
      env: this.opts.env,
      stdio: 'inherit',
    });
    this.child = child;
    this.opts.bridge.bind({
      postMessage: (msg: ToHost) => child.postMessage(msg),
      onMessage: (handler: (msg: FromHost) => void) => { child.on('message', (m: FromHost) => handler(m)); },
    });
    child.on('exit', (code) => {
      if (this.child !== child) return;
      this.child = null;
      const reason = `the back end stopped unexpectedly (exit code ${code})`;
      this.opts.bridge.hostGone(reason);
      if (this.stopping) return;
      this.opts.log(reason);
      const now = Date.now();
      this.restarts = this.restarts.filter((t) => now - t < 60_000);
      if (this.restarts.length >= 3) {
        this.opts.onCrash(`${reason}; it keeps failing, so it was not restarted. Restart Handshake Lab.`);
        return;
      }
      this.restarts.push(now);
      this.start();
      this.opts.onCrash(`${reason} and was restarted; open the capture again.`);
    });
  }

  /** Lets the host stop captures and close files, then ends it. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child) return;
    await this.opts.bridge.dispose();
    child.kill();
  }
}
