// The CRM bus and everything around it: the stream publisher that is its only producer
// (docs/ARCHITECTURE.md §1: every change leaves the table once, through the stream), its archive for
// replays, and the system rules whose targets are functions of the stack.
import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CRM_SOURCE } from '#shared/events/catalogue.ts';
import type { EventPattern } from '#shared/events/pattern.ts';
import { publisherStreamFilters } from '#shared/events/stream-filter.ts';
import { DEFAULT_RULE_TIMEOUT_SECONDS, type SystemRule, completeActivitiesRule, refreshDealSearchRule, unlinkDeletedRule } from '#shared/events/system-rules.ts';
import type { Data } from './data.ts';
import { DeadLetterQueue } from './dead-letters.ts';
import { StagecraftFunction } from './functions.ts';
import { ENV } from '#shared/aws/env.ts';

export interface EventsProps {
  /** Names the bus `stagecraft-<stage>`, so two stages can share an account and region. */
  readonly stage: string;
  readonly data: Data;
  readonly logRetention: logs.RetentionDays;
  /**
   * How long the archive keeps CRM events for a replay (say, after a rule was broken for a day:
   * the Enroll step dedupes on the event id, so a replayed event never runs an automation twice).
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
  /**
   * How the stream feeds the publisher; each field has its own default, see StreamPublishing.
   * @default - the defaults of StreamPublishing
   */
  readonly streamPublishing?: StreamPublishing;
}

/** The event source mapping of the table's stream to publish-changes. */
export interface StreamPublishing {
  /**
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * A failing batch is retried this many times (each bisected), then parked; the shard moves on.
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this are parked rather than published. The failure queue holds only
   * where the batch was (shard, sequence numbers), not the records: those must be re-read from
   * the stream, which keeps them 24 hours, so 6 hours leaves 18 to replay.
   * @default Duration.hours(6)
   */
  readonly maxRecordAge?: Duration;
}

/** Delivery of a system rule to its function. */
export interface SystemRuleDelivery {
  /**
   * EventBridge's retries of a delivery the function refused (throttling, for instance).
   * @default 50
   */
  readonly retryAttempts?: number;
  /**
   * An event undelivered this long goes to the rule's dead-letter queue.
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
}

export interface SystemRuleProps extends SystemRuleDelivery {
  /** The function that handles the matched events (asynchronously invoked). */
  readonly handler: StagecraftFunction;
  /**
   * The bus the rule listens on. Step Functions status changes (`aws.states`) arrive on the
   * account's default bus, not on the CRM bus.
   * @default - the CRM bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * The queue of an earlier system rule of the same handler, to share: a function has one
   * on-failure destination, configured by its first rule, so a second rule (one pattern split in
   * two, say, to count part of its events apart) delivers to the same queue.
   * @default - a new queue for this rule, which also becomes the handler's on-failure destination
   */
  readonly deadLetters?: DeadLetterQueue;
}

/**
 * The CRM bus `stagecraft-<stage>` (source `stagecraft.crm`), its archive, the stream publisher
 * and the system rules.
 *
 * Automations (automations.ts) join here, through `addSystemRule`: `Automation Created|Updated|Deleted`
 * → provision on this bus, and `aws.states` "Step Functions Execution Status Change" → track-runs
 * on the default bus. The per-automation rules are made at run time by the provisioner, on `bus`.
 */
