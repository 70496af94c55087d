// Cognito ID tokens as the people's bearer tokens on AWS: the UserTokenVerifier of
// shared/auth/authenticate.ts. The Stagecraft user a login belongs to is the pool's
// immutable `custom:userId` attribute, set when an admin creates the login.
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwtBaseError } from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { UserTokenVerifier } from '#shared/auth/authenticate.ts';

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
  const verifier = CognitoJwtVerifier.create({ userPoolId: options.userPoolId, clientId: options.clientId, tokenUse: 'id' });
  if (options.jwks) verifier.cacheJwks(options.jwks);

  return {
    async verify(token) {
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
