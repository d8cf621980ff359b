import { newTraceId } from './traceId';

// Empty by default: the panel is served by storybot itself (same origin).
// Set VITE_API_BASE=http://127.0.0.1:8080 to use the Vite dev server via CORS.
export const API_BASE: string = (import.meta.env.VITE_API_BASE ?? '').replace(/\/+$/, '');

/** A failed request, with what an admin needs to find it in the logs. */
export class ApiError extends Error {
  readonly status: number; // 0 when the server could not be reached
  readonly code: string;
  readonly traceId: string;

  constructor(status: number, code: string, message: string, traceId: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.traceId = traceId;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  traceId: string;
}

/** Calls storybot; resolves on 2xx, otherwise rejects with an ApiError. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const sentTraceId = newTraceId();
  const headers: Record<string, string> = { 'X-Trace-Id': sentTraceId, Accept: 'application/json' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(API_BASE + path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new ApiError(0, 'network', detail, sentTraceId);
  }

  // The server echoes our id; prefer what it says in case it replaced it.
  const traceId = response.headers.get('X-Trace-Id') || sentTraceId;
  const data = await readBody(response);

  if (!response.ok) {
    const { code, message } = errorFields(data, response);
    throw new ApiError(response.status, code, message, traceId);
  }
  return { status: response.status, data: data as T, traceId };
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// Body format: {"error": {"code", "message"}, "trace_id"}; anything else is tolerated.
function errorFields(data: unknown, response: Response): { code: string; message: string } {
  if (data && typeof data === 'object' && 'error' in data) {
    const error = (data as { error: unknown }).error;
    if (error && typeof error === 'object') {
      const { code, message } = error as { code?: unknown; message?: unknown };
      return {
        code: typeof code === 'string' ? code : `http_${response.status}`,
        message: typeof message === 'string' ? message : response.statusText,
      };
    }
  }
  return { code: `http_${response.status}`, message: response.statusText || `HTTP ${response.status}` };
}