export class Events extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  readonly publisher: StagecraftFunction;
  /** Where batches the publisher could not publish are parked (shard and sequence numbers). */
  readonly publisherFailures: DeadLetterQueue;
  readonly completeActivities: StagecraftFunction;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: `stagecraft-${props.stage}`,
      description: 'Stagecraft CRM events, one per change of a record (docs/ARCHITECTURE.md §5)',
    });
    this.archive = this.bus.archive('Archive', {
      description: 'CRM events kept for replays',
      eventPattern: { source: [CRM_SOURCE] },
      retention: props.archiveRetention ?? Duration.days(30),
    });
    // The L2 writes `KmsKeyIdentifier: ""` when no key is given, which some regions refuse; without
    // the property the archive is encrypted with an AWS owned key, as intended.
    (this.archive.node.defaultChild as events.CfnArchive).addPropertyDeletionOverride('KmsKeyIdentifier');

    this.publisher = new StagecraftFunction(this, 'PublishChanges', {
      name: 'publish-changes',
      description: 'Derives CRM events from the table stream and puts them on the bus',
      logRetention: props.logRetention,
      memorySize: 512,
      timeout: Duration.seconds(30),
      environment: { [ENV.eventBusName]: this.bus.eventBusName },
      unscopedActions: ['dynamodb:ListStreams (granted with the stream read permissions of the event source mapping)'],
    });
    this.bus.grantPutEventsTo(this.publisher);
    this.publisherFailures = new DeadLetterQueue(this, 'PublishChangesFailures', {
      purpose: 'stream batches publish-changes gave up on (shard and sequence numbers; re-read the stream within 24 h)',
    });
    Validations.of(this.publisher).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked by the stream event source mapping only, never asynchronously: failed batches go to its on-failure destination.',
    });
    const publishing = props.streamPublishing ?? {};
    this.publisher.addEventSource(
      new DynamoEventSource(props.data.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: publishing.batchSize ?? 100,
        // Lambda restarts from the lowest failed sequence number, so the publisher reports
        // precisely which records to deliver again; a poison record is isolated by bisection.
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: publishing.retryAttempts ?? 10,
        maxRecordAge: publishing.maxRecordAge ?? Duration.hours(6),
        onFailure: new SqsDlq(this.publisherFailures),
        // Only entity items make CRM events: history, lookups, credentials and runs never wake
        // the publisher. The catalogue the local poller applies too (shared/events/stream-filter.ts).
        filters: publisherStreamFilters.map((pattern) => lambda.FilterCriteria.filter(pattern)),
      }),
    );

    this.completeActivities = new StagecraftFunction(this, 'CompleteActivities', {
      name: 'complete-activities',
      description:
        "Completes auto-complete activities of a deal that left their stage; rewrites a renamed contact's deals' search text; unlinks what linked to a deleted record",
      logRetention: props.logRetention,
      memorySize: 512,
      // As long as the slowest of its rules may take (unlinking a company's thousands of contacts and deals).
      timeout: Duration.seconds(
        Math.max(...[completeActivitiesRule, refreshDealSearchRule, unlinkDeletedRule].map((rule) => rule.timeoutSeconds ?? DEFAULT_RULE_TIMEOUT_SECONDS)),
      ),
      environment: props.data.environment,
    });
    props.data.grantReadWriteData(this.completeActivities);
    const completing = this.addSystemRule(completeActivitiesRule, { handler: this.completeActivities });
    // The same function (the system's upkeep after a write), so the same dead letters: its handler tells the events apart.
    this.addSystemRule(refreshDealSearchRule, { handler: this.completeActivities, deadLetters: completing.deadLetters });
    this.addSystemRule(unlinkDeletedRule, { handler: this.completeActivities, deadLetters: completing.deadLetters });
  }

  /**
   * A rule whose target is a function of the stack. Whatever the function does not handle ends
   * in one dead-letter queue per rule: events EventBridge could not deliver (after RetryPolicy)
   * and invocations the function failed (after Lambda's 2 asynchronous retries), the latter with
   * the error, through the function's on-failure destination.
   */
  addSystemRule(systemRule: SystemRule, props: SystemRuleProps): { rule: events.Rule; deadLetters: DeadLetterQueue } {
    const { cdkId: id, description } = systemRule;
    const deadLetters =
      props.deadLetters ??
      new DeadLetterQueue(this, `${id}DeadLetters`, {
        purpose: `events of the rule "${description}" that were not handled`,
      });
    const rule = new events.Rule(this, id, {
      description,
      eventBus: props.eventBus ?? this.bus,
      eventPattern: cdkPattern(systemRule.pattern),
    });
    rule.addTarget(
      new targets.LambdaFunction(props.handler, {
        deadLetterQueue: deadLetters,
        retryAttempts: props.retryAttempts ?? 50,
        maxEventAge: props.maxEventAge ?? Duration.hours(6),
      }),
    );
    if (!props.deadLetters) props.handler.sendAsyncFailuresTo(deadLetters, { maxEventAge: props.maxEventAge ?? Duration.hours(6) });
    return { rule, deadLetters };
  }
}

/** A pattern as written in the catalogue (EventBridge's JSON) in CDK's spelling, which renders it back. */
function cdkPattern(pattern: EventPattern): events.EventPattern {
  const { 'detail-type': detailType, ...rest } = pattern;
  return { ...rest, ...(detailType === undefined ? {} : { detailType }) } as events.EventPattern;
}
