// A small API Gateway v2 stand-in: turns node:http requests into the same events
// API Gateway sends the `api` function, and its results back into responses.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ulid } from 'ulid';
import { MAX_BODY_BYTES } from '#shared/http/api.ts';
import { pooledRandom } from '#shared/ids.ts';
import type { Shed } from './status.ts';

export type EventHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** The request's path and query, read as a path: `//contacts` stays a path, not a URL naming the host "contacts". */
function requestUrl(request: IncomingMessage): URL {
  const target = request.url ?? '/';
  return new URL(`http://127.0.0.1${target.startsWith('/') ? target : `/${target}`}`);
}

/** Bodies past API Gateway's own 10 MB are cut off here; the handler answers 413 well below it. */
const MAX_READ_BYTES = 10 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_READ_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function toApiGatewayEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = requestUrl(request);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined;
  const now = new Date();
  const method = (request.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: ulid(undefined, pooledRandom),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.byteLength > 0 ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
  } as APIGatewayProxyEventV2;
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  const body = result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body);
  response.writeHead(result.statusCode ?? 200, headers as Record<string, string>);
  response.end(body);
}

export interface LocalHttpServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  port: number;
  host?: string;
  /** Asked before each request: a write to refuse with 503 while local mode is too far behind. */
  shed?: (method: string, path: string) => Shed | undefined;
  /** Called after a write was answered without error (the stream poller looks at once). */
  afterWrite?: () => void;
}

function overloaded(shed: Shed): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 503,
    headers: { 'content-type': 'application/json', 'retry-after': String(shed.retryAfterSeconds), 'x-request-id': ulid(undefined, pooledRandom) },
    body: JSON.stringify({
      error: {
        code: 'BACKLOGGED',
        message: `Local mode is ${Math.round(shed.lagMs)} ms behind on its change stream (limit ${shed.maxLagMs} ms); retry after ${shed.retryAfterSeconds} s.`,
        details: [],
      },
    }),
  };
}

export async function startHttpServer(handler: EventHandler, options: HttpServerOptions): Promise<LocalHttpServer> {
  const server = createServer(async (request, response) => {
    try {
      const method = (request.method ?? 'GET').toUpperCase();
      const refused = options.shed?.(method, requestUrl(request).pathname);
      if (refused) {
        // Nothing was read or written: the caller retries the same request later.
        send(response, overloaded(refused));
        request.resume();
        return;
      }
      const body = await readBody(request);
      if (body === 'too-large') {
        send(response, {
          statusCode: 413,
          headers: { 'content-type': 'application/json', 'x-request-id': ulid(undefined, pooledRandom) },
          body: JSON.stringify({ error: { code: 'PAYLOAD_TOO_LARGE', message: `Bodies are limited to ${MAX_BODY_BYTES} bytes.`, details: [] } }),
        });
        request.resume();
        return;
      }
      const result = await handler(toApiGatewayEvent(request, body));
      send(response, result);
      if (method !== 'GET' && (result.statusCode ?? 200) < 400) options.afterWrite?.();
    } catch (error) {
      // The handler answers every error itself; reaching here is a bug in this adapter.
      send(response, {
        statusCode: 500,
        headers: { 'content-type': 'application/json', 'x-request-id': ulid(undefined, pooledRandom) },
        body: JSON.stringify({ error: { code: 'INTERNAL', message: String(error), details: [] } }),
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
