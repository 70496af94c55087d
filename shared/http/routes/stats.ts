// Activity statistics in the HTTP API: writes per person in a time range, the Butler counted apart.
import { z } from 'zod';
import { StatsQuery, type WorkspaceService } from '#shared/crm/workspace.ts';
import type { Route } from '../router.ts';
import { ok } from './shapes.ts';

export function statsRoutes(workspace: WorkspaceService): Route[] {
  const Figures = z.object({ created: z.number(), updated: z.number(), deleted: z.number(), stageChanges: z.number() });
  return [
    {
      method: 'GET',
      path: '/stats/activity',
      tag: 'stats',
      summary: 'Writes per person in [from, to), with the Butler counted apart',
      query: StatsQuery,
      response: z.object({
        from: z.string(),
        to: z.string(),
        humans: z.array(Figures.extend({ userId: z.string(), name: z.string(), icon: z.string().optional() })),
        butler: Figures.extend({ name: z.string(), icon: z.string() }),
      }),
      status: 200,
      handle: async (request) => ok(await workspace.activityStats(request.query)),
    },
  ];
}
