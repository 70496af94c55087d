// Cognito ID tokens as the people's bearer tokens on AWS: the UserTokenVerifier of
// shared/auth/authenticate.ts. The Stagecraft user a login belongs to is the pool's
// immutable `custom:userId` attribute, set when an admin creates the login. aws-jwt-verify is loaded by the first
// token to verify (integrations' keys never need it), not at the api's init.
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { UserTokenVerifier } from '#shared/auth/authenticate.ts';
import { loadedOnFirstUse } from '#shared/lazy-module.ts';

export const USER_ID_CLAIM = 'custom:userId';

export interface CognitoTokensOptions {
  userPoolId: string;
  /** The app client the tokens must have been issued to (the ID token's `aud`). */
  clientId: string;
  /**
   * The pool's signing keys, when known in advance (tests, or to skip the first download);
   * otherwise they are fetched from the pool's JWKS URL on first use and cached.
   */
  jwks?: Jwks;
}

/**
 * Accepts only ID tokens of this pool and client that carry `custom:userId`. Access tokens are
 * refused: they do not carry custom attributes. Building the verifier makes no network call.
 */
export function cognitoTokens(options: CognitoTokensOptions): UserTokenVerifier {
  // aws-jwt-verify's own check of the pool id, made here so a misconfigured function fails at init.
  if (!/^(?:eusc-[a-z]{2}|[a-z]{2})-(gov-)?[a-z]+-\d_[a-zA-Z0-9]+$/.test(options.userPoolId)) throw new Error(`Invalid Cognito User Pool ID: ${options.userPoolId}`);
  const load = loadedOnFirstUse(async () => {
    const [{ CognitoJwtVerifier }, { FetchError, JwtBaseError }] = await Promise.all([import('aws-jwt-verify'), import('aws-jwt-verify/error')]);
    const verifier = CognitoJwtVerifier.create({ userPoolId: options.userPoolId, clientId: options.clientId, tokenUse: 'id' });
    if (options.jwks) verifier.cacheJwks(options.jwks);
    return { verifier, FetchError, JwtBaseError };
  });

  return {
    async verify(token) {
      const { verifier, FetchError, JwtBaseError } = await load();
      try {
        const payload = await verifier.verify(token);
        const userId = payload[USER_ID_CLAIM];
        return typeof userId === 'string' && userId !== '' ? userId : undefined;
      } catch (error) {
        // Not reaching Cognito's keys is our outage, not the caller's bad token: let it be a 5xx.
        if (error instanceof FetchError) throw error;
        if (error instanceof JwtBaseError) return undefined;
        throw error;
      }
    },
  };
}
