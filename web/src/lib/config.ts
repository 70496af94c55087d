// What the console needs to know about where it runs, from /console/config.json:
// locally a bearer token from the sign-in link; on AWS Cognito managed login.
export interface CognitoConfig {
  kind: 'cognito';
  /** The user pool's issuer, e.g. https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc */
  authority: string;
  clientId: string;
  /** The managed login domain, e.g. https://stagecraft-prod.auth.eu-west-1.amazoncognito.com */
  domain: string;
}

export interface ConsoleConfig {
  auth: { kind: 'local' } | CognitoConfig;
  /** Where the API answers; same origin unless set. */
  apiUrl?: string;
}

const localConfig: ConsoleConfig = { auth: { kind: 'local' } };

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<ConsoleConfig> {
  try {
    const response = await fetchImpl(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
    if (!response.ok) return localConfig;
    return (await response.json()) as ConsoleConfig;
  } catch {
    return localConfig;
  }
}
