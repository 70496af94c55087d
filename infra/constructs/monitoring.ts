// Alarms for what would otherwise fail quietly: anything parked in a dead-letter queue, a stream
// falling behind or failing, API 5xx, failed automation runs, and the SES reputation that can
// get sending paused.
// Everything goes to one encrypted alarm topic.
import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letters.ts';
import { EncryptedTopic } from './topics.ts';

export interface AlarmThresholds {
  /**
   * The oldest unpublished stream record, sustained for 5 minutes: automations are starting late.
   * @default Duration.minutes(1)
   */
  readonly streamIteratorAge?: Duration;
  /**
   * 5xx answers of the API in 5 minutes (the function's own errors and API Gateway's).
   * @default 5
   */
  readonly apiServerErrors?: number;
  /**
   * The account's SES bounce rate; SES reviews an account at 5 % and may pause it at 10 %.
   * @default 0.04
   */
  readonly sesBounceRate?: number;
  /**
   * The account's SES complaint rate; SES reviews an account at 0.1 % and may pause it at 0.5 %.
   * @default 0.0008
   */
  readonly sesComplaintRate?: number;
  /**
   * Failed automation runs (FAILED or TIMED_OUT executions) in 5 minutes.
   * @default 1
   */
  readonly failedAutomationRuns?: number;
}

export interface MonitoringProps {
  readonly stage: string;
  /** The stream publisher (publish-changes). */
  readonly publisher: lambda.IFunction;
  readonly httpApi: apigwv2.HttpApi;
  /**
   * Failed automation runs per 5 minutes (Automations.failedRunsMetric()).
   * @default - no alarm on automation runs
   */
  readonly failedAutomationRuns?: cloudwatch.IMetric;
  /**
   * Trigger latency, write → run enrolled, at a statistic (Automations.triggerLatencyMetric).
   * @default - the dashboard charts only its parts (stream iterator age, bus delivery latency)
   */
  readonly triggerLatency?: (statistic: string) => cloudwatch.IMetric;
  /**
   * Subscribed to the alarm topic (SNS asks the address to confirm).
   * @default - no subscription: subscribe to the topic yourself
   */
  readonly alarmEmail?: string;
  /**
   * @default - each threshold's own default
   */
  readonly thresholds?: AlarmThresholds;
  /**
   * What the dashboard charts beyond the alarms' metrics: the automation state machines (by name
   * prefix), the CRM bus and the SES configuration set.
   * @default - a dashboard without the automation, bus and mail rows
   */
  readonly dashboard?: DashboardSources;
}

export interface DashboardSources {
  /** `stagecraft-<stage>-auto-`: the state machines whose runs are charted, one line per automation. */
  readonly automationNamePrefix: string;
  /** The CRM bus: its rules' delivery latency is the second half of trigger latency. */
  readonly eventBusName: string;
  /** SES sends, bounces and complaints of this configuration set. */
  readonly configurationSetName: string;
}

/**
 * Construct it last in the stack: it alarms on every DeadLetterQueue there is, and fails the
 * synthesis if one is added after it (so a new queue can never go unwatched).
 */
export class Monitoring extends Construct {
  readonly alarms: EncryptedTopic;
  /** `stagecraft-<stage>`: runs, trigger latency, the stream, dead letters, the API and mail at a glance. */
  readonly dashboard: cloudwatch.Dashboard;
  private readonly watched = new Set<DeadLetterQueue>();
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const thresholds = props.thresholds ?? {};
    this.alarms = new EncryptedTopic(this, 'Alarms', {
      displayName: `Stagecraft ${props.stage} alarms`,
      publishers: [
        { service: 'cloudwatch.amazonaws.com', sourceArn: Arn.format({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }, Stack.of(this)) },
      ],
    });
    this.action = new SnsAction(this.alarms.topic);
    if (props.alarmEmail) {
      const undelivered = new DeadLetterQueue(this, 'AlarmDeliveryDeadLetters', {
        purpose: 'alarm notifications SNS could not deliver by e-mail',
      });
      this.alarms.topic.addSubscription(new EmailSubscription(props.alarmEmail, { deadLetterQueue: undelivered }));
    }

