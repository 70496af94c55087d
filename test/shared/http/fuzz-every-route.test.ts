// Every route /openapi.json documents, local-only ones included, gets bad requests made from
// its own description — path parameters, query parameters, bodies and headers that are wrong
// in many ways, from every kind of caller — and must answer each with a status below 500.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CallOptions, type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, dealBody, must } from '#test/support/http-factories.ts';
import { documentedFields, requestSchema } from '#test/support/http-schema.ts';
import { localExtraRoutes } from '#test/support/local-routes.ts';

/** Bad requests per run, at least, across all routes. */
const MIN_REQUESTS = 2000;

interface Operation {
  method: string;
  path: string;
  query: string[];
  body: string[];
}

let t: TestApp;
let operations: Operation[] = [];
let knownIds: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ extraRoutes: localExtraRoutes() });
  const contact = await must(t, 'POST', '/contacts', contactBody());
  const deal = await must(t, 'POST', '/deals', dealBody({ contactId: contact.id }));
  const automation = await must(t, 'POST', '/automations', {
    name: 'Fuzzed',
    trigger: { type: 'manual', entity: 'deal' },
    actions: [{ type: 'updateFields', set: { 'fields.fuzz': '{{ deal.title }}' } }],
  });
  await must(t, 'POST', '/exceptions', { value: 'fuzzed@example.com' });
  knownIds = [contact.id, deal.id, automation.id, t.admin.id, t.member.id, 'butler', 'sales', 'fuzzed@example.com'];

  const openapi = (await t.call('GET', '/openapi.json', undefined, { token: null })).body;
  for (const [path, item] of Object.entries(openapi.paths as Record<string, Record<string, any>>)) {
    for (const [method, operation] of Object.entries(item)) {
      const parameters = (operation.parameters ?? []) as Array<{ name: string; in: string }>;
      operations.push({
        method: method.toUpperCase(),
        path,
        query: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
        body: documentedFields(requestSchema(openapi, method, path)),
      });
    }
  }
});

const junkText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '-1', '0', 'NaN', '1e9', 'Infinity', 'null', 'true', '[]', '{}', '..', '%', '%E0%A4%A', '2019-01-01', '2020-13-45T99:99:99Z'),
  fc.nat({ max: 5000 }).map((length) => 'x'.repeat(length)),
);
const pathValue = () => fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...knownIds) }, { weight: 3, arbitrary: junkText });

/** A path segment as a client would send it: usually escaped, sometimes raw (a broken %-escape, a slash). */
const segment = (value: string, raw: boolean) => (raw ? value.replace(/[?#]/g, '') : encodeURIComponent(value));

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const fieldValue = () => fc.oneof(junkText, jsonValue, fc.constant(null), fc.constantFrom(...knownIds));

function bodies(operation: Operation): fc.Arbitrary<{ body?: unknown; rawBody?: string }> {
  const documented =
    operation.body.length > 0
      ? fc.dictionary(fc.constantFrom(...operation.body), fieldValue(), { maxKeys: operation.body.length }).map((body) => ({ body }))
      : fc.constant({ body: {} });
  return fc.oneof(
    { weight: 3, arbitrary: documented },
    { weight: 2, arbitrary: jsonValue.map((body) => ({ body })) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('{', '{"a":', '\u0000', 'null')).map((rawBody) => ({ rawBody })) },
  );
}

function queries(operation: Operation): fc.Arbitrary<Record<string, string>> {
  const names = fc.constantFrom(...operation.query, 'x', 'limit', 'cursor', 'from', 'to');
  return fc.dictionary(names, fc.oneof(junkText, fc.constantFrom(...knownIds)), { maxKeys: 4 });
}

const callers = fc.constantFrom<() => CallOptions>(
  () => ({ token: t.adminToken }),
  () => ({ token: t.adminToken }),
  () => ({ token: t.memberToken }),
  () => ({ apiKey: t.integrationKey }),
  () => ({ token: null }),
  () => ({ token: 'not-a-token' }),
);

const headers = fc.record(
  { 'if-match': fc.oneof(junkText, fc.constantFrom('"1"', '1', 'W/"2"', '"999999999999999"')), 'idempotency-key': fc.oneof(junkText, fc.uuid()) },
  { requiredKeys: [] },
);

function requests(operation: Operation) {
  const names = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  return fc.record({
    params: fc.tuple(...names.map(() => pathValue()), fc.constant('')),
    raw: fc.boolean(),
    query: queries(operation),
    payload: bodies(operation),
    headers,
    caller: callers,
  });
}

describe('every route of /openapi.json', () => {
  it('is fuzzed, local-only routes included', () => {
    const routes = operations.map((operation) => `${operation.method} ${operation.path}`);

    expect(routes.length).toBeGreaterThan(40);
    expect(routes).toEqual(expect.arrayContaining(['GET /local/outbox', 'GET /local/events', 'DELETE /integrations/{id}', 'GET /exceptions/{value}/history']));
  });

  it(`answers ${MIN_REQUESTS}+ bad requests with statuses below 500`, async () => {
    expect(operations.length).toBeGreaterThan(0);
    const runsPerRoute = Math.ceil(MIN_REQUESTS / operations.length);
    const failures: string[] = [];
    let sent = 0;

    for (const operation of operations) {
      try {
        await fc.assert(
          fc.asyncProperty(requests(operation), async ({ params, raw, query, payload, headers: extra, caller }) => {
            let index = 0;
            const path = operation.path.replace(/\{\w+\}/g, () => segment(String(params[index++] ?? ''), raw));
            const search = new URLSearchParams(query).toString();
            sent += 1;
            const reply = await t.call(operation.method, search ? `${path}?${search}` : path, payload.body, {
              ...caller(),
              headers: extra,
              ...(payload.rawBody !== undefined ? { rawBody: payload.rawBody } : {}),
            });
            expect(reply.status, `${operation.method} ${path}?${search} → ${JSON.stringify(reply.body)}`).toBeLessThan(500);
          }),
          { numRuns: runsPerRoute },
        );
      } catch (error) {
        failures.push(`${operation.method} ${operation.path}: ${(error as Error).message.split('\n').slice(0, 12).join('\n')}`);
      }
    }

    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(MIN_REQUESTS);
  }, 600_000);
});
