// /openapi.json for code generators: servers, an operationId and a summary on every operation, and
// Redocly's recommended ruleset (@redocly/openapi-core, offline) finds no problem at all.
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { operationIdOf } from '#shared/http/openapi.ts';
import { type TestApp, createTestApp } from '#test/support/app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

const documentFor = async (headers: Record<string, string>) => (await t.call('GET', '/openapi.json', undefined, { token: null, headers })).body;

const operationsOf = (document: any): Array<{ operationId?: string; summary?: string }> =>
  Object.values(document.paths as Record<string, Record<string, { operationId?: string; summary?: string }>>).flatMap((methods) => Object.values(methods));

describe('the OpenAPI document', () => {
  it('passes Redocly’s recommended ruleset without an error or a warning', async () => {
    // Prepare
    const document = await documentFor({ host: 'abc123.execute-api.eu-west-1.amazonaws.com' });
    const config = await createConfig({ extends: ['recommended'] });

    // Act
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });

    // Assess
    expect(problems.map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer}`)).toEqual([]);
  });

  it('gives every operation a unique operationId and a summary', async () => {
    const operations = operationsOf(await documentFor({ host: '127.0.0.1:3000' }));
    expect(operations.length).toBeGreaterThan(50);

    const ids = operations.map((operation) => operation.operationId);

    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operations.filter((operation) => !operation.summary?.trim())).toEqual([]);
  });

  it('names the server the document was served from: https on AWS, http locally', async () => {
    expect((await documentFor({ host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'x-forwarded-proto': 'https' })).servers).toEqual([
      { url: 'https://abc123.execute-api.eu-west-1.amazonaws.com', description: 'This Stagecraft API' },
    ]);
    expect((await documentFor({ host: '127.0.0.1:3000' })).servers).toEqual([{ url: 'http://127.0.0.1:3000', description: 'This Stagecraft API' }]);
  });

  it('falls back to a relative server when the host is missing or odd', async () => {
    expect((await documentFor({ host: 'evil.example.com/<script>' })).servers).toEqual([{ url: '/', description: 'This Stagecraft API' }]);
  });
});

describe('operationIdOf', () => {
  it.each([
    ['GET', '/deals', 'getDeals'],
    ['GET', '/deals/{id}/history', 'getDealsByIdHistory'],
    ['POST', '/automations/{id}/runs/redrive', 'postAutomationsByIdRunsRedrive'],
    ['GET', '/openapi.json', 'getOpenapiJson'],
    ['GET', '/stats/activity', 'getStatsActivity'],
  ])('%s %s → %s', (method, path, expected) => {
    expect(operationIdOf(method, path)).toBe(expected);
  });
});
