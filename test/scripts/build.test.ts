// scripts/build.ts: what the bundles leave out must not change what the functions do. The phone metadata
// without formats parses as the full one; zod without its JSON Schema code still validates; the api bundle
// serves the OpenAPI document written beside it, equal to the one generated from the sources.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { build } from 'esbuild';
import fc from 'fast-check';
import { type CountryCode, type MetadataJson, getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/core';
import examples from 'libphonenumber-js/examples.mobile.json' with { type: 'json' };
import metadata from 'libphonenumber-js/metadata.min.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openApiDocument } from '#shared/http/openapi.ts';
import { bundleFunction, bundleOptions, bundlePlugins, phoneMetadataForParsing } from '../../scripts/build.ts';
import { apiRoutesForDocument } from '../../scripts/openapi-routes.ts';

const full = metadata as unknown as MetadataJson;
const forParsing = phoneMetadataForParsing(metadata as never) as unknown as MetadataJson;

/** What shared/domain/contact-points.ts keeps of a parse: E.164 when the number is possible. */
function normalised(text: string, country: CountryCode | undefined, withMetadata: MetadataJson) {
  const phone = country ? parsePhoneNumberFromString(text, country, withMetadata) : parsePhoneNumberFromString(text, withMetadata);
  return phone?.isPossible() ? phone.number : undefined;
}

const scratch = mkdtempSync(join(tmpdir(), 'stagecraft-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the phone metadata the functions bundle', () => {
  it('is less than half the size of the min metadata', () => {
    expect(JSON.stringify(forParsing).length).toBeLessThan(JSON.stringify(full).length / 2);
  });

  it("parses every country's example numbers, national and international, as the full metadata does", () => {
    const countries = getCountries(full);
    expect(countries.length).toBeGreaterThan(200);
    for (const country of countries) {
      const example = (examples as Record<string, string>)[country];
      if (!example) continue;
      const international = `+${getCountryCallingCode(country, full)} ${example}`;
      for (const [text, defaultCountry] of [[example, country], [international, undefined], [`0${example}`, country]] as const) {
        expect(normalised(text, defaultCountry, forParsing), `${country} ${text}`).toBe(normalised(text, defaultCountry, full));
      }
    }
  });

  it('parses any digits typed in any country as the full metadata does', () => {
    const countries = getCountries(full);
    fc.assert(
      fc.property(fc.constantFrom(...countries), fc.stringMatching(/^\+?[0-9 ()-]{0,18}$/), (country, text) => {
        expect(normalised(text, country, forParsing)).toBe(normalised(text, country, full));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('zod in the functions', () => {
  let bundled: { valid: unknown; invalid: unknown; jsonSchema: () => unknown };

  beforeAll(async () => {
    const contents = `import { z } from 'zod';
      const Deal = z.object({ title: z.string().min(1), amount: z.number().int().optional() }).strict();
      export const valid = Deal.safeParse({ title: 'Big', amount: 3 });
      export const invalid = Deal.safeParse({ title: '', extra: 1 }).error.issues.map((issue) => issue.path.join('.') + ': ' + issue.message);
      export const jsonSchema = () => z.toJSONSchema(Deal);`;
    await build({ ...bundleOptions, sourcemap: false, entryNames: 'zod-check', plugins: bundlePlugins, stdin: { contents, resolveDir: process.cwd(), loader: 'ts' }, outdir: scratch, logLevel: 'error' });
    bundled = await import(pathToFileURL(join(scratch, 'zod-check.mjs')).href);
  });

  it('validates and names the bad fields in English', () => {
    expect(bundled.valid).toEqual({ success: true, data: { title: 'Big', amount: 3 } });
    expect(bundled.invalid).toEqual([expect.stringMatching(/^title: Too small/), expect.stringMatching(/^: Unrecognized key: "extra"/)]);
  });

  it('says why JSON Schema is not there when asked for it', () => {
    expect(() => bundled.jsonSchema()).toThrow(/not bundled in the Lambda functions/);
  });
});

describe('the api bundle', () => {
  let outdir: string;
  let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number; body: string }>;

  beforeAll(async () => {
    outdir = join(scratch, 'api');
    await bundleFunction('api', outdir);
    for (const [name, value] of Object.entries({
      TABLE_NAME: 'stagecraft-build-test',
      AWS_REGION: 'eu-west-1',
      PARTITION: 'aws',
      ACCOUNT_ID: '000000000000',
      AUTOMATION_NAME_PREFIX: 'stagecraft-build-test-',
      USER_POOL_ID: 'eu-west-1_test',
      USER_POOL_CLIENT_ID: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    })) {
      vi.stubEnv(name, value);
    }
    writeFileSync(join(outdir, 'package.json'), '{"type":"module"}');
    ({ handler } = await import(pathToFileURL(join(outdir, 'index.mjs')).href));
  }, 120_000);

  afterAll(() => vi.unstubAllEnvs());

  it('carries the OpenAPI document generated from the sources', () => {
    const written = JSON.parse(readFileSync(join(outdir, 'openapi.json'), 'utf8'));

    expect(written).toEqual(openApiDocument(apiRoutesForDocument(), { title: 'Stagecraft API', version: '1' }));
  });

  it('serves that document with the caller’s origin as its server', async () => {
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/openapi.json',
      rawQueryString: '',
      headers: { host: 'api.example.com' },
      requestContext: { http: { method: 'GET', path: '/openapi.json', sourceIp: '192.0.2.1' }, requestId: 'build-test' },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const context = { functionName: 'api', awsRequestId: 'build-test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

    const reply = await handler(event, context);

    expect(reply.statusCode).toBe(200);
    const document = JSON.parse(reply.body);
    expect(document.servers).toEqual([{ url: 'https://api.example.com', description: 'This Stagecraft API' }]);
    expect(document.paths).toEqual(openApiDocument(apiRoutesForDocument(), { title: 'Stagecraft API', version: '1' }).paths);
  });
});
