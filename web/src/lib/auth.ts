// Who the console speaks for. Locally `npm start` prints /console/#token=…: the token
// goes to session storage and leaves the address bar. On AWS people sign in with
// Cognito managed login (authorization code + PKCE) and the API gets their ID token.
import type { CognitoConfig, ConsoleConfig } from './config';

const TOKEN_KEY = 'stagecraft.token';

/** Takes `#token=…` off the address bar into session storage; true when one was there. */
export function captureTokenFromUrl(location: Location = window.location, history: History = window.history): boolean {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) return false;
  sessionStorage.setItem(TOKEN_KEY, token);
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  return true;
}

export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function signOutLocally(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export interface Auth {
  /** The bearer token for the API, or undefined when nobody is signed in. */
  token(): Promise<string | undefined>;
  signIn(): Promise<void>;
  signOut(): Promise<void>;
  /** Completes a managed-login redirect; resolves to where the person was going. */
  completeSignIn?(): Promise<string>;
  kind: 'local' | 'cognito';
}

export function localAuth(): Auth {
  return {
    kind: 'local',
    token: async () => storedToken(),
    signIn: async () => undefined,
    signOut: async () => signOutLocally(),
  };
}

/** oidc-client-ts is loaded only on AWS, so the local first load does not carry it. */
export async function cognitoAuth(config: CognitoConfig): Promise<Auth> {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  const base = `${window.location.origin}${import.meta.env.BASE_URL}`;
  const manager = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${base}callback`,
    post_logout_redirect_uri: base,
    response_type: 'code',
    scope: 'openid email profile',
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    // Cognito's discovery document has no end_session_endpoint: name its logout page.
    metadataSeed: { end_session_endpoint: `${config.domain}/logout` },
  });
  return {
    kind: 'cognito',
    token: async () => {
      const user = await manager.getUser();
      return user && !user.expired ? user.id_token : undefined;
    },
    signIn: () => manager.signinRedirect({ state: window.location.pathname }),
    signOut: () => manager.signoutRedirect({ extraQueryParams: { client_id: config.clientId, logout_uri: base } }),
    completeSignIn: async () => {
      const user = await manager.signinRedirectCallback();
      return typeof user.state === 'string' ? user.state : base;
    },
  };
}

export function authFor(config: ConsoleConfig): Promise<Auth> {
  return config.auth.kind === 'cognito' ? cognitoAuth(config.auth) : Promise.resolve(localAuth());
}