    this.alarm('StreamIteratorAge', {
      description: 'publish-changes is behind the table stream: automations start late, and records older than 24 h are lost',
      metric: props.publisher.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: (thresholds.streamIteratorAge ?? Duration.minutes(1)).toMilliseconds(),
      evaluationPeriods: 5,
    });
    this.alarm('PublishChangesErrors', {
      description: 'publish-changes failed: stream batches are being retried, then parked in the failure queue',
      metric: props.publisher.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    this.alarm('ApiServerErrors', {
      description: 'The API answered 5xx',
      metric: props.httpApi.metricServerError({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: thresholds.apiServerErrors ?? 5,
      evaluationPeriods: 1,
    });
    this.alarm('SesBounceRate', {
      description: 'SES bounce rate of the account is near the level at which SES reviews (5 %) and pauses (10 %) sending',
      metric: new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', statistic: 'Maximum', period: Duration.minutes(15) }),
      threshold: thresholds.sesBounceRate ?? 0.04,
      evaluationPeriods: 1,
    });
    this.alarm('SesComplaintRate', {
      description: 'SES complaint rate of the account is near the level at which SES reviews (0.1 %) and pauses (0.5 %) sending',
      metric: new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Reputation.ComplaintRate', statistic: 'Maximum', period: Duration.minutes(15) }),
      threshold: thresholds.sesComplaintRate ?? 0.0008,
      evaluationPeriods: 1,
    });

    if (props.failedAutomationRuns) {
      this.alarm('FailedAutomationRuns', {
        description:
          'Automation runs failed or timed out: their run records show the failed step and error; ' +
          'POST /automations/{id}/runs/redrive reruns them from that step',
        metric: props.failedAutomationRuns,
        threshold: thresholds.failedAutomationRuns ?? 1,
        evaluationPeriods: 1,
      });
    }

    const queues = Stack.of(this).node.findAll().filter(DeadLetterQueue.isDeadLetterQueue);
    for (const queue of queues) this.watchDeadLetters(queue);
    this.dashboard = this.buildDashboard(props, queues);
    this.node.addValidation({
      validate: () =>
        Stack.of(this)
          .node.findAll()
          .filter(DeadLetterQueue.isDeadLetterQueue)
          .filter((queue) => !this.watched.has(queue))
          .map((queue) => `${queue.node.path} has no depth alarm: create it before Monitoring, or call watchDeadLetters on it.`),
    });
  }

  private buildDashboard(props: MonitoringProps, queues: DeadLetterQueue[]): cloudwatch.Dashboard {
    const fiveMinutes = Duration.minutes(5);
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `stagecraft-${props.stage}`,
      defaultInterval: Duration.hours(24),
    });
    // CloudFormation takes Tags on a dashboard (the stack's stage tag lands here); the schema bundled with
    // cfn-lint 1.51 predates that and calls it E3002. Only this resource is excused, and only from that rule.
    (dashboard.node.defaultChild as cloudwatch.CfnDashboard).cfnOptions.metadata = { 'cfn-lint': { config: { ignore_checks: ['E3002'] } } };
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8, right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width, height: 6 });
    const rows: cloudwatch.IWidget[][] = [];

