// A stand-in for Cognito in front of the built console, on one origin (127.0.0.1, a free port) as
// CloudFront puts the console and the API: /console/* serves web/dist with a config.json naming
// this provider, /oidc/* is a small OpenID provider (discovery, authorize with PKCE, token, JWKS,
// logout), and every other path records the API calls the console makes and answers empty pages.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { consoleSecurityHeaders } from '#web/security-headers.ts';

export interface ApiCall {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface OidcStandIn {
  url: string;
  clientId: string;
  /** Every ID token the token endpoint issued, in order. */
  issued: string[];
  /** Every request the console made to the API paths. */
  apiCalls: ApiCall[];
  /** Calls of the logout endpoint. */
  logouts: URLSearchParams[];
  close(): Promise<void>;
}

const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };
const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startOidcStandIn(options: { dist: string; clientId?: string; subject?: string }): Promise<OidcStandIn> {
  const clientId = options.clientId ?? 'console-client';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'stand-in-key';
  const codes = new Map<string, { challenge: string; redirectUri: string; nonce: string | null }>();
  const issued: string[] = [];
  const apiCalls: ApiCall[] = [];
  const logouts: URLSearchParams[] = [];
  let url = '';

  const idToken = (nonce: string | null) => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    const claims = { iss: `${url}/oidc`, aud: clientId, sub: options.subject ?? 'person-1', email: 'ada@example.com', token_use: 'id', iat: now, exp: now + 3600, ...(nonce ? { nonce } : {}) };
    const body = base64url(JSON.stringify(claims));
    return `${header}.${body}.${base64url(sign('sha256', Buffer.from(`${header}.${body}`), privateKey))}`;
  };

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
  };

  const readBody = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      request.on('data', (chunk: Buffer) => (data += chunk.toString()));
      request.on('end', () => resolve(data));
    });

  function oidc(request: IncomingMessage, response: ServerResponse, path: string, query: URLSearchParams, body: string): void {
    const issuer = `${url}/oidc`;
    if (path === '/oidc/.well-known/openid-configuration') {
      return json(response, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (path === '/oidc/jwks') return json(response, 200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
    if (path === '/oidc/authorize') {
      // Managed login would show its form; the stand-in signs the person in at once.
      const redirectUri = query.get('redirect_uri') ?? '';
      if (query.get('client_id') !== clientId || query.get('response_type') !== 'code' || query.get('code_challenge_method') !== 'S256' || !query.get('code_challenge')) {
        return json(response, 400, { error: 'invalid_request' });
      }
      const code = randomBytes(16).toString('hex');
      codes.set(code, { challenge: query.get('code_challenge')!, redirectUri, nonce: query.get('nonce') });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      if (query.get('state')) back.searchParams.set('state', query.get('state')!);
      response.writeHead(302, { location: back.toString() });
      return void response.end();
    }
    if (path === '/oidc/token' && request.method === 'POST') {
      const form = new URLSearchParams(body);
      const grant = codes.get(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      if (!grant || form.get('grant_type') !== 'authorization_code' || form.get('redirect_uri') !== grant.redirectUri) return json(response, 400, { error: 'invalid_grant' });
      if (base64url(createHash('sha256').update(verifier).digest()) !== grant.challenge) return json(response, 400, { error: 'invalid_grant', error_description: 'PKCE verifier does not match' });
      codes.delete(form.get('code')!);
      const token = idToken(grant.nonce);
      issued.push(token);
      return json(response, 200, { id_token: token, access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 3600 });
    }
    if (path === '/oidc/logout') {
      logouts.push(query);
      response.writeHead(302, { location: query.get('logout_uri') ?? `${url}/console/` });
      return void response.end();
    }
    json(response, 404, { error: 'not_found' });
  }

  function consoleFile(response: ServerResponse, path: string): void {
    const relative = normalize(decodeURIComponent(path.slice('/console/'.length)));
    if (relative === 'config.json') {
      // The console's config.json on AWS names the user pool (authority), the client and the login domain.
      return json(response, 200, { auth: { kind: 'cognito', authority: `${url}/oidc`, clientId, domain: `${url}/oidc` } });
    }
    const candidate = join(options.dist, relative);
    const file = relative !== '.' && !relative.startsWith('..') && existsSync(candidate) && statSync(candidate).isFile() ? candidate : join(options.dist, 'index.html');
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', ...consoleSecurityHeaders });
    response.end(readFileSync(file));
  }

  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const { pathname, searchParams } = new URL(request.url ?? '/', url);
      if (pathname.startsWith('/oidc/')) return oidc(request, response, pathname, searchParams, body);
      if (pathname === '/console' || pathname.startsWith('/console/')) return consoleFile(response, pathname);
      apiCalls.push({ method: request.method ?? 'GET', path: pathname, authorization: request.headers.authorization });
      json(response, 200, { items: [] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    clientId,
    issued,
    apiCalls,
    logouts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
