// A recording client for service tests, and the error a request fails with.
import { ApiError, type ApiEvent, type ApiEvents } from '../../main/api/contract';
import type { BackendClient } from '../../main/backend/service';

export class RecordingClient implements BackendClient {
  readonly events: { event: ApiEvent; payload: unknown }[] = [];
  ready = true;
  constructor(readonly id: string) {}
  emit<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void {
    this.events.push({ event, payload });
  }
  canPush(): boolean {
    return this.ready;
  }
  of<E extends ApiEvent>(event: E): ApiEvents[E][] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as ApiEvents[E]);
  }
  clear(): void {
    this.events.length = 0;
  }
}

/** The ApiError a request fails with ({ code: 'ok' } when it succeeds); other errors are thrown. */
export async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, message: e.message };
    throw e;
  }
  return { code: 'ok', message: '' };
}
