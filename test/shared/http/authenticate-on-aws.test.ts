// Who may call the API where people sign in with Cognito (AWS): Stagecraft-issued user tokens, local
// mode's stand-in for a sign-in, are refused there; Cognito ID tokens and integration keys still work.
import { beforeAll, describe, expect, it } from 'vitest';
import { type UserTokenVerifier, createAuthenticate } from '#shared/auth/authenticate.ts';
import { Unauthorized } from '#shared/errors.ts';
import { ulidIds } from '#shared/ids.ts';
import { type Store, createStore } from '#shared/store/index.ts';
import { asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock } from '#test/support/table.ts';

let store: Store;
let userId: string;
let userToken: string;
let integrationKey: string;

/** Stands in for Cognito's verifier: the one ID token it knows names the user. */
const cognito = (): UserTokenVerifier => ({ verify: async (token) => (token === 'cognito-id-token' ? userId : undefined) });

beforeAll(async () => {
  store = createStore(await createTestTable(), manualClock(), ulidIds());
  const user = await store.records.create('user', { name: 'Ada', email: 'ada@example.com', role: 'admin', kind: 'human' } as never, asUser('bootstrap'));
  userId = user.id;
  userToken = await store.credentials.issue({ kind: 'user', userId }, 'local sign-in');
  integrationKey = await store.credentials.issue({ kind: 'integration', integrationId: 'web-form' }, 'Web form');
});

describe('with Cognito configured', () => {
  it('refuses a Stagecraft-issued user token, valid as it is', async () => {
    // Prepare
    const authenticate = createAuthenticate({ store, externalTokens: cognito() });

    // Act
    const calling = authenticate({ authorization: `Bearer ${userToken}` });

    // Assess
    await expect(calling).rejects.toBeInstanceOf(Unauthorized);
    await expect(calling).rejects.toThrow(/Sign in with Cognito/);
  });

  it('accepts a Cognito ID token', async () => {
    const authenticate = createAuthenticate({ store, externalTokens: cognito() });

    await expect(authenticate({ authorization: 'Bearer cognito-id-token' })).resolves.toEqual({ kind: 'user', userId, role: 'admin' });
  });

  it('accepts an integration key', async () => {
    const authenticate = createAuthenticate({ store, externalTokens: cognito() });

    await expect(authenticate({ 'x-api-key': integrationKey })).resolves.toEqual({ kind: 'integration', integrationId: 'web-form' });
  });
});

describe('in local mode (no Cognito)', () => {
  it('accepts the Stagecraft-issued user token', async () => {
    const authenticate = createAuthenticate({ store });

    await expect(authenticate({ authorization: `Bearer ${userToken}` })).resolves.toEqual({ kind: 'user', userId, role: 'admin' });
  });
});
