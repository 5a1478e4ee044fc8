// A LiveCapture the test drives by hand: frames, stats and errors arrive when the test says so.
import type { NetworkInterface } from '../../main/api/types';
import type { LiveCapture, LiveCaptureEvents, LiveCaptureOptions, LiveCaptureSession, LiveCaptureStats } from '../../main/capture/live-capture';
import type { RawFrame } from '../../main/engine/types';

export class FakeCapture implements LiveCapture {
  /** The newest running capture's events and options (several may run: a capture and an experiment). */
  events: LiveCaptureEvents | null = null;
  options: LiveCaptureOptions | null = null;
  /** Every start, in order. */
  readonly started: LiveCaptureOptions[] = [];
  /** Captures running now. */
  running = 0;
  /** Makes the next start() fail with this error. */
  failWith: Error | null = null;
  stopped = 0;
  available = true;

  async availability() {
    return this.available ? { available: true } : { available: false, reason: 'no capture in this test' };
  }

  async listInterfaces(): Promise<NetworkInterface[]> {
    return [
      { name: 'lo', description: 'Loopback', addresses: ['127.0.0.1', '::1'], loopback: true },
      { name: 'eth0', description: 'eth0', addresses: ['192.0.2.2'], loopback: false },
    ];
  }

  async start(options: LiveCaptureOptions, events: LiveCaptureEvents): Promise<LiveCaptureSession> {
    if (this.failWith) {
      const e = this.failWith;
      this.failWith = null;
      throw e;
    }
    this.options = options;
    this.events = events;
    this.started.push(options);
    this.running++;
    const stats: LiveCaptureStats = { captured: 0, droppedByKernel: 0, droppedByInterface: 0 };
    let stopped = false;
    return {
      linktype: 1,
      stop: async () => {
        if (stopped) return stats;
        stopped = true;
        this.stopped++;
        this.running--;
        if (this.events === events) this.events = null;
        return stats;
      },
    };
  }

  /** Delivers frames as a capture would (copies, since the store keeps none of them). */
  deliver(frames: RawFrame[]): void {
    if (!this.events) throw new Error('capture not running');
    this.events.frames(frames.map((f) => ({ ...f, data: f.data.slice() })));
  }
}
