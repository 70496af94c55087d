// Property tests (STYLE: any input → 2xx or 4xx, never 5xx): every POST and PATCH of the
// CRM API gets random JSON, and records built from its documented field names with
// random values, from a person, a member or an integration.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { activityTypes, leadStages, ownerTypes } from '#shared/domain/entities.ts';
import { type CallOptions, type TestApp, createTestApp } from '#test/support/app.ts';
import {
  activityBody,
  companyBody,
  contactBody,
  dealBody,
  documentBody,
  leadBody,
  must,
  pipelineBody,
  userBody,
} from '#test/support/http-factories.ts';
import { documentedFields, requestSchema } from '#test/support/http-schema.ts';

const RUNS = 40;

let t: TestApp;
let openapi: any;
/** The id each `{…}` of a target path stands for. */
const params: Record<string, string> = {};
let knownIds: string[] = [];

const targets = [
  'POST /contacts',
  'POST /companies',
  'POST /leads',
  'POST /deals',
  'POST /activities',
  'POST /documents',
  'POST /documents/{id}/sign',
  'POST /documents/{id}/view',
  'POST /pipelines',
  'POST /users',
  'POST /exceptions',
  'PATCH /contacts/{id}',
  'PATCH /companies/{id}',
  'PATCH /leads/{id}',
  'PATCH /deals/{id}',
  'PATCH /activities/{id}',
  'PATCH /documents/{id}',
  'PATCH /pipelines/{id}',
  'PATCH /users/{id}',
  'POST /document-templates',
  'PATCH /document-templates/{id}',
  'POST /document-templates/{id}/preview',
  'POST /d/{token}',
  'PATCH /settings',
  'PATCH /settings/calendar',
];
const crmTags = new Set(['contacts', 'companies', 'leads', 'deals', 'activities', 'documents', 'pipelines', 'users', 'exceptions', 'document-templates', 'settings']);

beforeAll(async () => {
  t = await createTestApp();
  openapi = (await t.call('GET', '/openapi.json', undefined, { token: null })).body;
  const contact = await must(t, 'POST', '/contacts', contactBody());
  const company = await must(t, 'POST', '/companies', companyBody());
  const lead = await must(t, 'POST', '/leads', leadBody());
  const deal = await must(t, 'POST', '/deals', dealBody());
  const owner = { entityType: 'deal' as const, entityId: deal.id };
  const activity = await must(t, 'POST', '/activities', activityBody(owner, t.admin.id));
  const document = await must(t, 'POST', '/documents', documentBody(owner));
  const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
  const user = await must(t, 'POST', '/users', userBody());
  const template = await must(t, 'POST', '/document-templates', { name: 'Quote', kind: 'quote', body: '<p>{{ deal.title }}</p>', parties: ['recipient'] });
  const { url } = await t.app.documentLinks.issue(document.id, { channel: 'email', address: 'fuzz@example.com' });
  Object.assign(params, {
    '/document-templates/{id}': template.id,
    '/document-templates/{id}/preview': template.id,
    '/d/{token}': url.split('/d/')[1],
    '/contacts/{id}': contact.id,
    '/companies/{id}': company.id,
    '/leads/{id}': lead.id,
    '/deals/{id}': deal.id,
    '/activities/{id}': activity.id,
    '/documents/{id}': document.id,
    '/documents/{id}/sign': document.id,
    '/documents/{id}/view': document.id,
    '/pipelines/{id}': pipeline.id,
    '/users/{id}': user.id,
  });
  knownIds = [contact.id, company.id, lead.id, deal.id, activity.id, document.id, t.admin.id, t.member.id, 'butler'];
});

const text = fc.string({ maxLength: 30 });
const words = fc.string({ minLength: 1, maxLength: 30 }).filter((value) => value.trim().length > 0);
const anyJson = fc.jsonValue({ maxDepth: 3 });
const knownId = () => fc.oneof(fc.constantFrom(...knownIds), fc.constantFrom('missing', '', 'a b', 'x'.repeat(70)));
const isoDate = fc.date({ noInvalidDate: true, min: new Date('1900-01-01'), max: new Date('2200-01-01') });

/** Values that look like what a field takes, so requests get past the first check. */
function plausible(field: string): fc.Arbitrary<unknown> | undefined {
  switch (field) {
    case 'name':
    case 'title':
    case 'subject':
    case 'source':
    case 'reason':
    case 'icon':
      return fc.oneof({ weight: 4, arbitrary: words }, { weight: 1, arbitrary: text });
    case 'templateId':
      return fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), text);
    case 'emails':
      return fc.array(fc.oneof({ weight: 4, arbitrary: fc.emailAddress() }, { weight: 1, arbitrary: text }), { maxLength: 3 });
    case 'phones':
      return fc.array(
        fc.oneof({ weight: 4, arbitrary: fc.constantFrom('+14155552671', '+44 20 7946 0958', '+49 30 901820') }, { weight: 1, arbitrary: text }),
        { maxLength: 3 },
      );
    case 'email':
      return fc.oneof(fc.emailAddress(), text);
    case 'value':
      return fc.oneof(fc.emailAddress(), fc.constantFrom('+14155550123', '+33 1 23 45 67 89'), text);
    case 'companyId':
    case 'contactId':
    case 'responsibleId':
    case 'entityId':
      return knownId();
    case 'pipelineId':
      return fc.constantFrom('sales', params['/pipelines/{id}'] ?? 'sales', 'nowhere', 'Not A Slug');
    case 'stageId':
    case 'plannedInStageId':
      return fc.constantFrom('new', 'contract', 'won', 'offer', ...leadStages, 'nowhere');
    case 'amount':
      return fc.oneof(fc.double({ min: 0, noNaN: true }), fc.double(), fc.nat({ max: 1_000_000 }));
    case 'currency':
      return fc.constantFrom('EUR', 'USD', 'eur', 'EURO', '');
    case 'closeDate':
      return isoDate.map((date) => date.toISOString().slice(0, 10));
    case 'dueAt':
      return isoDate.map((date) => date.toISOString());
    case 'activityType':
      return fc.constantFrom(...activityTypes, 'lunch');
    case 'entityType':
      return fc.constantFrom(...ownerTypes, 'user', 'pipeline');
    case 'status':
      return fc.constantFrom('open', 'completed', 'someday');
    case 'autoComplete':
      return fc.boolean();
    case 'fields':
      return fc.dictionary(
        fc.string({ minLength: 1, maxLength: 10 }),
        fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 })),
        { maxKeys: 4 },
      );
    case 'stages':
      return fc.array(
        fc.record(
          { id: fc.constantFrom('new', 'offer', 'won', 'a', 'B!'), name: text, kind: fc.constantFrom('open', 'won', 'lost', 'maybe') },
          { requiredKeys: ['id', 'name'] },
        ),
        { maxLength: 4 },
      );
    case 'role':
      return fc.constantFrom('admin', 'member', 'owner');
    case 'party':
      return fc.constantFrom('sender', 'recipient', 'witness');
    case 'id':
      return fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), text);
    default:
      return undefined;
  }
}

