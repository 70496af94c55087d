// /openapi.json: the OpenAPI 3.1 document, generated from the route table and the
// zod schemas that validate the requests, so the two cannot drift apart.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Route } from './router.ts';

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.array(z.unknown()) }),
});

/**
 * Schemas a recursive zod schema defines for itself (an automation's steps hold branches that hold steps). zod puts
 * them under the schema's own `$defs`, referred to as `#/$defs/…`; in an OpenAPI document `#` is the document, so
 * they move to `components.schemas` under a name taken from their content (the same schema, the same name).
 */
const hoistedSchemas = new Map<string, unknown>();

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, $defs, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  if (!$defs || typeof $defs !== 'object') return rest;
  const definitions = Object.entries($defs as Record<string, unknown>);
  const names = new Map(definitions.map(([name, definition]) => [name, `Schema${createHash('sha256').update(`${io}:${JSON.stringify(definition)}`).digest('hex').slice(0, 12)}`]));
  const relink = (node: unknown): unknown => {
    let text = JSON.stringify(node);
    for (const [name, hoisted] of names) text = text.replaceAll(JSON.stringify(`#/$defs/${name}`), JSON.stringify(`#/components/schemas/${hoisted}`));
    return JSON.parse(text);
  };
  for (const [name, definition] of definitions) hoistedSchemas.set(names.get(name) as string, relink(definition));
  return relink(rest) as Record<string, unknown>;
}

function queryParameters(schema: z.ZodType | undefined) {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * A stable, unique operationId from method and path, as code generators name their methods:
 * `GET /deals/{id}/history` → `getDealsByIdHistory`, `POST /automations/{id}/runs/redrive` → `postAutomationsByIdRunsRedrive`.
 */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (parameter) return `By${capitalized(parameter[1] as string)}`;
      return segment
        .split(/[^A-Za-z0-9]+/)
        .filter((part) => part !== '')
        .map(capitalized)
        .join('');
    });
  return `${method.toLowerCase()}${words.join('')}`;
}

const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

/** Where this document was served from, so a generated client calls the same API by default. */
const serversOf = (url: string) => [{ url, description: 'This Stagecraft API' }];

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

export function openApiDocument(routes: Route[], info: { title: string; version: string }, serverUrl = '/') {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const headerParameters = [
      ...(route.method === 'POST' && !route.pages ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }] : []),
      ...(route.method === 'PATCH' || route.method === 'DELETE'
        ? [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The version last read ("3"); another gets 412. `*`: any version.' }]
        : []),
    ];
    const success = route.response
      ? { description: 'Success', content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } }
      : { description: 'Success' };
    paths[route.path] ??= {};
    // A browser page answers every status, errors included, with HTML.
    const responses: Record<string, unknown> = route.pages ? Object.fromEntries(Object.entries(route.pages).map(([status, text]) => [status, htmlPage(text)])) : {
      [String(route.status)]: success,
      ...(route.body || route.query ? { 400: errorResponse('VALIDATION_FAILED: details name each bad field path') } : {}),
      ...(route.open ? {} : { 401: errorResponse('No valid credentials') }),
      ...(route.path.includes('{') ? { 404: errorResponse('NOT_FOUND') } : {}),
      ...(route.method === 'PATCH' || route.method === 'DELETE' ? { 412: errorResponse('VERSION_MISMATCH') } : {}),
      ...(route.body ? { 409: errorResponse('A conflict, e.g. CONTACT_EXCEPTED'), 413: errorResponse('PAYLOAD_TOO_LARGE') } : {}),
    };
    // Every operation names its client errors, so generated clients type them.
    if (!Object.keys(responses).some((status) => status.startsWith('4'))) responses['4XX'] = errorResponse('A client error');
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: operationIdOf(route.method, route.path),
      summary: route.summary,
      tags: [route.tag],
      ...(route.open ? { security: [] } : {}),
      parameters: [...pathParameters, ...queryParameters(route.query), ...headerParameters],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { ...info, license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' } },
    servers: serversOf(serverUrl),
    paths,
    components: {
      schemas: { Error: jsonSchema(ErrorBody, 'output'), ...Object.fromEntries(hoistedSchemas) },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A person: acts as that user.' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An integration: acts as the Butler.' },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
  };
}

/** The API's origin as the caller reached it: API Gateway's host over https, local mode's over http. */
function originOf(headers: Record<string, string>): string {
  const host = headers.host;
  if (!host || !/^[A-Za-z0-9.-]+(:\d+)?$/.test(host)) return '/';
  const proto = headers['x-forwarded-proto'] === 'https' || !/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host) ? 'https' : 'http';
  return `${proto}://${host}`;
}

/**
 * The document the build wrote beside the running bundle (the api function: scripts/build.ts), or undefined where
 * there is none (local mode and tests, whose route tables differ, generate theirs). Generating costs the api
 * function ≈ 0.5 s of its first request, and zod's JSON Schema code, which the functions do not bundle.
 */
async function prebuiltDocument(): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(new URL('./openapi.json', import.meta.url), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** `prepare` loads what the route table's schemas need before a document is generated here (local mode, tests). */
export function openApiRoute(routes: () => Route[], prepare: () => Promise<unknown> = async () => undefined): Route {
  let prebuilt: Promise<Record<string, unknown> | undefined> | undefined;
  // One document per API origin; a deployment has one, so only the last is kept.
  let cached: { server: string; document: unknown } | undefined;
  return {
    method: 'GET',
    path: '/openapi.json',
    tag: 'meta',
    summary: 'This document',
    status: 200,
    open: true,
    handle: async (request) => {
      const server = originOf(request.headers);
      if (cached?.server !== server) {
        const built = await (prebuilt ??= prebuiltDocument());
        if (!built) await prepare();
        cached = { server, document: built ? { ...built, servers: serversOf(server) } : openApiDocument(routes(), { title: 'Stagecraft API', version: '1' }, server) };
      }
      return { status: 200, body: cached.document };
    },
  };
}
