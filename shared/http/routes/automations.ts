// The automation part of the HTTP API (docs/ARCHITECTURE.md §8): definitions, stop/activate, the run
// log with each run's steps, manual runs, dry runs and redrives.
import { z } from 'zod';
import { AutomationDefinitionSchema, loadedDefinitionSchemas } from '#shared/automation/definition-schemas.ts';
import type { AutomationService } from '#shared/engine/automations.ts';
import { AllRunsQuery, RedriveWindow, RunCountsQuery, RunTarget, RunsQuery, type RunsService } from '#shared/engine/runs.ts';
import { parseWith } from '#shared/domain/validation.ts';
import { runStatuses } from '#shared/store/runs.ts';
import type { Route } from '../router.ts';
import { ListQuery, ShownActor, ok, recordMeta } from './shapes.ts';

const meta = {
  ...recordMeta,
  provisioning: z.enum(['pending', 'ready', 'error']),
  provisioningError: z.string().optional(),
};
// Built when the document is written (the definition schemas are loaded first), not at init.
const Automation = z.lazy(() => z.looseObject({ ...(loadedDefinitionSchemas().AutomationDefinition as unknown as z.ZodObject).shape, ...meta }));

// Reply schemas only document (/openapi.json is written at build time): built when first read, not at init.
const runObject = () =>
  z.looseObject({
    automationId: z.string(),
    runId: z.string(),
    executionId: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    status: z.enum(runStatuses),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    dueAt: z.string().optional(),
    actionsCompleted: z.number(),
    actionsTotal: z.number(),
    reason: z.string().optional(),
    error: z.string().optional(),
    errorCause: z.string().optional(),
    failedStep: z.string().optional(),
    automationVersion: z.number().optional(),
    summary: z.string().describe('The run in one line: what its actions did, or why it stopped'),
    redrives: z
      .array(
        z.object({
          at: z.string(),
          fromStep: z.string().describe('The step the redrive ran again from'),
          automationVersion: z.number().optional(),
          failedStep: z.string().optional().describe('The step the run had failed at, before this redrive'),
          error: z.string().optional().describe('The error the run had failed with'),
          cause: z.string().optional().describe('Why it had failed, in a line'),
        }),
      )
      .optional()
      .describe('Each redrive, oldest first, with the failure it followed'),
  });