const valueFor = (field: string) =>
  fc.oneof(
    { weight: 6, arbitrary: plausible(field) ?? anyJson },
    { weight: 1, arbitrary: anyJson },
    { weight: 1, arbitrary: fc.constant(null) },
  );

/** A valid body per POST target, so random fields laid over it reach past validation. */
const validBodies: Record<string, () => Record<string, unknown>> = {
  '/contacts': () => contactBody(),
  '/companies': () => companyBody(),
  '/leads': () => leadBody(),
  '/deals': () => dealBody(),
  '/activities': () => activityBody({ entityType: 'deal', entityId: params['/deals/{id}'] ?? '' }, t.admin.id),
  '/documents': () => documentBody({ entityType: 'deal', entityId: params['/deals/{id}'] ?? '' }),
  '/documents/{id}/sign': () => ({ party: 'sender' }),
  '/pipelines': () => pipelineBody(),
  '/users': () => userBody(),
  '/exceptions': () => ({ value: 'fuzz@example.com' }),
  '/document-templates': () => ({ name: 'Quote', kind: 'quote', body: '<p>{{ deal.title }}</p>' }),
};

/**
 * Records over the documented field names of a route's body, each field present or
 * not, half of them laid over a valid body.
 */
function recordsFor(method: string, path: string): fc.Arbitrary<Record<string, unknown>> {
  const fields = documentedFields(requestSchema(openapi, method, path));
  const records = fc.record(Object.fromEntries(fields.map((field) => [field, valueFor(field)])), { requiredKeys: [] });
  const base = method === 'POST' ? validBodies[path] : undefined;
  return fc.tuple(fc.boolean(), records).map(([overValid, record]) => (overValid && base ? { ...base(), ...record } : record));
}

const callers = () =>
  fc.constantFrom<() => CallOptions>(
    () => ({ token: t.adminToken }),
    () => ({ token: t.memberToken }),
    () => ({ apiKey: t.integrationKey }),
  );

async function send(target: string, body: unknown, as: CallOptions) {
  const [method = '', path = ''] = target.split(' ');
  const concrete = path.replace(/\{\w+\}/, () => params[path] ?? 'unknown');
  return t.call(method, concrete, body, as);
}

describe('the fuzz targets', () => {
  it('are every POST and PATCH of the CRM routes', () => {
    const routes = t.app.routes
      .filter((route) => crmTags.has(route.tag) && (route.method === 'POST' || route.method === 'PATCH'))
      .map((route) => `${route.method} ${route.path}`);

    expect([...targets].sort()).toEqual(routes.sort());
  });
});

describe.each(targets)('%s', (target) => {
  it('answers random JSON with 2xx or 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, callers(), async (body, caller) => {
        const reply = await send(target, body, caller());
        expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers records of its own fields with 2xx or 4xx, never 5xx', async () => {
    const [method = '', path = ''] = target.split(' ');
    await fc.assert(
      fc.asyncProperty(recordsFor(method, path), callers(), async (body, caller) => {
        const reply = await send(target, body, caller());
        expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('query strings', () => {
  const cursorish = fc.oneof(
    fc.string(),
    fc.dictionary(fc.constantFrom('pk', 'sk', 'gsi1pk', 'gsi1sk', 'x'), fc.string({ maxLength: 20 })).map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
  );

  it.each(['/contacts', '/deals', '/activities', '/pipelines', '/users', '/exceptions'])(
    'GET %s answers any cursor with 2xx or 4xx, never 5xx',
    async (path) => {
      await fc.assert(
        fc.asyncProperty(cursorish, async (cursor) => {
          const reply = await t.call('GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
          expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
        }),
        { numRuns: RUNS },
      );
    },
  );

  it.each(['/contacts', '/deals', '/activities', '/stats/activity'])('GET %s answers any query parameters with 2xx or 4xx, never 5xx', async (path) => {
    const names = fc.constantFrom('limit', 'cursor', 'pipelineId', 'stageId', 'entityType', 'entityId', 'status', 'from', 'to', 'x');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(names, fc.oneof(fc.string(), fc.constantFrom('sales', 'new', 'deal', 'open', '5', '2026-01-01T00:00:00Z'))), async (query) => {
        const reply = await t.call('GET', `${path}?${new URLSearchParams(query).toString()}`);
        expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  });
});
