// Every console address in one place, so features link to each other without importing each other.
import type { RecordCollection } from './records';

export const paths = {
  home: '/',
  board: (pipelineId: string) => `/pipelines/${encodeURIComponent(pipelineId)}`,
  list: (collection: RecordCollection) => `/${collection}`,
  record: (collection: RecordCollection, id: string) => `/${collection}/${encodeURIComponent(id)}`,
  settings: (section: 'butler' | 'users' | 'integrations' | 'exceptions' | 'pipelines' | 'templates' | 'webhook-secrets') => `/settings/${section}`,
  stats: '/stats',
  notifications: '/notifications',
  automations: '/automations',
  automation: (id: string) => `/automations/${encodeURIComponent(id)}`,
  runs: '/runs',
  run: (automationId: string, runId: string) => `/automations/${encodeURIComponent(automationId)}/runs/${encodeURIComponent(runId)}`,
} as const;
