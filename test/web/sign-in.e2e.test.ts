// Signing in on AWS, in a real headless Chromium: the built console with a config.json naming a
// Cognito-like provider (test/support/oidc-stand-in.ts) signs the person in with the authorization
// code flow and PKCE, calls the API with the ID token as Bearer, and signs out through the
// provider's logout. Screenshots under test-artifacts/console/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OidcStandIn, startOidcStandIn } from '#test/support/oidc-stand-in.ts';
import { consoleDist, ensureConsoleBuilt } from '#web/build.ts';
import { type ChromiumSession, openChromium, screenshot } from './browser.ts';

let provider: OidcStandIn;
let chromium: ChromiumSession;
let page: Page;

beforeAll(async () => {
  await ensureConsoleBuilt(() => {});
  provider = await startOidcStandIn({ dist: consoleDist });
  chromium = await openChromium();
  page = chromium.page;
}, 180_000);

afterAll(async () => {
  await chromium?.close();
  await provider?.close();
});

describe('managed login (authorization code + PKCE)', () => {
  it('signs in, calls the API with the ID token, and signs out', async () => {
    await page.goto(`${provider.url}/console/notifications`);
    const signIn = page.getByRole('button', { name: 'Sign in' });
    await signIn.waitFor({ timeout: 60_000 });
    await screenshot(page, 'sign-in-1-signed-out');

    await signIn.click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'sign-in-2-signed-in');

    expect(provider.issued).toHaveLength(1);
    expect(new URL(page.url()).pathname).toBe('/console/notifications');
    const calls = provider.apiCalls.filter((call) => !call.path.startsWith('/console'));
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((call) => call.authorization))).toEqual(new Set([`Bearer ${provider.issued[0]}`]));

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'sign-in-3-signed-out-again');

    expect(provider.logouts.map((query) => query.get('client_id'))).toEqual([provider.clientId]);
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as { sessionStorage: Record<string, string> }).sessionStorage).filter((key) => key.startsWith('oidc.user')))).toEqual([]);
  }, 180_000);
});
