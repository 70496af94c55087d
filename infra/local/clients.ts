// SDK clients of local mode talk to DynamoDB Local many times per run: they skip what
// only costs CPU there.

type Step = 'initialize' | 'serialize' | 'build' | 'finalizeRequest' | 'deserialize';

interface HasMiddleware {
  middlewareStack: {
    identify(): string[];
    remove(name: string): boolean;
    // The SDK's overloads, one per step; a pass-through fits them all.
    add(middleware: unknown, options: unknown): void;
  };
}

/**
 * Steps of the SDK's middleware stack that only cost CPU against DynamoDB Local, each an async layer
 * (with its copies of the request) on every call:
 * - `loggerMiddleware`: with the default no-op logger it still walks every input and output through the
 *   schema to filter sensitive fields, for nothing (a tenth of the SDK's CPU per call);
 * - `getUserAgentMiddleware`: builds the User-Agent and x-amz-user-agent headers (AWS's usage metrics);
 * - `recursionDetectionMiddleware`: copies Lambda's X-Ray trace id into a header, when there is one;
 * - `hostHeaderMiddleware`: sets Host, which Node's HTTP client sets itself (it is signed on AWS; nothing
 *   is signed here, see `withoutSigning`).
 * Together ~40 µs of the ~170 µs an SDK call costs before the network (a Get, measured without HTTP).
 */
const idleAgainstDynamoDbLocal = new Set(['loggerMiddleware', 'getUserAgentMiddleware', 'recursionDetectionMiddleware', 'hostHeaderMiddleware']);

/**
 * Replaces the SDK's per-call steps that do nothing for DynamoDB Local with pass-throughs of the same name and
 * step. The names stay because other libraries place their own steps relative to them (Powertools' idempotency
 * store adds one after `getUserAgentMiddleware`): without the anchor, every later call on the client fails.
 * Only for clients of DynamoDB Local.
 */
export function withoutIdleSteps<T extends HasMiddleware>(client: T): T {
  const stack = client.middlewareStack;
  for (const entry of stack.identify()) {
    const [name, step] = entry.split(' - ') as [string, Step];
    if (!idleAgainstDynamoDbLocal.has(name)) continue;
    stack.remove(name);
    stack.add((next: unknown) => next, { step, name, priority: 'low', override: true });
  }
  return client;
}

interface HasAuthSchemes {
  config: { httpAuthSchemes?: unknown };
}

/**
 * Sends requests with a fixed Authorization header instead of a SigV4 signature. DynamoDB Local
 * reads the access key and region from the header and checks no signature; signing (a SHA-256 of
 * the body and an HMAC chain per request) was 40 % of the SDK's CPU per call against it.
 * Only for clients of DynamoDB Local on loopback; the AWS adapters sign as always.
 */
export function withoutSigning<T extends HasAuthSchemes>(client: T, credentials: { accessKeyId: string }, region: string): T {
  // The SDK reads the schemes on every call, so replacing them after construction takes effect.
  const authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20260101/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`;
  client.config.httpAuthSchemes = [
    {
      schemeId: 'aws.auth#sigv4',
      identityProvider: () => async () => credentials,
      signer: {
        sign: async (request: { headers: Record<string, string> }) => {
          request.headers.authorization = authorization;
          return request;
        },
      },
    },
  ];
  return client;
}
