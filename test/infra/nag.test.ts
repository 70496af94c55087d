// cdk-nag's AwsSolutions and Serverless packs over the whole stack, with every optional part on
// (alarm e-mail, CORS): no finding may be left unacknowledged, and no acknowledgement may be
// left without a finding or without a reason.
import { Validations } from 'aws-cdk-lib';
import { CfnSubscription } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nonEmpty } from '#test/support/non-empty.ts';
import { type StagecraftBuild, buildStagecraft } from './stagecraft-app.ts';

let built: StagecraftBuild;

beforeAll(() => {
  // No bundling: the packs read the template, never a bundle's code.
  built = buildStagecraft({
    stage: 'prod',
    alarmEmail: 'ops@example.com',
    corsOrigins: 'https://crm.example.com',
    sesSender: 'crm@example.org',
    'aws:cdk:bundling-stacks': [],
  });
});

const packs = (): NagPack[] => [new AwsSolutionsChecks(built.app), new ServerlessChecks(built.app)];

interface Finding {
  rule: string;
  path: string;
}

function findingsOf(pack: NagPack): Finding[] {
  return pack
    .validateScope(built.app)
    .violations.flatMap((violation) => violation.violatingResources.map((resource) => ({ rule: violation.ruleName, path: resource.constructPath ?? '' })));
}

/** What the packs would report if nothing were acknowledged. */
function unacknowledgedFindingsOf(pack: NagPack): Finding[] {
  // cdk-nag has no switch for it: shadow its acknowledgement lookup on this one instance.
  Object.defineProperty(pack, 'isAcknowledged', { value: () => false });
  return findingsOf(pack);
}

function acknowledgements(): Array<{ path: string; rule: string; reason: string }> {
  return built.app.node
    .findAll()
    .flatMap((construct: IConstruct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([rule, reason]) => ({ path: construct.node.path, rule: rule.replace(/^annotation::/i, ''), reason })),
        ),
    )
    .filter((ack) => /^(AwsSolutions|Serverless)-/.test(ack.rule));
}

describe('cdk-nag', () => {
  it.each(['AwsSolutions', 'Serverless'])('%s: no unacknowledged finding', (name) => {
    const pack = packs().find((candidate) => candidate.name === name)!;

    expect(findingsOf(pack)).toEqual([]);
  });

  it('acknowledges only findings that exist, each where it occurs', () => {
    const findings = packs().flatMap(unacknowledgedFindingsOf);

    for (const ack of nonEmpty(acknowledgements(), 'the acknowledgements')) {
      const answered = findings.some((finding) => finding.rule === ack.rule && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`)));
      expect(answered, `${ack.rule} at ${ack.path}`).toBe(true);
    }
  });

  it('gives every acknowledgement a specific reason', () => {
    for (const ack of nonEmpty(acknowledgements(), 'the acknowledgements')) {
      expect(ack.reason.length, `${ack.rule} at ${ack.path}`).toBeGreaterThan(60);
    }
  });

  it('never acknowledges a finding on the whole stack', () => {
    expect(acknowledgements().filter((ack) => ack.path === built.stack.node.path || ack.path === '')).toEqual([]);
  });
});

describe('the optional parts it checks', () => {
  it('subscribes the alarm e-mail with its own dead-letter queue', () => {
    const subscriptions = built.cfnUnder(built.stack.monitoring, CfnSubscription);
    expect(subscriptions).toHaveLength(1);
    const subscription = subscriptions[0]!;
    const deadLetters = built.stack.monitoring.node.findChild('AlarmDeliveryDeadLetters');

    expect(built.resourceOf(subscription).Properties).toEqual({
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: built.ref(built.stack.monitoring.alarms.topic),
      RedrivePolicy: { deadLetterTargetArn: built.arnOf(deadLetters) },
    });
  });

  it('answers CORS preflights for the allowed origins with the headers of the API', () => {
    expect(built.resourceOf(built.stack.api.httpApi).Properties.CorsConfiguration).toEqual({
      AllowOrigins: ['https://crm.example.com'],
      AllowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
      AllowHeaders: ['authorization', 'content-type', 'x-api-key', 'if-match', 'idempotency-key'],
      ExposeHeaders: ['etag', 'x-request-id'],
      MaxAge: 3600,
    });
  });

  it('names the stage in the bus, the configuration set and the user pool', () => {
    expect(built.resourceOf(built.stack.events.bus).Properties.Name).toBe('stagecraft-prod');
    expect(built.resourceOf(built.stack.email.configurationSet).Properties.Name).toBe('stagecraft-prod');
    expect(built.resourceOf(built.stack.api.userPool).Properties.UserPoolName).toBe('stagecraft-prod');
  });
});
