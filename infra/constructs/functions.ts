// StagecraftFunction: how every Lambda of the stack is built and run — Node 22 on arm64,
// bundled exactly like `npm run build` (scripts/build.ts), traced, logging JSON to its own group.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { bundleOptions } from '../../scripts/build.ts';
import { ENV } from '#shared/aws/env.ts';

/** The repository root: entries, the lock file and the esbuild of the project live here. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface StagecraftFunctionProps {
  /** The folder under functions/ whose handler.ts exports `handler`; also the Powertools service name. */
  readonly name: string;
  /** How long to keep the function's logs. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Memory in MB; CPU grows with it, so it is also the cold-start knob.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Configuration the handler reads at its composition root (shared/aws/config.ts requiredEnv).
   * @default - only POWERTOOLS_SERVICE_NAME and NODE_OPTIONS
   */
  readonly environment?: Record<string, string>;
  /**
   * @default - a description naming the handler's entry
   */
  readonly description?: string;
  /**
   * Actions the function is granted on Resource "*" besides X-Ray's, each with why, e.g.
   * `dynamodb:ListStreams (the stream event source mapping)`. They must have no resource-level
   * permissions; they are named in the cdk-nag acknowledgement of the role.
   * @default - none
   */
  readonly unscopedActions?: string[];
}

/**
 * A NodejsFunction with the project's safe defaults:
 * - Node.js 22 on arm64, explicit memory and timeout;
 * - X-Ray active tracing;
 * - JSON logs to an explicit log group with retention (never the implicit, never-expiring one);
 * - a role of its own that may write to that log group and nothing else until granted
 *   (no AWSLambdaBasicExecutionRole: it would allow every log group of the account);
 * - ESM bundles with source maps and the AWS SDK inside, made by the project's esbuild with scripts/build.ts's options.
 */
export class StagecraftFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: StagecraftFunctionProps) {
    const entry = join(projectRoot, 'functions', props.name, 'handler.ts');
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      // Logs are bounded by retention already; a retained group would outlive its function unnamed.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.name} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry,
      handler: 'handler',
      description: props.description ?? `Stagecraft ${props.name} (functions/${props.name}/handler.ts)`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      environment: {
        [ENV.serviceName]: props.name,
        // The bundles are minified; stack traces are only readable through their source maps.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      bundling: functionBundling(props.name),
    });

    const unscoped = ['xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing)', ...(props.unscopedActions ?? [])];
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `Resource "*" only for actions that support no resource-level permissions: ${unscoped.join('; ')}.`,
    });
    const nodeVersion =
      'Node.js 22 by decision (docs/ARCHITECTURE.md §9): the code must run on the Node 20 of the development machines and on ' +
      'Lambda alike; moving to a newer runtime is a deliberate upgrade with its own tests, not a lint fix.';
    Validations.of(this).acknowledge({ id: 'AwsSolutions-L1', reason: nodeVersion });
    Validations.of(this).acknowledge({ id: 'Serverless-LambdaLatestVersion', reason: nodeVersion });
  }

  /**
   * Where asynchronous invocations (EventBridge, SNS) go when they still fail after Lambda's
   * retries: `queue`, with the error, through an on-failure destination.
   */
  sendAsyncFailuresTo(queue: sqs.IQueue, options: AsyncFailureOptions = {}): void {
    this.configureAsyncInvoke({
      retryAttempts: options.retryAttempts ?? 2,
      maxEventAge: options.maxEventAge ?? Duration.hours(6),
      onFailure: new SqsDestination(queue),
    });
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Asynchronous failures go to an on-failure destination (EventInvokeConfig), which also records the error; ' +
        'a DeadLetterConfig as well would deliver each failed event twice.',
    });
  }
}

export interface AsyncFailureOptions {
  /**
   * Lambda's own retries of a failed asynchronous invocation.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * An event waiting longer than this (throttled, say) goes to the queue unprocessed.
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
}

/** One argument for the bash command line the hook runs in, whatever characters the path holds. */
const shellQuoted = (argument: string) => `'${argument.replaceAll("'", `'\\''`)}'`;

/**
 * scripts/build.ts's esbuild options as NodejsFunction bundling. NodejsFunction drives esbuild through its
 * command line, which takes no plugins nor code splitting, so the afterBundling hook bundles the function once
 * more with scripts/build.ts's own bundleFunction over the same output folder (index.mjs, its chunks, the api's
 * openapi.json): what is deployed is what `npm run build` measures.
 */
function functionBundling(name: string) {
  return {
    format: OutputFormat.ESM,
    target: bundleOptions.target,
    minify: bundleOptions.minify,
    sourceMap: bundleOptions.sourcemap,
    mainFields: [...bundleOptions.mainFields],
    banner: bundleOptions.banner.js,
    // NodejsFunction's own pass only has to succeed: the hook's bundle replaces its output, so it bundles nothing.
    externalModules: ['*'],
    forceDockerBundling: false,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string) => [
        ['node', '--import', 'tsx', join(projectRoot, 'infra', 'constructs', 'bundle.ts'), name, outputDir].map(shellQuoted).join(' '),
      ],
    },
  };
}
