// A whole CRM app on a fresh table, with an admin, a member and an integration key.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { localWorkflowsPort } from '#infra/local/automations.ts';
import { createLocalWorkflows } from '#infra/local/workflows.ts';
import { type AppDeps, createApp } from '#shared/app.ts';
import { createTableInput } from '#shared/store/table.ts';
import { createTestTable, manualClock, silentLogger, ulidIds } from './table.ts';

export interface CallOptions {
  token?: string | null;
  apiKey?: string;
  headers?: Record<string, string>;
  rawBody?: string;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Record<string, string>;
}

export interface TestAppOptions {
  /** Routes only one runtime has (local mode's `/local/*`), as `createApp` takes them. */
  extraRoutes?: AppDeps['extraRoutes'];
  /** Activate the Butler, as the local demo does; false leaves the workspace as new on AWS. @default true */
  butlerActive?: boolean;
  /** Requests a minute the document page allows per address. @default 1000 */
  pagesPerAddress?: number;
}

export async function createTestApp(options: TestAppOptions = {}) {
  const table = await createTestTable();
  const clock = manualClock();
  const ids = ulidIds(clock);
  const runner = createLocalWorkflows({ table, dynamoClient: table.dynamoClient, clock, logger: silentLogger, functions: {} });
  const app = createApp({
    table,
    dynamoClient: table.dynamoClient,
    clock,
    ids,
    logger: silentLogger,
    workflows: localWorkflowsPort(runner),
    documentLinkLimits: { perAddress: options.pagesPerAddress ?? 1000, perLink: 1000 },
    ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
  });
  await app.workspace.ensureButler();
  if (options.butlerActive ?? true) await app.settings.activateButlerOnce('test-setup');
  const system = { actor: { kind: 'butler' as const, id: 'butler' as const }, cause: { automationId: 'none', depth: 0 } };
  const admin = await app.store.records.create('user', { name: 'Ada Admin', role: 'admin', kind: 'human' }, system);
  const member = await app.store.records.create('user', { name: 'Max Member', role: 'member', kind: 'human' }, system);
  const adminToken = await app.store.credentials.issue({ kind: 'user', userId: admin.id }, 'test admin');
  const memberToken = await app.store.credentials.issue({ kind: 'user', userId: member.id }, 'test member');
  const integrationKey = await app.store.credentials.issue({ kind: 'integration', integrationId: 'web-form' }, 'web form');
  await app.store.records.create(
    'pipeline',
    {
      name: 'Sales',
      stages: [
        { id: 'new', name: 'New', kind: 'open' },
        { id: 'contract', name: 'Contract', kind: 'open' },
        { id: 'won', name: 'Won', kind: 'won' },
        { id: 'lost', name: 'Lost', kind: 'lost' },
      ],
    },
    system,
    { id: 'sales' },
  );
  let requestCount = 0;

  /** Calls the API handler with an API Gateway v2 event, as API Gateway and local mode do. */
  async function call<T = any>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<CallResult<T>> {
    const [rawPath = path, rawQuery = ''] = path.split('?');
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? adminToken : options.token;
    if (options.apiKey) headers['x-api-key'] = options.apiKey;
    else if (token) headers.authorization = `Bearer ${token}`;
    const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    requestCount += 1;
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath,
      rawQueryString: rawQuery,
      headers,
      queryStringParameters: rawQuery ? Object.fromEntries(new URLSearchParams(rawQuery)) : undefined,
      requestContext: { requestId: `test-${requestCount}`, http: { method, path: rawPath } },
      body: payload,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const result = await app.api(event);
    // Pages (the document link's) are HTML; everything else is JSON.
    const isPage = String(result.headers?.['content-type'] ?? '').startsWith('text/');
    return {
      status: result.statusCode ?? 200,
      body: result.body ? (isPage ? result.body : JSON.parse(result.body)) : undefined,
      headers: (result.headers ?? {}) as Record<string, string>,
    };
  }

  return { app, table, clock, admin, member, adminToken, memberToken, integrationKey, call };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
export { createTableInput };