    const sources = props.dashboard;
    if (sources) {
      // State machines are made at run time, one per automation: a SEARCH finds them by name prefix
      // and draws a line per automation (dashboards may search; alarms may not).
      const runs = (metricName: string, label: string) =>
        new cloudwatch.MathExpression({
          expression: `SEARCH('{AWS/States,StateMachineArn} MetricName="${metricName}" "${sources.automationNamePrefix}"', 'Sum', 300)`,
          label,
          usingMetrics: {},
          period: fiveMinutes,
        });
      rows.push([
        graph('Runs started, per automation', [runs('ExecutionsStarted', 'started')]),
        graph('Runs succeeded, per automation', [runs('ExecutionsSucceeded', 'succeeded')]),
        graph('Runs failed or timed out, per automation', [runs('ExecutionsFailed', 'failed'), runs('ExecutionsTimedOut', 'timed out')]),
      ]);
    }
    // Trigger latency, write → run enrolled, as run-action measures it; beside it, where the time goes:
    // the write waits in the stream for publish-changes (iterator age), then the event waits on the bus
    // for its rule's target, the state machine (ingestion to invocation start).
    const enrolled = props.triggerLatency ? [props.triggerLatency('p50'), props.triggerLatency('p99')] : [];
    const iteratorAge = props.publisher.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1), label: 'stream iterator age (max)' });
    const parts: cloudwatch.IMetric[] = [iteratorAge];
    if (sources) {
      parts.push(
        new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'IngestionToInvocationStartLatency',
          dimensionsMap: { EventBusName: sources.eventBusName },
          statistic: 'p99',
          period: Duration.minutes(1),
          label: 'bus → run start (p99)',
        }),
      );
    }
    rows.push([
      ...(enrolled.length > 0
        ? [graph('Trigger latency (ms): write → run enrolled', enrolled, 6), graph('Trigger latency, its parts (ms): stream, bus → run start', parts, 6)]
        : [graph('Trigger latency, its parts (ms): stream, bus → run start', parts, 12)]),
      graph(
        'Dead-letter queues: messages waiting',
        queues.map((queue) => queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1), label: queue.node.path.split('/').slice(1).join('/') })),
        12,
      ),
    ]);
    rows.push([
      graph('API latency (ms)', [
        props.httpApi.metricLatency({ statistic: 'p50', period: fiveMinutes, label: 'p50' }),
        props.httpApi.metricLatency({ statistic: 'p99', period: fiveMinutes, label: 'p99' }),
      ], 12),
      graph('API errors', [
        props.httpApi.metricServerError({ statistic: 'Sum', period: fiveMinutes, label: '5xx' }),
        props.httpApi.metricClientError({ statistic: 'Sum', period: fiveMinutes, label: '4xx' }),
      ], 12),
    ]);
    const ses = (metricName: string, label: string, statistic = 'Sum', dimensionsMap?: Record<string, string>) =>
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, statistic, period: Duration.minutes(15), label, ...(dimensionsMap ? { dimensionsMap } : {}) });
    const mailCounts = sources
      ? ['Send', 'Bounce', 'Complaint'].map((name) => ses(name, name.toLowerCase(), 'Sum', { 'ses:configuration-set': sources.configurationSetName }))
      : [ses('Bounce', 'bounce'), ses('Complaint', 'complaint')];
    rows.push([
      graph('SES sends, bounces and complaints', mailCounts, 12),
      graph('SES reputation (account)', [ses('Reputation.BounceRate', 'bounce rate', 'Maximum'), ses('Reputation.ComplaintRate', 'complaint rate', 'Maximum')], 12),
    ]);
    for (const row of rows) dashboard.addWidgets(...row);
    return dashboard;
  }

  /** Alarms as soon as one message waits in the queue. */
  watchDeadLetters(queue: DeadLetterQueue): cloudwatch.Alarm {
    this.watched.add(queue);
    const id = queue.node.path.split('/').slice(1).join('');
    return this.alarm(`${id}Depth`, {
      description: `Messages wait in ${queue.node.path}: ${queue.purpose}`,
      metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
    });
  }

  private alarm(
    id: string,
    options: { description: string; metric: cloudwatch.IMetric; threshold: number; evaluationPeriods: number },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods,
      datapointsToAlarm: options.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means no traffic (no mail sent, no stream records): nothing is wrong.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }
}
