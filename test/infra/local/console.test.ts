// The console served locally on the API's origin, as CloudFront serves it on AWS: files under
// /console/, the app for any other /console/ path, browsers at / sent there, the rest to the API.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withConsole } from '#infra/local/console.ts';

let dist: string;
const apiCalls: string[] = [];
const api = async (event: APIGatewayProxyEventV2) => {
  apiCalls.push(event.rawPath);
  return { statusCode: 200, body: '{"from":"api"}' };
};

function request(path: string, options: { method?: string; accept?: string } = {}): APIGatewayProxyEventV2 {
  return {
    rawPath: path,
    headers: options.accept ? { accept: options.accept } : {},
    requestContext: { http: { method: options.method ?? 'GET', path } },
  } as unknown as APIGatewayProxyEventV2;
}

const bodyOf = (result: { body?: string; isBase64Encoded?: boolean }) => (result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString() : result.body);

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'stagecraft-console-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Stagecraft</title>');
  writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
});

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('withConsole', () => {
  const serve = () => withConsole(api, { dist });

  it('serves a built file with its type, the security headers and, for hashed assets, a long cache', async () => {
    const result = await serve()(request('/console/assets/index-abc.js'));

    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toBe('console.log(1)');
    expect(result.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable', 'x-frame-options': 'DENY' });
    expect(String(result.headers?.['content-security-policy'])).toContain("default-src 'self'");
  });

  it('answers a deep link of the app with index.html', async () => {
    const result = await serve()(request('/console/deals/01ABC'));

    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toContain('<title>Stagecraft</title>');
    expect(result.headers?.['cache-control']).toBe('no-cache');
  });

  it('answers a missing asset with 404, not the app', async () => {
    const result = await serve()(request('/console/assets/gone.js'));

    expect(result.statusCode).toBe(404);
  });

  it('never serves a file outside the build', async () => {
    const result = await serve()(request('/console/..%2F..%2Fetc%2Fpasswd'));

    expect(bodyOf(result)).toContain('<title>Stagecraft</title>');
  });

  it('tells the app it runs locally, without Cognito', async () => {
    const result = await serve()(request('/console/config.json'));

    expect(JSON.parse(String(result.body))).toEqual({ auth: { kind: 'local' } });
  });

  it('sends a browser at / and /console to /console/', async () => {
    expect(await serve()(request('/', { accept: 'text/html,application/xhtml+xml' }))).toMatchObject({ statusCode: 302, headers: { location: '/console/' } });
    expect(await serve()(request('/console'))).toMatchObject({ statusCode: 301, headers: { location: '/console/' } });
  });

  it('passes API calls through, including / without text/html and writes under /console', async () => {
    apiCalls.length = 0;

    await serve()(request('/', { accept: 'application/json' }));
    await serve()(request('/deals'));
    await serve()(request('/console/x', { method: 'POST' }));

    expect(apiCalls).toEqual(['/', '/deals', '/console/x']);
  });

  it('says how to build the console when it is not built', async () => {
    const result = await withConsole(api, { dist: join(dist, 'nowhere') })(request('/console/'));

    expect(result.statusCode).toBe(503);
    expect(result.body).toContain('npm run build:console');
  });
});
