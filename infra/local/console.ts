// The console on the API's own origin, as CloudFront serves it on AWS: /console/* from the
// built files with the SPA fallback to index.html, `GET /` from a browser sent to /console/,
// everything else to the API handler unchanged.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { consoleDist } from '#web/build.ts';
import { consoleSecurityHeaders } from '#web/security-headers.ts';
import type { EventHandler } from './http.ts';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Locally nobody signs in through Cognito: the console takes the token of the printed link. */
const localConfig = JSON.stringify({ auth: { kind: 'local' } });

function file(path: string, cache: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 200,
    headers: { 'content-type': contentTypes[extname(path)] ?? 'application/octet-stream', 'cache-control': cache, ...consoleSecurityHeaders },
    body: readFileSync(path).toString('base64'),
    isBase64Encoded: true,
  };
}

export function withConsole(api: EventHandler, options: { dist?: string } = {}): EventHandler {
  const dist = options.dist ?? consoleDist;
  return async (event) => {
    const method = event.requestContext.http.method;
    const path = event.rawPath;
    const isRead = method === 'GET' || method === 'HEAD';
    if (isRead && path === '/' && (event.headers.accept ?? '').includes('text/html')) {
      return { statusCode: 302, headers: { location: '/console/' } };
    }
    if (!isRead || (path !== '/console' && !path.startsWith('/console/'))) return api(event);
    if (path === '/console') return { statusCode: 301, headers: { location: '/console/' } };
    const relative = normalize(decodeURIComponent(path.slice('/console/'.length)));
    if (relative === 'config.json' && !existsSync(join(dist, 'config.json'))) {
      return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: localConfig };
    }
    const index = join(dist, 'index.html');
    if (!existsSync(index)) {
      return {
        statusCode: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'The console is not built: restart `npm start` (it builds it) or run `npm run build:console`.',
      };
    }
    const candidate = join(dist, relative);
    if (relative !== '.' && !relative.startsWith('..') && candidate.startsWith(dist + sep) && existsSync(candidate) && statSync(candidate).isFile()) {
      // Vite names assets by content hash: they never change under the same name.
      return file(candidate, relative.startsWith(`assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    }
    // A deep link (/console/deals/…): the app routes it in the browser.
    if (relative.startsWith(`assets${sep}`)) return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' };
    return file(index, 'no-cache');
  };
}