const Run = z.lazy(runObject);
const RecordRef = z.lazy(() =>
  z.object({
    type: z.string(),
    id: z.string(),
    version: z.number(),
    change: z.enum(['created', 'updated', 'deleted']),
    href: z.string(),
    fields: z.array(z.string()).optional(),
    values: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('What the step wrote, field → value, for the fields it set (each text cut to 1,000 characters, 4,000 in all)'),
    truncated: z.literal(true).optional().describe('Some value was cut'),
  }),
);
/** Text a step sent, kept in its outcome up to 4,000 characters. */
const keptText = (what: string) => z.string().describe(`${what}: its first 4,000 characters`);
const truncated = z.literal(true).optional().describe('The text was longer and is cut');
const WebhookRequest = z.lazy(() =>
  z
    .object({
      method: z.string(),
      url: z.string().describe('Scheme, host and path: user info and query values are left out'),
      query: z.array(z.string()).optional().describe('The names of the query parameters sent'),
      headers: z.array(z.string()).optional().describe("The names of the step's headers (their values are left out)"),
      signed: z.boolean().describe('Signed with a webhook secret (the signature is left out)'),
      body: keptText('The request body sent'),
      truncated,
    })
    .describe('The request the step sent, without what may carry credentials'),
);
const Outcome = z.lazy(() =>
  z.looseObject({
    done: z.string().describe('What the step did, in a line'),
    result: z.enum(['changed', 'noop', 'suppressed']).optional().describe('Actions: changed something, nothing to change (reason), or a mail suppressed (reason)'),
    reason: z.string().optional(),
    records: z.array(RecordRef).optional(),
    mails: z
      .array(
        z.object({
          to: z.string(),
          subject: z.string(),
          status: z.enum(['sent', 'suppressed']),
          reason: z.string().optional(),
          messageId: z.string().optional(),
          body: keptText('The text body as rendered').optional(),
          truncated,
          html: keptText('The HTML part as rendered, values escaped, when the mail had one').optional(),
          htmlTruncated: z.literal(true).optional().describe('The HTML part was longer and is cut'),
        }),
      )
      .optional(),
    texts: z
      .array(
        z.object({
          to: z.string(),
          status: z.enum(['sent', 'suppressed']),
          reason: z.string().optional(),
          messageId: z.string().optional(),
          body: keptText('The text message as sent, its link shown as [link <id>]').optional(),
          truncated,
        }),
      )
      .optional()
      .describe('Text messages (SMS) the step sent or held back'),
    notifications: z
      .array(z.object({ userId: z.string(), id: z.string(), mailed: z.boolean(), message: keptText('The message as rendered').optional(), truncated }))
      .optional(),
    webhook: z
      .object({ status: z.number(), response: z.string().describe("The start of the target's answer"), request: WebhookRequest.optional() })
      .optional(),
    branch: z.enum(['then', 'else']).optional().describe('An if/else step: the arm it took; `reason` says why'),
  }),
);
const Step = z.lazy(() =>
  z.object({
    name: z.string(),
    status: z.enum(['RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CAUGHT', 'CANCELLED']),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    error: z.string().optional(),
    cause: z.string().optional(),
    dueAt: z.string().optional(),
    attempts: z.number().optional(),
    outcome: Outcome.optional(),
    actor: ShownActor.optional().describe('Who an action step acted as (the Butler, or the author while the Butler is off), named as now'),
  }),
);
const HistoryQuery = ListQuery;
const HistoryEntry = z.lazy(() => z.object({ at: z.string(), actor: z.looseObject({}), action: z.string(), changes: z.unknown() }));

