// A record's enrolment in an automation, for re-enrolment policies other than "always": one item per
// automation and record naming the run that holds it. Taken with a conditional write, so two runs racing for
// the same record cannot both enrol; taken again by the same run (a retry, a continuation, a redrive) freely.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, TableRef } from '#shared/ports.ts';
import { enrolmentKey } from './keys.ts';

export type EnrolmentClaim = { enrolled: true } | { enrolled: false; heldBy: string };

export function createEnrolments(table: TableRef, clock: Clock) {
  const { client, tableName } = table;

  /**
   * Takes the record's enrolment for the run when nobody holds it, the run holds it already, or the holder is
   * `replaceable` (a finished run, for "afterFinish"); otherwise answers who holds it.
   */
  async function claim(
    automationId: string,
    subject: { type: string; id: string },
    runId: string,
    replaceable: (holder: string) => Promise<boolean>,
  ): Promise<EnrolmentClaim> {
    const key = enrolmentKey(automationId, subject.type, subject.id);
    const put = (condition: string, values: Record<string, string>) =>
      client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...key, itemKind: 'enrolment', automationId, runId, at: clock.now().toISOString() },
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
    try {
      await put('attribute_not_exists(pk) OR runId = :runId', { ':runId': runId });
      return { enrolled: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const held = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    const holder = String(held.Item?.runId ?? '');
    if (!holder || !(await replaceable(holder))) return { enrolled: false, heldBy: holder };
    try {
      // Only if the holder is still the one judged finished: another run may have taken it meanwhile.
      await put('runId = :holder OR runId = :runId', { ':holder': holder, ':runId': runId });
      return { enrolled: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const now = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      return { enrolled: false, heldBy: String(now.Item?.runId ?? holder) };
    }
  }

  return { claim };
}

export type Enrolments = ReturnType<typeof createEnrolments>;
