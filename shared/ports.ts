// Interfaces for the outside world. Business code depends on these; shared/aws/* and
// infra/local/* implement them, and handler factories take them as arguments.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** A new ULID: unique, and sorted by creation time. */
  next(): string;
}

export interface Logger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown> | Error): void;
}

/**
 * Operational figures the engine reports: CloudWatch metrics (embedded metric format, through Powertools) on
 * AWS; a rolling window in memory on one machine, shown by `GET /local/status`.
 */
export interface RunMetrics {
  /** A run enrolled (its first Task began) this long after the write that triggered it. */
  runEnrolled(latencyMs: number): void;
}

/** Where the table lives; the same repository code serves AWS and DynamoDB Local. */
export interface TableRef {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** An event as PutEvents takes it (source "stagecraft.crm", detail-type from the catalogue). */
export interface BusEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  /** When the change happened (the stream record's time). */
  time?: Date;
}

export interface PutEventsResult {
  /** Entries the bus refused, by their index in the call, with its error. */
  failed: Array<{ index: number; errorCode: string; errorMessage: string }>;
}

/** EventBridge on AWS; the local bus (infra/local) on one machine. */
export interface EventBus {
  putEvents(events: BusEvent[]): Promise<PutEventsResult>;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** An HTML version of `text`: the mail then goes as multipart/alternative, `text` for clients that show no HTML. */
  html?: string;
  /** Reply-To, or where bounces are traced to. */
  replyTo?: string;
  /** Free-form tags (automation id, run id) carried to SES as message tags. */
  tags?: Record<string, string>;
}

/** SES on AWS; .eml files in the local outbox on one machine. */
export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}

export interface SmsMessage {
  /** E.164. */
  to: string;
  text: string;
  /** Free-form tags (automation id, run id), kept with the message where the channel allows. */
  tags?: Record<string, string>;
}

/** SNS on AWS; JSON files in the local SMS outbox on one machine. */
export interface SmsSender {
  send(message: SmsMessage): Promise<{ messageId: string }>;
}

/** One step of a run as the run log shows it (from GetExecutionHistory on AWS). */
export interface RunStep {
  name: string;
  status: 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT';
  startedAt: string;
  endedAt?: string;
  error?: string;
  cause?: string;
  dueAt?: string;
  retries?: number;
}

/** Step Functions on AWS; the local runner (infra/local/workflows.ts) on one machine. */
export interface Workflows {
  /** Starts an execution of an automation's state machine; a repeated name starts nothing new. */
  start(stateMachine: string, name: string, input: unknown): Promise<{ executionId: string }>;
  steps(executionId: string): Promise<RunStep[]>;
  /** Runs a FAILED execution again from its failed step. */
  redrive(executionId: string): Promise<void>;
  /** Stops a running or waiting execution (a cancelled run). */
  stop(executionId: string, reason: string): Promise<void>;
  /** The input an execution started with (a redrive starts again from it). */
  input(executionId: string): Promise<unknown>;
  /** Where an admin reads the execution (the Step Functions console on AWS). */
  consoleUrl(executionId: string): string | undefined;
}

/** What an automation compiles to, ready to deploy. */
export interface AutomationDeployment {
  automationId: string;
  /** The compiled ASL, its Tasks already bound to the run-action function and the table. */
  definition: Record<string, unknown>;
  /** The rule's pattern; null for a manual trigger, which has no rule. */
  eventPattern: Record<string, unknown> | null;
  /** Active automations' rules are enabled; stopped ones stay deployed but disabled. */
  enabled: boolean;
}

/** Step Functions + EventBridge on AWS; the local runner and bus on one machine. */
export interface AutomationInfra {
  deploy(deployment: AutomationDeployment): Promise<{ stateMachine: string; version: string }>;
  /**
   * A digest of everything `deploy` puts in place for this deployment: the compiled definition and pattern, and the
   * adapter's own part (roles, dead-letter queue, target retries, tags, names). Built from what deploy sends, so a
   * release that changes any of it changes the digest; equal digests mean deploying again would change nothing.
   */
  fingerprint(deployment: AutomationDeployment): string;
  setEnabled(automationId: string, enabled: boolean): Promise<void>;
  remove(automationId: string): Promise<void>;
}
