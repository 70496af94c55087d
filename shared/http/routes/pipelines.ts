// Pipelines and their ordered stages in the HTTP API; admins change them.
import { z } from 'zod';
import type { RecordService } from '#shared/crm/records.ts';
import type { WorkspaceService } from '#shared/crm/workspace.ts';
import { createSchemas, patchSchemas } from '#shared/domain/entities.ts';
import { parseWith } from '#shared/domain/validation.ts';
import type { Route } from '../router.ts';
import { DealFilters, filtersOf } from './records.ts';
import { Limit, ListQuery, ok, pageOf, recordResponse } from './shapes.ts';

const TotalsQuery = z.strictObject(DealFilters);
const BoardQuery = z.strictObject({ limit: Limit, ...DealFilters });

export function pipelineRoutes(records: RecordService, workspace: WorkspaceService): Route[] {
  const Pipeline = recordResponse('pipeline', { id: z.string() });
  return [
    {
      method: 'GET',
      path: '/pipelines',
      tag: 'pipelines',
      summary: 'List pipelines',
      query: ListQuery,
      response: pageOf(Pipeline),
      status: 200,
      handle: async (request) => ok(await records.list('pipeline', parseWith(ListQuery, request.query, 'query'))),
    },
    {
      method: 'POST',
      path: '/pipelines',
      tag: 'pipelines',
      summary: 'Create a pipeline with ordered stages (admins)',
      body: createSchemas.pipeline,
      response: Pipeline,
      status: 201,
      handle: async (request) => ok(await workspace.createPipeline(request.body, request.caller), 201),
    },
    {
      method: 'GET',
      path: '/pipelines/{id}',
      tag: 'pipelines',
      summary: 'Read a pipeline',
      response: Pipeline,
      status: 200,
      handle: async (request) => ok(await records.get('pipeline', request.params.id!)),
    },
    {
      method: 'GET',
      path: '/pipelines/{id}/totals',
      tag: 'pipelines',
      summary:
        'Deals per stage of a pipeline (count, amounts per currency), filtered like GET /deals by responsibleId and q; reads every deal of the pipeline',
      query: TotalsQuery,
      response: z.object({
        pipelineId: z.string(),
        stages: z.record(z.string(), z.object({ count: z.number().int(), amounts: z.record(z.string(), z.number()) })),
      }),
      status: 200,
      handle: async (request) => {
        const query = parseWith(TotalsQuery, request.query, 'query');
        const pipeline = await records.get('pipeline', request.params.id!);
        return ok({ pipelineId: pipeline.id, stages: await records.stageTotals(pipeline.id, filtersOf(query)) });
      },
    },
    {
      method: 'GET',
      path: '/pipelines/{id}/board',
      tag: 'pipelines',
      summary:
        "A pipeline's board in one call: the pipeline, the first page of deals of every stage (filtered like GET /deals by responsibleId and q; further pages from GET /deals?pipelineId&stageId&cursor) and the names of their contacts",
      query: BoardQuery,
      response: z.object({
        pipeline: Pipeline,
        columns: z.record(z.string(), pageOf(recordResponse('deal'))),
        contacts: z.record(z.string(), z.object({ name: z.string() })),
      }),
      status: 200,
      handle: async (request) => {
        const query = parseWith(BoardQuery, request.query, 'query');
        return ok(await records.board(request.params.id!, { ...filtersOf(query), ...(query.limit ? { limit: Number(query.limit) } : {}) }));
      },
    },
    {
      method: 'PATCH',
      path: '/pipelines/{id}',
      tag: 'pipelines',
      summary: 'Rename a pipeline or change its stages (admins); a stage holding deals stays',
      body: patchSchemas.pipeline,
      response: Pipeline,
      status: 200,
      handle: async (request) => ok(await workspace.updatePipeline(request.params.id!, request.body, request.caller, request.expectedVersion)),
    },
  ];
}
