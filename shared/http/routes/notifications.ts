// In-app notifications in the HTTP API: what `notify` automation steps left for the calling person.
import { z } from 'zod';
import { parseWith } from '#shared/domain/validation.ts';
import { Forbidden } from '#shared/errors.ts';
import type { Notifications } from '#shared/store/notifications.ts';
import type { Route } from '../router.ts';
import { ListQuery, ok, pageOf } from './shapes.ts';

export function notificationRoutes(notifications: Notifications): Route[] {
  const Notification = z.object({
    id: z.string(),
    userId: z.string(),
    message: z.string(),
    at: z.string(),
    from: z.object({ automationId: z.string().optional(), runId: z.string().optional() }),
  });
  return [
    {
      method: 'GET',
      path: '/notifications',
      tag: 'notifications',
      summary: 'The calling user’s in-app notifications, newest first (from `notify` automation steps)',
      query: ListQuery,
      response: pageOf(Notification),
      status: 200,
      handle: async (request) => {
        if (request.caller.kind !== 'user') throw new Forbidden('Notifications belong to people; an API key has none.');
        return ok(await notifications.list(request.caller.userId, parseWith(ListQuery, request.query, 'query')));
      },
    },
  ];
}
