// SDK clients of local mode talk to DynamoDB Local many times per run: they skip what
// only costs CPU there.

interface HasMiddleware {
  middlewareStack: { remove(name: string): boolean };
}

/**
 * Removes the SDK's per-call logging step. With the default no-op logger it still walks
 * every input and output through the schema to filter sensitive fields, for nothing:
 * a tenth of the SDK's CPU per call against DynamoDB Local.
 */
export function withoutCallLogging<T extends HasMiddleware>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}
