// Users in the HTTP API, the Butler among them (it takes only a name and an icon and is never deleted).
import { z } from 'zod';
import type { RecordService } from '#shared/crm/records.ts';
import { ButlerPatch, type WorkspaceService } from '#shared/crm/workspace.ts';
import { BUTLER_ID } from '#shared/domain/actors.ts';
import { createSchemas, patchSchemas } from '#shared/domain/entities.ts';
import { parseWith } from '#shared/domain/validation.ts';
import type { Caller } from '#shared/crm/context.ts';
import { Forbidden } from '#shared/errors.ts';
import type { Route } from '../router.ts';
import { ListQuery, ok, pageOf, recordResponse } from './shapes.ts';

/** Who is calling: a person with their role (what the console offers them), or an integration key. */
const Me = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: z.string(), role: z.enum(['admin', 'member']) }),
  z.object({ kind: z.literal('integration'), integrationId: z.string() }),
]);

function meOf(caller: Caller): z.infer<typeof Me> {
  if (caller.kind === 'user') return { kind: 'user', userId: caller.userId, role: caller.role };
  if (caller.kind === 'integration') return { kind: 'integration', integrationId: caller.integrationId };
  throw new Forbidden('Only a person or an integration calls the API.');
}

export function userRoutes(records: RecordService, workspace: WorkspaceService): Route[] {
  const User = recordResponse('user');
  return [
    {
      method: 'GET',
      path: '/me',
      tag: 'users',
      summary: 'Who the caller is: a user with their role, or an integration',
      response: Me,
      status: 200,
      handle: async (request) => ok(meOf(request.caller)),
    },
    {
      method: 'GET',
      path: '/users',
      tag: 'users',
      summary: 'List users, the Butler among them',
      query: ListQuery,
      response: pageOf(User),
      status: 200,
      handle: async (request) => ok(await records.list('user', parseWith(ListQuery, request.query, 'query'))),
    },
    {
      method: 'POST',
      path: '/users',
      tag: 'users',
      summary: 'Create a user (admins)',
      body: createSchemas.user,
      response: User,
      status: 201,
      handle: async (request) => ok(await workspace.createUser(request.body, request.caller), 201),
    },
    {
      method: 'GET',
      path: '/users/{id}',
      tag: 'users',
      summary: 'Read a user; /users/butler always exists',
      response: User,
      status: 200,
      handle: async (request) => ok(await records.get('user', request.params.id!)),
    },
    {
      method: 'PATCH',
      path: '/users/{id}',
      tag: 'users',
      summary: 'Change a user; the Butler takes only name and icon',
      body: z.union([patchSchemas.user, ButlerPatch]),
      response: User,
      status: 200,
      handle: async (request) =>
        ok(await workspace.updateUser(request.params.id!, request.body, request.caller, request.expectedVersion)),
    },
    {
      method: 'DELETE',
      path: '/users/{id}',
      tag: 'users',
      summary: `Delete a user (admins); the Butler (id "${BUTLER_ID}") cannot be deleted`,
      status: 204,
      handle: async (request) => {
        await workspace.deleteUser(request.params.id!, request.caller, request.expectedVersion);
        return { status: 204 };
      },
    },
  ];
}
