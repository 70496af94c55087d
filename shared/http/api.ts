// The HTTP API as one function of API Gateway v2 events: authenticate, route,
// validate, run the use case, shape the reply. Local mode calls the same function.
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Authenticate } from '#shared/auth/authenticate.ts';
import type { Caller } from '#shared/crm/context.ts';
import { PayloadTooLarge, ValidationFailed } from '#shared/errors.ts';
import { loadedOnFirstUse } from '#shared/lazy-module.ts';
import type { Logger } from '#shared/ports.ts';
import { type ErrorReply, errorReply, internalErrorReply, replyForError } from './errors.ts';
import { type Reply, type Route, type RouteRequest, createRouter } from './router.ts';

/** API Gateway accepts up to 10 MB; a CRM record never needs more than this, and DynamoDB items stop at 400 KB. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Ids are at most 64 characters and exception values 320: a longer path segment names nothing (and is no DynamoDB key). */
const MAX_PARAM_BYTES = 400;

export interface ApiDeps {
  routes: Route[];
  authenticate: Authenticate;
  /** Where Idempotency-Key records live; made (and Powertools idempotency loaded) by the first POST that sends a key. */
  idempotencyStore: () => BasePersistenceLayer | Promise<BasePersistenceLayer>;
  logger: Logger;
}

interface IdempotentPayload {
  principal: string;
  key: string;
  method: string;
  path: string;
  body: string;
}

function principalOf(caller: Caller): string {
  switch (caller.kind) {
    case 'user':
      return `user:${caller.userId}`;
    case 'integration':
      return `integration:${caller.integrationId}`;
    case 'automation':
      return `automation:${caller.automationId}`;
    case 'documentLink':
      return `documentLink:${caller.linkId}`;
  }
}

function parseBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > MAX_BODY_BYTES) {
    throw new PayloadTooLarge(`The body has ${raw.byteLength} bytes; at most ${MAX_BODY_BYTES} are accepted.`);
  }
  // Bytes that are not UTF-8 would be stored as U+FFFD, silently altered: refused instead. A leading byte-order
  // mark (some Windows tools write one) is no part of the JSON.
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw ValidationFailed.field('(body)', 'not valid UTF-8');
  }
  // The body is read as JSON whatever Content-Type says: curl -d sends form encoding by default.
  try {
    return JSON.parse(text);
  } catch {
    throw ValidationFailed.field('(body)', 'not valid JSON');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const isEmptyObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

/** `If-Match: "3"`, `3` or `W/"3"`: the version the caller last read. `*` (any version: RFC 9110 §13.1.1) asks for none. */
function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value.trim());
  if (!match) throw ValidationFailed.field('(headers).if-match', 'a record version, as in its ETag ("3")');
  return Number(match[1]);
}

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) result[name.toLowerCase()] = value;
  return result;
}

function toResult(reply: Reply | ErrorReply, requestId: string): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { 'x-request-id': requestId, ...('headers' in reply ? reply.headers : {}) };
  if (reply.body === undefined) return { statusCode: reply.status, headers };
  // Pages (the document link's) come as text with their own content type.
  if (typeof reply.body === 'string' && headers['content-type']?.startsWith('text/')) return { statusCode: reply.status, headers, body: reply.body };
  return {
    statusCode: reply.status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(reply.body),
  };
}

/**
 * The time a request may take where no Lambda context says it (local mode, tests): API Gateway's 29 s
 * integration timeout. An idempotency record left "in progress" by a request that died expires after it.
 */
const REQUEST_BUDGET = { getRemainingTimeInMillis: () => 29_000 } as Context;

