// /openapi.json (docs/ARCHITECTURE.md §8): the OpenAPI 3.1 document, open without credentials,
// describing every route of the router with the schemas that validate requests.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, dealBody, documentBody, must, pipelineBody, userBody } from '#test/support/http-factories.ts';
import { documentedFields, requestSchema, schemaViolations, successSchema } from '#test/support/http-schema.ts';

let t: TestApp;
let document: any;

beforeAll(async () => {
  t = await createTestApp();
  document = (await t.call('GET', '/openapi.json', undefined, { token: null })).body;
});

const operationsOf = (doc: any): string[] =>
  Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );

const recordCollections = ['contacts', 'companies', 'leads', 'deals', 'activities', 'documents'];

/** The CRM routes docs/ARCHITECTURE.md §8 names (automations live elsewhere). */
const contractRoutes = [
  ...recordCollections.flatMap((c) => [
    `POST /${c}`,
    `GET /${c}`,
    `GET /${c}/{id}`,
    `PATCH /${c}/{id}`,
    `DELETE /${c}/{id}`,
    `GET /${c}/{id}/history`,
  ]),
  'POST /documents/{id}/sign',
  'POST /documents/{id}/view',
  'GET /pipelines',
  'POST /pipelines',
  'GET /pipelines/{id}',
  'PATCH /pipelines/{id}',
  'GET /users',
  'POST /users',
  'GET /users/{id}',
  'PATCH /users/{id}',
  'DELETE /users/{id}',
  'GET /exceptions',
  'POST /exceptions',
  'DELETE /exceptions/{value}',
  'GET /stats/activity',
  'GET /openapi.json',
];

describe('GET /openapi.json', () => {
  it('is served without credentials', async () => {
    const result = await t.call('GET', '/openapi.json', undefined, { token: null });

    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('application/json');
  });

  it('is an OpenAPI 3.1 document', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it('marks itself as needing no credentials', () => {
    expect(document.paths['/openapi.json'].get.security).toEqual([]);
  });

  it('documents both kinds of credentials', () => {
    expect(document.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
    });
    expect(document.security).toEqual(expect.arrayContaining([{ bearer: [] }, { apiKey: [] }]));
  });
});

describe('the operations', () => {
  it('are exactly the routes of the router', () => {
    const routes = t.app.routes.map((route) => `${route.method} ${route.path}`);

    expect(operationsOf(document).sort()).toEqual([...routes].sort());
  });

  it('include every CRM route of docs/ARCHITECTURE.md §8', () => {
    expect(operationsOf(document)).toEqual(expect.arrayContaining(contractRoutes));
  });

  it('declare each path parameter', () => {
    const undeclared = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, operation]) =>
        [...path.matchAll(/\{(\w+)\}/g)]
          .map((match) => match[1])
          .filter((name) => !operation.parameters.some((p: { name: string; in: string }) => p.in === 'path' && p.name === name))
          .map((name) => `${method} ${path}: ${name}`),
      ),
    );

    expect(undeclared).toEqual([]);
  });

  it('document the error body in components', () => {
    expect(document.components.schemas.Error).toMatchObject({
      properties: { error: { properties: { code: expect.any(Object), message: expect.any(Object), details: expect.any(Object) } } },
    });
  });
});