export function automationRoutes(automations: AutomationService, runs: RunsService): Route[] {
  const tag = 'automations';
  return [
    {
      method: 'POST',
      path: '/automations',
      tag,
      summary: 'Create an automation (admins); it is compiled and deployed, `provisioning` says when it is ready',
      body: AutomationDefinitionSchema,
      response: Automation,
      status: 201,
      handle: async (request) => ok(await automations.create(request.body, request.caller), 201),
    },
    {
      method: 'GET',
      path: '/automations',
      tag,
      summary: 'List automations, newest first',
      query: ListQuery,
      response: z.object({ items: z.array(Automation), cursor: z.string().optional() }),
      status: 200,
      handle: async (request) => ok(await automations.list(parseWith(ListQuery, request.query, 'query'))),
    },
    {
      method: 'GET',
      path: '/automations/{id}',
      tag,
      summary: 'Read an automation with its provisioning state (pending | ready | error)',
      response: Automation,
      status: 200,
      handle: async (request) => ok(await automations.get(request.params.id!)),
    },
    {
      method: 'PATCH',
      path: '/automations/{id}',
      tag,
      summary: 'Change an automation (admins): a new state machine version; runs under way stay on theirs',
      body: z.looseObject({}),
      response: Automation,
      status: 200,
      handle: async (request) => ok(await automations.update(request.params.id!, request.body, request.caller, request.expectedVersion)),
    },
    {
      method: 'DELETE',
      path: '/automations/{id}',
      tag,
      summary: 'Delete an automation (admins): its rule and state machine go, waiting runs are cancelled',
      status: 204,
      handle: async (request) => {
        await automations.remove(request.params.id!, request.caller, request.expectedVersion);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: '/automations/{id}/stop',
      tag,
      summary: 'Stop an automation (admins): no new runs; waiting runs are cancelled unless finishPending',
      response: Automation,
      status: 200,
      handle: async (request) => ok(await automations.setStatus(request.params.id!, 'stopped', request.caller, request.expectedVersion)),
    },
    {
      method: 'POST',
      path: '/automations/{id}/activate',
      tag,
      summary: 'Activate a stopped automation (admins)',
      response: Automation,
      status: 200,
      handle: async (request) => ok(await automations.setStatus(request.params.id!, 'active', request.caller, request.expectedVersion)),
    },
    {
      method: 'GET',
      path: '/automations/{id}/history',
      tag,
      summary: 'History of an automation, newest first (also after it was deleted)',
      query: HistoryQuery,
      response: z.object({ items: z.array(HistoryEntry), cursor: z.string().optional() }),
      status: 200,
      handle: async (request) => ok(await runs.history(request.params.id!, parseWith(HistoryQuery, request.query, 'query'))),
    },
    {
      method: 'GET',
      path: '/runs',
      tag: 'runs',
      summary: 'Runs of every automation, newest first: by automationId, by record (entityType + entityId), status, date range (from, to)',
      query: AllRunsQuery,
      response: z.object({ items: z.array(Run), cursor: z.string().optional() }),
      status: 200,
      handle: async (request) => ok(await runs.listAll(request.query)),
    },
    {
      method: 'GET',
      path: '/automations/{id}/runs',
      tag,
      summary: 'Runs of an automation, newest first, by date range (from, to), status and record',
      query: RunsQuery,
      response: z.object({ items: z.array(Run), cursor: z.string().optional() }),
      status: 200,
      handle: async (request) => ok(await runs.list(request.params.id!, request.query)),
    },
    {
      method: 'POST',
      path: '/automations/{id}/runs',
      tag,
      summary: 'Start a run for one record now (admins); 202 with the run',
      body: RunTarget,
      response: Run,
      status: 202,
      handle: async (request) => ok(await runs.startManual(request.params.id!, request.body, request.caller), 202),
    },
    {
      method: 'POST',
      path: '/automations/{id}/runs/redrive',
      tag,
      summary: 'Run the FAILED runs of a window again from their failed step (admins)',
      body: RedriveWindow,
      response: z.object({ redriven: z.array(z.string()) }),
      status: 200,
      handle: async (request) => ok(await runs.redrive(request.params.id!, request.body, request.caller)),
    },
    {
      method: 'GET',
      path: '/automations/{id}/runs/counts',
      tag,
      summary: 'How many runs started in a window (from, to), per status: the counts above the run log',
      query: RunCountsQuery,
      response: z.object({ from: z.string().optional(), to: z.string().optional(), counts: z.record(z.string(), z.number()) }),
      status: 200,
      handle: async (request) => ok(await runs.counts(request.params.id!, request.query)),
    },
    {
      method: 'GET',
      path: '/automations/{id}/runs/{runId}',
      tag,
      summary: 'One run: its record, its steps with what each did, and on AWS the Step Functions console URL (while the execution is kept)',
      response: z.lazy(() => runObject().extend({ steps: z.array(Step), consoleUrl: z.string().optional() })),
      status: 200,
      handle: async (request) => ok(await runs.get(request.params.id!, request.params.runId!)),
    },
    {
      method: 'POST',
      path: '/automations/{id}/runs/{runId}/cancel',
      tag,
      summary:
        'Cancel one WAITING or RUNNING run (admins): its execution is stopped and the run CANCELLED "cancelled by <user>"; a cancelled run is answered as it is, an ended one is 409 RUN_ENDED',
      response: z.lazy(() => runObject().extend({ steps: z.array(Step), consoleUrl: z.string().optional() })),
      status: 200,
      handle: async (request) => ok(await runs.cancel(request.params.id!, request.params.runId!, request.caller)),
    },
    {
      method: 'POST',
      path: '/automations/{id}/test',
      tag,
      summary: 'Dry run on one record: does the trigger match, do the conditions hold, every action filled in — no side effect',
      body: RunTarget,
      status: 200,
      handle: async (request) => ok(await runs.dryRun(request.params.id!, request.body, request.caller)),
    },
  ];
}
