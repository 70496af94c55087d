// The Cognito ID-token verifier against a locally made RSA key and JWKS: no network.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { USER_ID_CLAIM, cognitoTokens } from '#shared/aws/cognito-tokens.ts';

const userPoolId = 'eu-west-1_Stagecraft';
const clientId = 'stagecraftclient0001';
const issuer = `https://cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`;
const kid = 'test-key-1';

function rsaKey() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

const poolKey = rsaKey();
const { n, e } = poolKey.publicKey.export({ format: 'jwk' });
const jwks = { keys: [{ kty: 'RSA', n: n!, e: e!, kid, alg: 'RS256', use: 'sig' }] };

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An ID token as Cognito issues it, signed with `key`; `claims` override or remove (undefined) claims. */
function idToken(claims: Record<string, unknown> = {}, key: KeyObject = poolKey.privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = Object.fromEntries(
    Object.entries({
      sub: '5f0c1b7e-0000-4000-8000-000000000001',
      iss: issuer,
      aud: clientId,
      token_use: 'id',
      auth_time: now,
      iat: now,
      exp: now + 3600,
      email: 'ada@example.com',
      [USER_ID_CLAIM]: '01JUSERADA0000000000000000',
      ...claims,
    }).filter(([, value]) => value !== undefined),
  );
  const signingInput = `${base64url({ alg: 'RS256', kid, typ: 'JWT' })}.${base64url(payload)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}

const verifier = cognitoTokens({ userPoolId, clientId, jwks });

describe('an ID token of the pool and the app client', () => {
  it('names the Stagecraft user of its custom:userId', async () => {
    await expect(verifier.verify(idToken())).resolves.toBe('01JUSERADA0000000000000000');
  });
});

describe('tokens that name nobody', () => {
  it('refuses a token without custom:userId', async () => {
    await expect(verifier.verify(idToken({ [USER_ID_CLAIM]: undefined }))).resolves.toBeUndefined();
  });

  it('refuses an access token, which carries no custom attributes', async () => {
    await expect(verifier.verify(idToken({ token_use: 'access', client_id: clientId, aud: undefined }))).resolves.toBeUndefined();
  });

  it('refuses a token issued to another app client', async () => {
    await expect(verifier.verify(idToken({ aud: 'someotherclient' }))).resolves.toBeUndefined();
  });

  it('refuses a token of another user pool', async () => {
    await expect(verifier.verify(idToken({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' }))).resolves.toBeUndefined();
  });

  it('refuses an expired token', async () => {
    const longAgo = Math.floor(Date.now() / 1000) - 7200;
    await expect(verifier.verify(idToken({ iat: longAgo, auth_time: longAgo, exp: longAgo + 3600 }))).resolves.toBeUndefined();
  });

  it('refuses a token signed with another key under the pool key id', async () => {
    await expect(verifier.verify(idToken({}, rsaKey().privateKey))).resolves.toBeUndefined();
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = idToken().split('.');
    const forged = `${header}.${base64url({ iss: issuer, aud: clientId, token_use: 'id', exp: 4102444800, [USER_ID_CLAIM]: 'admin' })}.${signature}`;

    await expect(verifier.verify(forged)).resolves.toBeUndefined();
  });

  it('refuses what is no JWT at all', async () => {
    await expect(verifier.verify('sc_user_not-a-jwt')).resolves.toBeUndefined();
  });
});

describe('a misconfigured pool', () => {
  it('fails when the function starts, although the verifier is loaded by the first token', () => {
    // Prepare
    const misconfigured = { userPoolId: 'not-a-pool', clientId, jwks };
    // Act
    const build = () => cognitoTokens(misconfigured);
    // Assess
    expect(build).toThrow('Invalid Cognito User Pool ID: not-a-pool');
  });
});
