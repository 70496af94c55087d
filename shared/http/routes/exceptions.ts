// The exceptions list in the HTTP API (docs/ARCHITECTURE.md §11): e-mails and phones nothing is sent to,
// each addition and removal kept with its actor and reason.
import { z } from 'zod';
import { ExceptionInput, ExceptionRemoval, type WorkspaceService } from '#shared/crm/workspace.ts';
import { parseWith } from '#shared/domain/validation.ts';
import type { Route } from '../router.ts';
import { Actor, ListQuery, ok, pageOf } from './shapes.ts';

export function exceptionRoutes(workspace: WorkspaceService, exceptions: { list: (o: { limit?: number; cursor?: string }) => Promise<unknown> }): Route[] {
  const Exception = z.object({
    value: z.string(),
    kind: z.enum(['email', 'phone']),
    reason: z.string().optional(),
    addedAt: z.string(),
    addedBy: Actor,
  });
  const ExceptionChange = z.object({ at: z.string(), action: z.enum(['added', 'removed']), actor: Actor, reason: z.string().optional() });
  return [
    {
      method: 'GET',
      path: '/exceptions',
      tag: 'exceptions',
      summary: 'List the exceptions list',
      query: ListQuery,
      response: pageOf(Exception),
      status: 200,
      handle: async (request) => ok(await exceptions.list(parseWith(ListQuery, request.query, 'query'))),
    },
    {
      method: 'POST',
      path: '/exceptions',
      tag: 'exceptions',
      summary: 'Put an e-mail or phone on the exceptions list (people and integrations; 200 when it was there already)',
      body: ExceptionInput,
      response: Exception,
      status: 201,
      handle: async (request) => {
        const { entry, created } = await workspace.addException(request.body, request.caller);
        return ok(entry, created ? 201 : 200);
      },
    },
    {
      method: 'DELETE',
      path: '/exceptions/{value}',
      tag: 'exceptions',
      summary: 'Take an e-mail or phone off the exceptions list (admins); the reason goes in ?reason= or the body, and in its history',
      query: ExceptionRemoval,
      body: ExceptionRemoval,
      status: 204,
      handle: async (request) => {
        const query = parseWith(ExceptionRemoval, request.query, 'query');
        const body = request.body === undefined ? {} : parseWith(ExceptionRemoval, request.body);
        await workspace.removeException(request.params.value!, { reason: body.reason ?? query.reason }, request.caller);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/exceptions/{value}/history',
      tag: 'exceptions',
      summary: 'Every addition and removal of an e-mail or phone, newest first, with actor and reason (also after removal)',
      query: ListQuery,
      response: pageOf(ExceptionChange),
      status: 200,
      handle: async (request) => ok(await workspace.exceptionHistory(request.params.value!, parseWith(ListQuery, request.query, 'query'))),
    },
  ];
}
