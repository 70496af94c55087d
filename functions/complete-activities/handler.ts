// The complete-activities function: the system's upkeep after a write. The target of the system rules on Deal Stage
// Changed (activities tied to the stage the deal left), on a contact's rename (its deals' search text) and on the
// deletion of a contact, company, lead or deal (the records linking to it are unlinked).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { awsCore } from '#shared/aws/core.ts';
import { type CrmEvent, createCompleteActivities } from '#shared/crm/complete-activities.ts';
import { createRefreshDealSearch } from '#shared/crm/deal-search.ts';
import { type Tidied, createUnlinkDeleted } from '#shared/crm/unlink-deleted.ts';
import { detailTypes } from '#shared/events/catalogue.ts';
import { unlinkDeletedRule } from '#shared/events/system-rules.ts';

const { core, powertools } = awsCore('complete-activities');

const completeActivities = createCompleteActivities(core);
const refreshDealSearch = createRefreshDealSearch(core);
const unlinkDeleted = createUnlinkDeleted(core);
const contactUpdated = detailTypes.lifecycle('contact', 'Updated');
const deletions = new Set(unlinkDeletedRule.pattern['detail-type'] as string[]);

async function upkeep(event: CrmEvent): Promise<{ completed: string[] } | { rewritten: number } | Tidied> {
  if (event['detail-type'] === contactUpdated) return refreshDealSearch(event);
  if (deletions.has(event['detail-type'])) return unlinkDeleted(event);
  return completeActivities(event);
}

export const handler = middy(upkeep).use(injectLambdaContext(powertools));
