// Routes as data: each names its method, path, schemas and handler, so the same
// table serves requests and generates /openapi.json.
import type { z } from 'zod';
import type { Caller } from '#shared/crm/context.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string>;
  caller: Caller;
  /** The `If-Match` version, when the caller sent one. */
  expectedVersion: number | undefined;
  /** The client's address as API Gateway saw it (rate limits of public pages). */
  sourceIp?: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** Request body schema (documentation; handlers validate with the same schema). */
  body?: z.ZodType;
  query?: z.ZodType;
  /** Response body schema for the success status. */
  response?: z.ZodType;
  status: number;
  /** Reachable without credentials. */
  open?: boolean;
  /** A page for browsers: each status it answers with an HTML page, and what that page says (documented as text/html). */
  pages?: Record<number, string>;
  handle(request: RouteRequest): Promise<Reply>;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

export function createRouter(routes: Route[]) {
  const compiled: CompiledRoute[] = routes.map((route) => {
    const names: string[] = [];
    const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, pattern: new RegExp(`^${source}/?$`), names };
  });

  /** The route for a request, or which methods the path allows when none matches. */
  function match(method: string, path: string): Match | { allowed: string[] } | undefined {
    const allowed: string[] = [];
    for (const { route, pattern, names } of compiled) {
      const found = pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (const [index, name] of names.entries()) {
        const raw = found[index + 1] ?? '';
        try {
          params[name] = decodeURIComponent(raw);
        } catch {
          // A broken %-escape names nothing that could exist.
          return undefined;
        }
      }
      return { route, params };
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }

  return { match, routes };
}
