// The complete-activities function: the target of the system rules on Deal Stage Changed (activities tied
// to the stage the deal left) and on a contact's rename (its deals' search text).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { awsLogger, awsTable } from '#shared/aws/config.ts';
import { type CrmEvent, createCompleteActivities } from '#shared/crm/complete-activities.ts';
import { createRefreshDealSearch } from '#shared/crm/deal-search.ts';
import { detailTypes } from '#shared/events/catalogue.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import { createStore } from '#shared/store/index.ts';

const { powertools, logger } = awsLogger('complete-activities');
const { table } = awsTable();
const store = createStore(table, systemClock, ulidIds());

const completeActivities = createCompleteActivities({ store, logger });
const refreshDealSearch = createRefreshDealSearch({ store, logger });
const contactUpdated = detailTypes.lifecycle('contact', 'Updated');

async function upkeep(event: CrmEvent): Promise<{ completed: string[] } | { rewritten: number }> {
  return event['detail-type'] === contactUpdated ? refreshDealSearch(event) : completeActivities(event);
}

export const handler = middy(upkeep).use(injectLambdaContext(powertools));
