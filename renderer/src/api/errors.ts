// Errors as the UI sees them: a code it can translate (the API's ErrorCode plus the transport's own),
// and the back end's English message for details.
import type { ApiErrorInfo, ErrorCode } from '../../../main/api/types';

export type ClientErrorCode = ErrorCode | 'timeout' | 'disconnected' | 'upload_failed';

export class ClientError extends Error {
  constructor(readonly code: ClientErrorCode, message: string) {
    super(message);
    this.name = 'ClientError';
  }
}

const KNOWN: ReadonlySet<string> = new Set<ClientErrorCode>([
  'bad_request', 'not_found', 'capture_unavailable', 'permission_denied', 'no_such_interface', 'bad_filter',
  'file_error', 'busy', 'port_in_use', 'cancelled', 'forbidden', 'internal', 'rate_limited', 'timeout', 'disconnected', 'upload_failed',
]);

/**
 * Normalises anything a transport may throw into { code, message }. Electron's IPC loses the error's class
 * and prefixes the message ("Error invoking remote method …: ApiError: …"), so the code is also looked for there.
 */
export function toClientError(e: unknown): ClientError {
  if (e instanceof ClientError) return e;
  const o = (typeof e === 'object' && e !== null ? e : {}) as Partial<ApiErrorInfo> & { message?: unknown };
  const message = typeof o.message === 'string' ? o.message : String(e);
  if (typeof o.code === 'string' && KNOWN.has(o.code)) return new ClientError(o.code as ClientErrorCode, message);
  const m = /\b([a-z_]+): /.exec(message);
  if (m && KNOWN.has(m[1])) return new ClientError(m[1] as ClientErrorCode, message.slice(m.index + m[0].length));
  return new ClientError('internal', message);
}
