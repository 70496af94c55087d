// Composes the API from the core (shared/runtime/core.ts): the CRM services and the routes over the store,
// called by the api function and by local mode alike.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type UserTokenVerifier, createAuthenticate } from './auth/authenticate.ts';
import { createCalendarService } from './crm/calendar.ts';
import { createDocumentLinkService, type DocumentLinkLimits } from './crm/document-links.ts';
import { createDocumentTemplateService } from './crm/document-templates.ts';
import { createRecordService } from './crm/records.ts';
import { createSettingsService } from './crm/settings.ts';
import { createWebhookSecretService } from './crm/webhook-secrets.ts';
import { createWorkspaceService } from './crm/workspace.ts';
import { createApi } from './http/api.ts';
import { openApiRoute } from './http/openapi.ts';
import { loadDefinitionSchemas } from './automation/definition-schemas.ts';
import type { Route } from './http/router.ts';
import { createAutomationService } from './engine/automations.ts';
import { createRunsService } from './engine/runs.ts';
import { automationRoutes } from './http/routes/automations.ts';
import { calendarRoutes } from './http/routes/calendar.ts';
import { documentTemplateRoutes } from './http/routes/document-templates.ts';
import { documentLinkRoutes, documentRoutes } from './http/routes/documents.ts';
import { exceptionRoutes } from './http/routes/exceptions.ts';
import { integrationRoutes } from './http/routes/integrations.ts';
import { notificationRoutes } from './http/routes/notifications.ts';
import { pipelineRoutes } from './http/routes/pipelines.ts';
import { recordRoutes } from './http/routes/records.ts';
import { settingsRoutes } from './http/routes/settings.ts';
import { statsRoutes } from './http/routes/stats.ts';
import { userRoutes } from './http/routes/users.ts';
import { webhookRoutes } from './http/routes/webhook-secrets.ts';
import type { Clock, Ids, Logger, TableRef, Workflows } from './ports.ts';
import type { Store } from './store/index.ts';
import { type Core, createCore } from './runtime/core.ts';

export interface AppDeps {
  /** The process's core, when it has one already (local mode): its store is the API's. @default - made from the ports below */
  core?: Core;
  table: TableRef;
  /** The low-level client behind `table.client`, for Powertools idempotency. */
  dynamoClient: DynamoDBClient;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  externalTokens?: UserTokenVerifier;
  /** Step Functions on AWS, the local runner in local mode: manual runs, run steps, redrives. */
  workflows: Workflows;
  /** Routes only one runtime has (local mode's clock and events), given the store. */
  extraRoutes?: (parts: { store: Store }) => Route[];
  /** Rate limits of the public document page; defaults suit production. */
  documentLinkLimits?: Partial<DocumentLinkLimits>;
}

export function createApp(deps: AppDeps) {
  const { store } = deps.core ?? createCore(deps);
  const records = createRecordService(store, deps.clock);
  const workspace = createWorkspaceService(store, deps.ids);
  const automations = createAutomationService(store);
  const runs = createRunsService({ store, workflows: deps.workflows, clock: deps.clock, ids: deps.ids });
  const settings = createSettingsService(store, deps.clock);
  const documentTemplates = createDocumentTemplateService(store, deps.clock);
  // The API only opens links; automations issue them (run-action knows the public URL).
  const documentLinks = createDocumentLinkService({
    store,
    records,
    clock: deps.clock,
    linkBase: () => '',
    ...(deps.documentLinkLimits ? { limits: deps.documentLinkLimits } : {}),
  });
  const calendar = createCalendarService(store);
  const routes: Route[] = [
    ...recordRoutes(records),
    ...documentRoutes(records),
    ...pipelineRoutes(records, workspace),
    ...userRoutes(records, workspace),
    ...exceptionRoutes(workspace, store.exceptions),
    ...statsRoutes(workspace),
    ...notificationRoutes(store.notifications),
    ...integrationRoutes(workspace),
    ...automationRoutes(automations, runs),
    ...documentTemplateRoutes(documentTemplates),
    ...documentLinkRoutes(documentLinks),
    ...settingsRoutes(settings),
    ...calendarRoutes(calendar),
    ...webhookRoutes(createWebhookSecretService(store, deps.clock, deps.ids)),
    ...(deps.extraRoutes?.({ store }) ?? []),
  ];
  routes.push(openApiRoute(() => routes, loadDefinitionSchemas));
  const idempotencyStore = async () => (await import('./store/idempotency.ts')).idempotencyPersistence(deps.table.tableName, deps.dynamoClient);
  const authenticate = createAuthenticate({ store, ...(deps.externalTokens ? { externalTokens: deps.externalTokens } : {}) });
  const api = createApi({ routes, authenticate, idempotencyStore, logger: deps.logger });
  return { store, records, workspace, automations, runs, calendar, settings, documentTemplates, documentLinks, routes, authenticate, api };
}

export type App = ReturnType<typeof createApp>;