describe('the tracked link’s page /d/{token}', () => {
  const html = { 'text/html': { schema: { type: 'string' } } };

  it.each(['get', 'post'])('%s answers HTML, with no credentials, including its plain 404 page', (method) => {
    const operation = document.paths['/d/{token}'][method];

    expect(operation.security).toEqual([]);
    expect(operation.responses['200'].content).toEqual(html);
    expect(operation.responses['404'].content).toEqual(html);
    expect(operation.responses['429'].content).toEqual(html);
    expect(Object.keys(operation.responses)).not.toContain('401');
  });

  it('documents the signing post’s refusal as a page and takes no JSON body nor Idempotency-Key', () => {
    const operation = document.paths['/d/{token}'].post;

    expect(operation.responses['409'].content).toEqual(html);
    expect(operation.requestBody).toBeUndefined();
    expect(operation.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(['token']);
  });
});

describe('request schemas', () => {
  it('are present for every POST and PATCH that takes a body', () => {
    const missing = t.app.routes
      .filter((route) => route.body)
      .filter((route) => !requestSchema(document, route.method, route.path))
      .map((route) => `${route.method} ${route.path}`);

    expect(missing).toEqual([]);
  });

  it.each([
    ['/contacts', ['name', 'emails', 'phones', 'companyId', 'responsibleId', 'fields'], ['name']],
    ['/companies', ['name', 'emails', 'phones', 'responsibleId', 'fields'], ['name']],
    ['/leads', ['title', 'name', 'emails', 'phones', 'source', 'stageId', 'responsibleId', 'fields'], ['title']],
    [
      '/deals',
      ['title', 'pipelineId', 'stageId', 'amount', 'currency', 'contactId', 'companyId', 'responsibleId', 'closeDate', 'fields'],
      ['pipelineId', 'stageId', 'title'],
    ],
    [
      '/activities',
      ['subject', 'activityType', 'dueAt', 'responsibleId', 'entityType', 'entityId', 'status', 'autoComplete', 'plannedInStageId', 'fields'],
      ['activityType', 'dueAt', 'entityId', 'entityType', 'responsibleId', 'subject'],
    ],
    // A document made from a template takes its title from it.
    ['/documents', ['title', 'templateId', 'entityType', 'entityId', 'fields'], ['entityId', 'entityType']],
    ['/pipelines', ['id', 'name', 'stages'], ['name', 'stages']],
    ['/users', ['name', 'email', 'icon', 'role', 'active'], ['name']],
    ['/exceptions', ['value', 'reason'], ['value']],
  ])('POST %s documents the fields of docs/ARCHITECTURE.md §3 and which are required', (path, fields, required) => {
    const schema = requestSchema(document, 'POST', path);

    expect(documentedFields(schema).sort()).toEqual([...fields].sort());
    expect([...((schema?.required as string[]) ?? [])].sort()).toEqual(required);
  });

  it('POST /documents/{id}/sign documents the two parties', () => {
    const schema = requestSchema(document, 'POST', '/documents/{id}/sign') as any;

    expect(schema.properties.party.enum).toEqual(['sender', 'recipient']);
  });

  it("POST /automations documents a mail's optional html beside its body", () => {
    // The sendEmail branch of the action union, wherever the generator put it.
    const found: any[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const schema = node as any;
        if (schema.properties?.type?.const === 'sendEmail' || schema.properties?.type?.enum?.[0] === 'sendEmail') found.push(schema);
        Object.values(schema).forEach(walk);
      }
    };
    walk(requestSchema(document, 'POST', '/automations'));
    walk(document.components);

    expect(found.length).toBeGreaterThan(0);
    for (const mail of found) {
      expect(mail.properties.html).toMatchObject({ type: 'string', maxLength: 20_000 });
      expect(mail.required).toContain('body');
      expect(mail.required).not.toContain('html');
    }
  });

  it('refuse unknown fields, as the API does', () => {
    expect(requestSchema(document, 'POST', '/contacts')?.additionalProperties).toBe(false);
  });

  it('PATCH allows null for an optional field, which the API takes as "clear it"', () => {
    const schema = requestSchema(document, 'PATCH', '/contacts/{id}') as any;

    expect(schemaViolations(schema, { responsibleId: null })).toEqual([]);
  });
});

describe('query parameters', () => {
  const queryNames = (method: string, path: string): string[] =>
    document.paths[path][method].parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name);

  it.each(recordCollections)('GET /%s documents limit and cursor', (collection) => {
    expect(queryNames('get', `/${collection}`)).toEqual(expect.arrayContaining(['limit', 'cursor']));
  });

  it('GET /deals documents pipelineId and stageId', () => {
    expect(queryNames('get', '/deals')).toEqual(expect.arrayContaining(['pipelineId', 'stageId']));
  });

  it('GET /activities documents entityType, entityId and status', () => {
    expect(queryNames('get', '/activities')).toEqual(expect.arrayContaining(['entityType', 'entityId', 'status']));
  });

  it('GET /stats/activity documents from and to as required', () => {
    const parameters = document.paths['/stats/activity'].get.parameters.filter((p: { in: string }) => p.in === 'query');

    expect(parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'from', required: true }), expect.objectContaining({ name: 'to', required: true })]),
    );
  });
});

