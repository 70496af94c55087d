// Idempotency records spread over the table (one partition each), without losing the replay guarantee.
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { companyBody, unique } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

async function idempotencyItems(): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await t.table.client.send(
      new ScanCommand({ TableName: t.table.tableName, FilterExpression: 'begins_with(pk, :prefix)', ExpressionAttributeValues: { ':prefix': 'idempotency#' }, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

describe('Idempotency-Key records', () => {
  it('each have a partition of their own, by caller and key, none the shared one', async () => {
    // Prepare
    const key = `key-${unique()}`;

    // Act
    await t.call('POST', '/companies', companyBody(), { headers: { 'idempotency-key': key } });
    await t.call('POST', '/companies', companyBody(), { apiKey: t.integrationKey, headers: { 'idempotency-key': key } });
    await t.call('POST', '/companies', companyBody(), { headers: { 'idempotency-key': `${key}-2` } });

    // Assess
    const items = await idempotencyItems();
    expect(items).toHaveLength(3);
    expect(new Set(items.map((item) => item.pk)).size).toBe(3);
    for (const item of items) expect(item).toMatchObject({ pk: expect.stringMatching(/^idempotency#api#[\w+/=]+$/), sk: 'idempotency', status: 'COMPLETED' });
    const shared = await t.table.client.send(
      new QueryCommand({ TableName: t.table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'idempotency#api' } }),
    );
    expect(shared.Items).toEqual([]);
  });

  it('still answer a retry with the first response', async () => {
    // Prepare
    const key = `key-${unique()}`;
    const body = companyBody();
    const first = await t.call('POST', '/companies', body, { headers: { 'idempotency-key': key } });

    // Act
    const retry = await t.call('POST', '/companies', body, { headers: { 'idempotency-key': key } });

    // Assess
    expect([first.status, retry.status, retry.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    expect(retry.body).toEqual(first.body);
  });
});
