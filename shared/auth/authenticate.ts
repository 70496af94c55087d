// Turns request credentials into a caller. Bearer tokens are people, `x-api-key`
// values are integrations acting as the Butler; anything else is a 401.
import { BUTLER_ID } from '#shared/domain/actors.ts';
import type { Caller } from '#shared/crm/context.ts';
import { creditedUser } from '#shared/crm/settings.ts';
import { Unauthorized } from '#shared/errors.ts';
import type { Store } from '#shared/store/index.ts';

/** Verifies a person's bearer token (a Cognito JWT on AWS) and names the user it belongs to. */
export interface UserTokenVerifier {
  verify(token: string): Promise<string | undefined>;
}

export interface AuthenticateDeps {
  store: Store;
  /** Tokens that are not Stagecraft-issued (`sc_user_…`), such as Cognito JWTs; when set, `sc_user_` tokens are refused. */
  externalTokens?: UserTokenVerifier;
}

export function createAuthenticate({ store, externalTokens }: AuthenticateDeps) {
  async function userCaller(userId: string): Promise<Caller> {
    // The Butler is nobody's login: a token naming it is refused like a bad token.
    const user = userId === BUTLER_ID ? undefined : await store.records.get('user', userId);
    if (!user || user.kind !== 'human') throw new Unauthorized('The token belongs to no active user.');
    return { kind: 'user', userId, role: user.role === 'admin' ? 'admin' : 'member' };
  }

  return async function authenticate(headers: Record<string, string | undefined>): Promise<Caller> {
    const authorization = headers.authorization;
    const apiKey = headers['x-api-key'];
    if (authorization && apiKey) throw new Unauthorized('Send either a bearer token or an API key, not both.');
    if (apiKey) {
      const credential = await store.credentials.find(apiKey);
      if (credential?.principal.kind !== 'integration') throw new Unauthorized('Unknown API key.');
      const { integrationId } = credential.principal;
      const creditedTo = await creditedUser(store, { integrationId });
      return { kind: 'integration', integrationId, ...(creditedTo ? { creditedTo } : {}) };
    }
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new Unauthorized('Send `Authorization: Bearer <token>` or `x-api-key: <key>`.');
    if (token.startsWith('sc_user_')) {
      // Stagecraft-issued user tokens are local mode's stand-in for a sign-in. Where people sign in with
      // Cognito (on AWS) they bypass its password, MFA and threat protection, so none is accepted.
      if (externalTokens) throw new Unauthorized('Sign in with Cognito: this deployment does not accept Stagecraft-issued user tokens.');
      const credential = await store.credentials.find(token);
      if (credential?.principal.kind !== 'user') throw new Unauthorized('Unknown or revoked token.');
      return userCaller(credential.principal.userId);
    }
    const userId = externalTokens ? await externalTokens.verify(token) : undefined;
    if (!userId) throw new Unauthorized('The token is not valid.');
    return userCaller(userId);
  };
}

export type Authenticate = ReturnType<typeof createAuthenticate>;
