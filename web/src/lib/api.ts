// The configured API client: same origin, the signed-in person's token, JSON both ways,
// and every error reply turned into an ApiError carrying the API's code and message.
export interface ApiErrorDetail {
  path?: string;
  message: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** The record version the change is based on: 412 VERSION_MISMATCH when it is not current. */
  ifMatch?: number;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export type TokenSource = () => Promise<string | undefined>;

export interface ApiClient {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
}

export function createApiClient(tokenSource: TokenSource, options: { baseUrl?: string; fetch?: typeof fetch } = {}): ApiClient {
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const baseUrl = options.baseUrl ?? '';
  return {
    async request<T>(path: string, { method = 'GET', body, query, ifMatch, idempotencyKey, signal }: RequestOptions = {}): Promise<T> {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') search.set(key, String(value));
      const headers: Record<string, string> = { accept: 'application/json' };
      const token = await tokenSource();
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (ifMatch !== undefined) headers['if-match'] = `"${ifMatch}"`;
      if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
      let response: Response;
      try {
        response = await fetchImpl(`${baseUrl}${path}${search.size > 0 ? `?${search}` : ''}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') throw error;
        throw new ApiError(0, 'NETWORK', 'The API cannot be reached. Is Stagecraft running?');
      }
      const text = await response.text();
      const parsed = text ? safeJson(text) : undefined;
      if (!response.ok) {
        const error = (parsed as { error?: { code?: string; message?: string; details?: ApiErrorDetail[] } } | undefined)?.error;
        throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText, error?.details ?? []);
      }
      return parsed as T;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: 'NOT_JSON', message: text.slice(0, 200) } };
  }
}

/** One line for a person: the message, and each bad field when there are some. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.details.filter((detail) => detail.path).map((detail) => `${detail.path}: ${detail.message}`);
    // The API's message names the fields itself ("body: …; title: …"); an older one said only "Invalid body.".
    const named = fields.length > 0 && error.message.includes(fields[0]!);
    return fields.length > 0 && !named ? `${error.message} (${fields.join('; ')})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
