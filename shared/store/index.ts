// The single-table repository: everything that reads or writes the table goes through here.
import type { Clock, Ids, TableRef } from '#shared/ports.ts';
import { createCounters } from './counters.ts';
import { createCredentials } from './credentials.ts';
import { createEnrolments } from './enrolments.ts';
import { createDocumentLinks } from './document-links.ts';
import { createExceptions } from './exceptions.ts';
import { createLookups } from './lookups.ts';
import { createNotifications } from './notifications.ts';
import { createProvisioning } from './provisioning.ts';
import { createRecords } from './records.ts';
import { createRunCounts } from './run-counts.ts';
import { createRunLog } from './run-log.ts';
import { createSettings } from './settings.ts';
import { createStepMarkers } from './step-markers.ts';
import { createWebhooks } from './webhooks.ts';

export function createStore(table: TableRef, clock: Clock, ids: Ids) {
  return {
    table,
    records: createRecords(table, clock, ids),
    exceptions: createExceptions(table, clock, ids),
    lookups: createLookups(table),
    credentials: createCredentials(table, clock),
    settings: createSettings(table),
    notifications: createNotifications(table, clock),
    provisioning: createProvisioning(table, clock),
    runLog: createRunLog(table),
    runCounts: createRunCounts(table),
    stepMarkers: createStepMarkers(table, clock),
    counters: createCounters(table, clock),
    enrolments: createEnrolments(table, clock),
    webhooks: createWebhooks(table, clock),
    documentLinks: createDocumentLinks(table, clock),
  };
}

export type Store = ReturnType<typeof createStore>;
