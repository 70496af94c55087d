// The complete-activities function: the target of the system rules on Deal Stage Changed (activities tied
// to the stage the deal left) and on a contact's rename (its deals' search text).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { awsCore } from '#shared/aws/core.ts';
import { type CrmEvent, createCompleteActivities } from '#shared/crm/complete-activities.ts';
import { createRefreshDealSearch } from '#shared/crm/deal-search.ts';
import { detailTypes } from '#shared/events/catalogue.ts';

const { core, powertools } = awsCore('complete-activities');

const completeActivities = createCompleteActivities(core);
const refreshDealSearch = createRefreshDealSearch(core);
const contactUpdated = detailTypes.lifecycle('contact', 'Updated');

async function upkeep(event: CrmEvent): Promise<{ completed: string[] } | { rewritten: number }> {
  return event['detail-type'] === contactUpdated ? refreshDealSearch(event) : completeActivities(event);
}

export const handler = middy(upkeep).use(injectLambdaContext(powertools));