export function createApi({ routes, authenticate, idempotencyStore, logger }: ApiDeps) {
  const router = createRouter(routes);
  // A retried POST with the same Idempotency-Key gets the first 2xx reply and writes
  // nothing again. Failures are not remembered (the record is released), so a caller
  // may correct a 4xx and retry with the same key. Powertools idempotency (≈ 38 KB with its JMESPath) is loaded by
  // the first POST that sends a key, not at init.
  const loadIdempotency = loadedOnFirstUse(async () => {
    const [{ IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent }, persistenceStore] = await Promise.all([
      import('@aws-lambda-powertools/idempotency'),
      idempotencyStore(),
    ]);
    const config = new IdempotencyConfig({
      eventKeyJmesPath: '[principal, key]',
      payloadValidationJmesPath: '[method, path, body]',
      expiresAfterSeconds: 24 * 3600,
      throwOnNoIdempotencyKey: true,
      responseHook: (response) => {
        const reply = response as unknown as Reply;
        return { ...reply, headers: { ...reply.headers, 'idempotent-replayed': 'true' } } as never;
      },
    });
    const run = makeIdempotent(async (_payload: IdempotentPayload, route: Route, request: RouteRequest) => route.handle(request), {
      persistenceStore,
      dataIndexArgument: 0,
      keyPrefix: 'api',
      config,
    });
    return { config, run, IdempotencyAlreadyInProgressError, IdempotencyValidationError };
  });

  async function dispatch(event: APIGatewayProxyEventV2, context: Context): Promise<Reply> {
    const asked = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    // OPTIONS says what a path allows; HEAD is a GET without its body (handleApiRequest drops it).
    if (asked === 'OPTIONS') {
      const found = router.match(asked, path);
      if (!found) return errorReply('NOT_FOUND', `No route OPTIONS ${path}.`);
      const allowed = 'allowed' in found ? found.allowed : [asked];
      return { status: 204, headers: { allow: [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ') } };
    }
    const method = asked === 'HEAD' ? 'GET' : asked;
    const found = router.match(method, path);
    if (!found) return errorReply('NOT_FOUND', `No route ${asked} ${path}.`);
    if ('allowed' in found) {
      const reply = errorReply('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${found.allowed.join(', ')}.`);
      return { ...reply, headers: { allow: found.allowed.join(', ') } };
    }
    const oversized = Object.values(found.params).find((value) => Buffer.byteLength(value) > MAX_PARAM_BYTES);
    if (oversized !== undefined) return errorReply('NOT_FOUND', `Nothing here has an id of ${Buffer.byteLength(oversized)} bytes.`);
    const headers = lowerCaseHeaders(event.headers);
    const caller = found.route.open ? ({ kind: 'integration', integrationId: 'anonymous' } as const) : await authenticate(headers);
    // A GET carries no meaning in a body: it is not read. A request whose route takes none refuses one (an
    // ignored field would look applied); `{}` is what many clients send for "nothing".
    const body = method === 'GET' ? undefined : parseBody(event);
    if (!found.route.body && !found.route.open && body !== undefined && !isEmptyObject(body)) {
      throw ValidationFailed.field('(body)', `${method} ${path} takes no body`);
    }
    const request: RouteRequest = {
      params: found.params,
      query: { ...(event.queryStringParameters as Record<string, string> | undefined) },
      body,
      headers,
      caller,
      expectedVersion: parseIfMatch(headers['if-match']),
      ...(event.requestContext.http.sourceIp ? { sourceIp: event.requestContext.http.sourceIp } : {}),
    };
    const key = headers['idempotency-key'];
    if (method !== 'POST' || key === undefined) return found.route.handle(request);
    if (key.length < 1 || key.length > 255) throw ValidationFailed.field('(headers).idempotency-key', '1 to 255 characters');
    const payload: IdempotentPayload = { principal: principalOf(caller), key, method, path, body: JSON.stringify(body ?? null) };
    const { config, run, IdempotencyAlreadyInProgressError, IdempotencyValidationError } = await loadIdempotency();
    // The in-progress record of an idempotent POST expires when this invocation's time is up (not 24 h later),
    // so a retry after a request that died mid-way is served. One request at a time per Lambda container.
    config.registerLambdaContext(context);
    try {
      return await run(payload, found.route, request);
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        return errorReply('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request; use a new key.');
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        return { ...errorReply('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still running; retry shortly.'), headers: { 'retry-after': '1' } };
      }
      throw error;
    }
  }

  return async function handleApiRequest(event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyStructuredResultV2> {
    const requestId = event.requestContext.requestId;
    const result = await (async () => {
      try {
        return toResult(await dispatch(event, context ?? REQUEST_BUDGET), requestId);
      } catch (error) {
        const known = replyForError(error);
        if (known) return toResult(known, requestId);
        logger.error('request failed', { requestId, error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
        return toResult(internalErrorReply(requestId), requestId);
      }
    })();
    if (event.requestContext.http.method.toUpperCase() !== 'HEAD' || result.body === undefined) return result;
    const { body: _body, ...withoutBody } = result;
    return withoutBody;
  };
}

export type ApiHandler = ReturnType<typeof createApi>;