describe('headers', () => {
  const headerNames = (method: string, path: string): string[] =>
    document.paths[path][method].parameters.filter((p: { in: string }) => p.in === 'header').map((p: { name: string }) => p.name);

  it('every PATCH and DELETE documents If-Match', () => {
    const missing = t.app.routes
      .filter((route) => route.method === 'PATCH' || route.method === 'DELETE')
      .filter((route) => !headerNames(route.method.toLowerCase(), route.path).includes('If-Match'))
      .map((route) => `${route.method} ${route.path}`);

    expect(missing).toEqual([]);
  });

  it('every POST but a browser page’s form documents Idempotency-Key', () => {
    const missing = t.app.routes
      .filter((route) => route.method === 'POST' && !route.pages)
      .filter((route) => !headerNames('post', route.path).includes('Idempotency-Key'))
      .map((route) => `${route.method} ${route.path}`);

    expect(missing).toEqual([]);
  });
});

describe('replies match the documented success schema', () => {
  interface Sample {
    name: string;
    method: string;
    path: string;
    call: () => Promise<{ status: number; body: unknown }>;
  }

  const contact = () => must(t, 'POST', '/contacts', contactBody());
  const aDocument = async () => must(t, 'POST', '/documents', documentBody({ entityType: 'contact', entityId: (await contact()).id }));

  const samples: Sample[] = [
    { name: 'a created contact', method: 'POST', path: '/contacts', call: () => t.call('POST', '/contacts', contactBody({ fields: { tier: 'gold' } })) },
    { name: 'a created deal', method: 'POST', path: '/deals', call: () => t.call('POST', '/deals', dealBody({ closeDate: '2026-06-30' })) },
    {
      name: 'an activity planned on a deal',
      method: 'POST',
      path: '/activities',
      call: async () => {
        const deal = await must(t, 'POST', '/deals', dealBody());
        return t.call('POST', '/activities', {
          subject: 'Call',
          activityType: 'call',
          dueAt: '2026-02-01T10:00:00Z',
          responsibleId: t.admin.id,
          entityType: 'deal',
          entityId: deal.id,
        });
      },
    },
    {
      name: 'a page of contacts',
      method: 'GET',
      path: '/contacts',
      call: async () => {
        await contact();
        return t.call('GET', '/contacts?limit=2');
      },
    },
    { name: 'a contact', method: 'GET', path: '/contacts/{id}', call: async () => t.call('GET', `/contacts/${(await contact()).id}`) },
    {
      name: 'a changed contact',
      method: 'PATCH',
      path: '/contacts/{id}',
      call: async () => t.call('PATCH', `/contacts/${(await contact()).id}`, { name: 'Changed' }),
    },
    {
      name: 'a history',
      method: 'GET',
      path: '/contacts/{id}/history',
      call: async () => t.call('GET', `/contacts/${(await contact()).id}/history`),
    },
    {
      name: 'a document signed by the sender',
      method: 'POST',
      path: '/documents/{id}/sign',
      call: async () => t.call('POST', `/documents/${(await aDocument()).id}/sign`, { party: 'sender' }),
    },
    {
      name: 'a viewed document',
      method: 'POST',
      path: '/documents/{id}/view',
      call: async () => t.call('POST', `/documents/${(await aDocument()).id}/view`),
    },
    {
      name: 'a signed document read back',
      method: 'GET',
      path: '/documents/{id}',
      call: async () => {
        const signed = await aDocument();
        await must(t, 'POST', `/documents/${signed.id}/sign`, { party: 'recipient' }, { expected: 200 });
        return t.call('GET', `/documents/${signed.id}`);
      },
    },
    { name: 'a created pipeline', method: 'POST', path: '/pipelines', call: () => t.call('POST', '/pipelines', pipelineBody()) },
    { name: 'the pipelines', method: 'GET', path: '/pipelines', call: () => t.call('GET', '/pipelines') },
    { name: 'the users', method: 'GET', path: '/users', call: () => t.call('GET', '/users') },
    { name: 'a created user', method: 'POST', path: '/users', call: () => t.call('POST', '/users', userBody()) },
    { name: 'the Butler', method: 'GET', path: '/users/{id}', call: () => t.call('GET', '/users/butler') },
    { name: 'an exception', method: 'POST', path: '/exceptions', call: () => t.call('POST', '/exceptions', { value: 'doc@example.com', reason: 'asked' }) },
    {
      name: 'the activity figures',
      method: 'GET',
      path: '/stats/activity',
      call: () => t.call('GET', '/stats/activity?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z'),
    },
  ];

  it.each(samples)('$name ($method $path)', async ({ method, path, call }) => {
    const reply = await call();

    expect(reply.status).toBeLessThan(300);
    expect(schemaViolations(successSchema(document, method, path), reply.body)).toEqual([]);
  });
});
