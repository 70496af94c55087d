// How long an idempotent POST holds its key while it runs: until its invocation's time is up (the Lambda
// context's remaining time; 29 s where there is none), not for the record's 24 h, so a retry after a request
// that died mid-way is served instead of answering 409 IDEMPOTENCY_IN_PROGRESS for a day.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '#shared/http/api.ts';
import type { Route } from '#shared/http/router.ts';
import { idempotencyPersistence } from '#shared/store/idempotency.ts';
import { createTestTable, silentLogger } from '#test/support/table.ts';

let table: Awaited<ReturnType<typeof createTestTable>>;
/** The first call with a key never ends, as a request whose Lambda timed out; later calls answer at once. */
let calls = 0;
const seen = new Set<string>();
const never = new Promise<never>(() => {});

const slowRoute: Route = {
  method: 'POST',
  path: '/slow',
  summary: 'a route whose first call never ends',
  tag: 'test',
  status: 201,
  handle: async (request) => {
    calls += 1;
    const key = String(request.headers['idempotency-key']);
    if (!seen.has(key)) {
      seen.add(key);
      return never;
    }
    return { status: 201, body: { retried: key } };
  },
};

beforeAll(async () => {
  table = await createTestTable();
});

afterAll(() => {
  table.dynamoClient.destroy();
});

function apiWith() {
  return createApi({
    routes: [slowRoute],
    authenticate: (async () => ({ kind: 'user', userId: 'admin', role: 'admin' })) as never,
    idempotencyStore: () => idempotencyPersistence(table.tableName, table.dynamoClient),
    logger: silentLogger,
  });
}

function post(key: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/slow',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: '{}',
    isBase64Encoded: false,
    requestContext: { requestId: `req-${key}`, http: { method: 'POST', path: '/slow', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' } },
  } as unknown as APIGatewayProxyEventV2;
}

const contextWith = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;

describe('an idempotent POST that died mid-way', () => {
  it('frees its key when its invocation’s time is up, so the retry runs and answers', async () => {
    const api = apiWith();
    const key = `died-${Date.now()}`;
    void api(post(key), contextWith(300));
    await waitUntil(() => seen.has(key));
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const retried = await api(post(key), contextWith(10_000));

    expect(retried.statusCode).toBe(201);
    expect(JSON.parse(retried.body as string)).toEqual({ retried: key });
  });

  it('still holds its key while its invocation may be running', async () => {
    const api = apiWith();
    const key = `running-${Date.now()}`;
    const before = calls;
    void api(post(key), contextWith(60_000));
    await waitUntil(() => seen.has(key));

    const retried = await api(post(key), contextWith(10_000));

    expect(retried.statusCode).toBe(409);
    expect(JSON.parse(retried.body as string).error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(calls).toBe(before + 1);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(condition()).toBe(true);
}
