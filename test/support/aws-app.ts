// The API as it runs on AWS — the Step Functions adapter, whose client the test mocks (aws-sdk-client-mock) — over
// a table of its own in DynamoDB Local, with an admin and a member, called with API Gateway v2 events.
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createApp } from '#shared/app.ts';
import { sfnWorkflows } from '#shared/aws/workflows.ts';
import type { Clock } from '#shared/ports.ts';
import { createTestTable, silentLogger, ulidIds } from './table.ts';

export const AWS_ACCOUNT = '111122223333';
export const STATE_MACHINE_PREFIX = 'stagecraft-prod-';

export async function awsApp(clock: Clock) {
  const table = await createTestTable();
  const workflows = sfnWorkflows(new SFNClient({ region: 'eu-west-1' }), { region: 'eu-west-1', partition: 'aws', accountId: AWS_ACCOUNT, stateMachinePrefix: STATE_MACHINE_PREFIX });
  const app = createApp({ table, dynamoClient: table.dynamoClient, clock, ids: ulidIds(clock), logger: silentLogger, workflows });
  await app.workspace.ensureButler();
  const system = { actor: { kind: 'butler' as const, id: 'butler' as const }, cause: { automationId: 'none', depth: 0 } };
  const admin = await app.store.records.create('user', { name: 'Ada Admin', role: 'admin', kind: 'human' }, system);
  const member = await app.store.records.create('user', { name: 'Mo Member', role: 'member', kind: 'human' }, system);
  const adminToken = await app.store.credentials.issue({ kind: 'user', userId: admin.id }, 'test admin');
  const memberToken = await app.store.credentials.issue({ kind: 'user', userId: member.id }, 'test member');

  /** One request, as API Gateway hands it to the function (as the admin unless a token is given). */
  async function call(method: string, path: string, body?: unknown, token = adminToken) {
    const [rawPath = path, rawQuery = ''] = path.split('?');
    const result = await app.api({
      version: '2.0',
      routeKey: '$default',
      rawPath,
      rawQueryString: rawQuery,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(rawQuery ? { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQuery)) } : {}),
      requestContext: { requestId: `r-${Math.random()}`, http: { method, path: rawPath } },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2);
    return { status: result.statusCode ?? 200, body: result.body ? JSON.parse(result.body) : undefined };
  }

  return { app, table, adminToken, memberToken, call };
}
