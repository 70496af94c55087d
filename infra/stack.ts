// The whole system as one stack (one `cdk deploy`): one construct per concern, composed here,
// configured by CDK context (cdk.json holds the documented defaults; `-c key=value` overrides).
import { Annotations, CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Api } from './constructs/api.ts';
import { Automations } from './constructs/automations.ts';
import { automationNamePrefix } from './constructs/automations/names.ts';
import { Console } from './constructs/console.ts';
import { Data } from './constructs/data.ts';
import { Email } from './constructs/email.ts';
import { Events } from './constructs/events.ts';
import { Monitoring } from './constructs/monitoring.ts';

export interface StagecraftSettings {
  /** Context `stage`: names the stack `stagecraft-<stage>` and its named resources. */
  readonly stage: string;
  /** Context `sesSender`: the From address; it, or its domain, must be a verified SES identity. */
  readonly sesSender: string;
  /** Context `corsOrigins`: browser origins allowed to call the API (a list, or comma-separated). */
  readonly corsOrigins: string[];
  /** Context `logRetentionDays`: how long function and access logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** Context `alarmEmail`: subscribed to the alarm topic when set. */
  readonly alarmEmail?: string;
  /**
   * Context `eventPatternMaxLength`: EventBridge's quota on a rule's pattern in this account and region
   * (2,048 characters unless raised through Service Quotas); conditions that do not fit are checked in the run.
   */
  readonly eventPatternMaxLength: number;
  /**
   * Context `consoleFilesOnDelete`: `destroy` empties and deletes the console's bucket with the stack,
   * `retain` keeps it. Default: `retain` for the stage `prod`, `destroy` for any other.
   */
  readonly consoleFilesOnDelete: 'destroy' | 'retain';
}

const retentionDays = new Set(Object.values(logs.RetentionDays).filter((value): value is number => typeof value === 'number'));

function listOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value : String(value ?? '').split(',');
  return items.map((item) => String(item).trim()).filter((item) => item !== '');
}

/** Reads and checks the context; a wrong value stops the synthesis with the key's name. */
export function settingsFromContext(scope: Construct): StagecraftSettings {
  const context = (key: string) => scope.node.tryGetContext(key) as unknown;
  const stage = String(context('stage') ?? 'dev');
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
    throw new Error(`context stage: "${stage}" must be lower-case letters, digits and dashes, at most 20, starting with a letter`);
  }
  const sesSender = String(context('sesSender') ?? '').trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(sesSender)) {
    throw new Error(`context sesSender: "${sesSender}" is not an e-mail address (-c sesSender=crm@example.com)`);
  }
  const corsOrigins = listOf(context('corsOrigins'));
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`context corsOrigins: "${origin}" is not an origin (scheme://host[:port], no path)`);
    }
  }
  const days = Number(context('logRetentionDays') ?? 30);
  if (!retentionDays.has(days)) {
    throw new Error(`context logRetentionDays: ${days} is not a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, …)`);
  }
  const alarmEmail = String(context('alarmEmail') ?? '').trim();
  const eventPatternMaxLength = Number(context('eventPatternMaxLength') ?? 2048);
  if (!Number.isInteger(eventPatternMaxLength) || eventPatternMaxLength < 2048) {
    throw new Error(`context eventPatternMaxLength: ${eventPatternMaxLength} must be a whole number of characters, at least EventBridge's default quota of 2048`);
  }
  const consoleFilesOnDelete = String(context('consoleFilesOnDelete') ?? (stage === 'prod' ? 'retain' : 'destroy'));
  if (consoleFilesOnDelete !== 'destroy' && consoleFilesOnDelete !== 'retain') {
    throw new Error(`context consoleFilesOnDelete: "${consoleFilesOnDelete}" must be destroy or retain`);
  }
  return {
    stage,
    sesSender,
    corsOrigins,
    logRetention: days as logs.RetentionDays,
    eventPatternMaxLength,
    consoleFilesOnDelete,
    ...(alarmEmail ? { alarmEmail } : {}),
  };
}

export interface StagecraftStackProps extends StackProps {
  readonly settings: StagecraftSettings;
}

export class StagecraftStack extends Stack {
  readonly data: Data;
  readonly events: Events;
  readonly api: Api;
  readonly email: Email;
  readonly automations: Automations;
  readonly monitoring: Monitoring;
  readonly console: Console;

  constructor(scope: Construct, id: string, props: StagecraftStackProps) {
    super(scope, id, { description: `Stagecraft CRM automation (${props.settings.stage})`, ...props });
    const { stage, sesSender, corsOrigins, logRetention, alarmEmail } = props.settings;
    Tags.of(this).add('stagecraft:stage', stage);

    this.data = new Data(this, 'Data');
    this.events = new Events(this, 'Events', { stage, data: this.data, logRetention });
    this.api = new Api(this, 'Api', { stage, data: this.data, logRetention, corsOrigins, automationNamePrefix: automationNamePrefix(stage) });
    this.email = new Email(this, 'Email', { stage, sender: sesSender, data: this.data, logRetention });

    // Before Monitoring: its dead-letter queues get their depth alarms there.
    this.automations = new Automations(this, 'Automations', {
      stage,
      data: this.data,
      events: this.events,
      email: this.email,
      logRetention,
      eventPatternMaxLength: props.settings.eventPatternMaxLength,
      documentLinkBase: this.api.httpApi.apiEndpoint,
    });

    this.console = new Console(this, 'Console', {
      stage,
      httpApi: this.api.httpApi,
      userPool: this.api.userPool,
      userPoolClient: this.api.userPoolClient,
      removalPolicy: props.settings.consoleFilesOnDelete === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // Last: it alarms on every dead-letter queue created above.
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      publisher: this.events.publisher,
      httpApi: this.api.httpApi,
      failedAutomationRuns: this.automations.failedRunsMetric(),
      triggerLatency: (statistic) => this.automations.triggerLatencyMetric(statistic),
      dashboard: {
        automationNamePrefix: this.automations.namePrefix,
        eventBusName: this.events.bus.eventBusName,
        configurationSetName: this.email.configurationSet.configurationSetName,
      },
      ...(alarmEmail ? { alarmEmail } : {}),
    });

    if (sesSender.endsWith('@example.com')) {
      Annotations.of(this).addWarningV2(
        'stagecraft:sesSender',
        `Mail is sent from ${sesSender}, a placeholder: deploy with -c sesSender=<an address of a verified SES identity>.`,
      );
    }

    const output = (name: string, value: string, description: string) => new CfnOutput(this, name, { value, description });
    output('ApiUrl', this.api.stage.url, 'The Stagecraft HTTP API');
    output('TableName', this.data.table.tableName, 'The DynamoDB table (retained when the stack is deleted)');
    output('EventBusName', this.events.bus.eventBusName, 'The CRM event bus');
    output('UserPoolId', this.api.userPool.userPoolId, 'Cognito user pool of the people (retained when the stack is deleted)');
    output('UserPoolClientId', this.api.userPoolClient.userPoolClientId, 'Cognito app client for sign-in');
    output('ConfigurationSetName', this.email.configurationSet.configurationSetName, 'SES configuration set for all mail');
    output('AutomationNamePrefix', this.automations.namePrefix, 'Automation state machines and rules are named with it');
    output('AlarmTopicArn', this.monitoring.alarms.topic.topicArn, 'Subscribe here to receive the alarms');
    output('DashboardName', this.monitoring.dashboard.dashboardName, 'CloudWatch dashboard: runs, trigger latency, stream, dead letters, API, mail');
  }
}
