// The HTTP API of docs/ARCHITECTURE.md §8: API Gateway (HTTP API) sends every request to the api function,
// which authenticates it itself; and the Cognito user pool whose ID tokens people present.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { automationArns, wildcardFinding } from './automations/names.ts';
import type { Data } from './data.ts';
import { StagecraftFunction } from './functions.ts';
import { ENV } from '#shared/aws/env.ts';

/** The custom attribute that names the Stagecraft user a Cognito user is: `custom:userId`. */
export const USER_ID_ATTRIBUTE = 'userId';

export interface ApiProps {
  /** Names the user pool `stagecraft-<stage>`. */
  readonly stage: string;
  readonly data: Data;
  readonly logRetention: logs.RetentionDays;
  /**
   * `stagecraft-<stage>-auto-` (automations.ts automationNamePrefix): the API starts manual runs,
   * reads run steps, redrives and stops runs of the state machines named with it, and nothing else.
   */
  readonly automationNamePrefix: string;
  /**
   * Browser origins allowed to call the API (CORS). Tokens travel in headers, never cookies.
   * @default - none: no CORS configuration, browsers on other origins are refused
   */
  readonly corsOrigins?: string[];
  /**
   * Steady-state requests per second and burst for the whole API, so a runaway integration
   * cannot run up the table's on-demand bill or starve everyone else.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly throttle?: apigwv2.ThrottleSettings;
  /**
   * The user pool holds the people's logins (and their MFA): it outlives the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly userPoolRemovalPolicy?: RemovalPolicy;
}

/**
 * No API Gateway authorizer, on purpose: HTTP API authorizers answer 401/403 with their own
 * `{"message": …}` bodies, which would break the error shape docs/ARCHITECTURE.md §8 binds, and a route
 * carries one authorizer while both `Authorization: Bearer` and `x-api-key` must work. The api
 * function authenticates every request (shared/auth/authenticate.ts): Cognito ID tokens,
 * verified against the pool's keys, and API keys, looked up hashed in the table.
 */
export class Api extends Construct {
  readonly handler: StagecraftFunction;
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: `stagecraft-${props.stage}`,
      // Admins invite people; POST /users makes the Stagecraft user, the pool only the login.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      // Set once, when the login is created: a person can never make their token name someone else.
      customAttributes: { [USER_ID_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: false }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus: threat protection blocks sign-ins with compromised credentials or a high risk score.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: props.userPoolRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      // A public client (CLI, single-page app): there is no server to keep a secret.
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes(USER_ID_ATTRIBUTE),
      // Deliberately without custom:userId (immutable anyway) and email_verified.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
    });

    this.handler = new StagecraftFunction(this, 'Handler', {
      name: 'api',
      description: 'The Stagecraft HTTP API (docs/ARCHITECTURE.md §8)',
      logRetention: props.logRetention,
      memorySize: 1024,
      timeout: Duration.seconds(10),
      environment: {
        ...props.data.environment,
        [ENV.userPoolId]: this.userPool.userPoolId,
        [ENV.userPoolClientId]: this.userPoolClient.userPoolClientId,
        // shared/aws/config.ts automationEnv(): where the automation state machines are.
        [ENV.accountId]: Stack.of(this).account,
        [ENV.partition]: Stack.of(this).partition,
        [ENV.automationNamePrefix]: props.automationNamePrefix,
      },
    });
    props.data.grantReadWriteData(this.handler);
    const automations = automationArns(this, props.automationNamePrefix);
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'StartManualRuns', actions: ['states:StartExecution'], resources: [automations.stateMachines] }),
    );
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadRedriveAndStopRuns',
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:RedriveExecution', 'states:StopExecution'],
        resources: [automations.executions],
      }),
    );
    const prefixScoped = (what: string) =>
      `Scoped by name prefix (${props.automationNamePrefix}*), which is the point: the ${what} belong to state machines the ` +
      'provisioner creates at run time, one per automation, so their names are not known at deploy time.';
    Validations.of(this.handler.role!).acknowledge({
      id: wildcardFinding(this, automations.stateMachines),
      reason: prefixScoped('manual runs it starts (StartExecution)'),
    });
    Validations.of(this.handler.role!).acknowledge({
      id: wildcardFinding(this, automations.executions),
      reason: prefixScoped('runs (executions) whose steps it reads, and which it redrives and stops'),
    });

    const corsOrigins = props.corsOrigins ?? [];
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `stagecraft-${props.stage}`,
      description: 'Stagecraft CRM API',
      // One `$default` route: every path reaches the function, so even an unknown path gets the
      // API's own 404 in the docs/ARCHITECTURE.md §8 error shape.
      defaultIntegration: new HttpLambdaIntegration('Handler', this.handler),
      createDefaultStage: false,
      ...(corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: corsOrigins,
              allowMethods: [
                apigwv2.CorsHttpMethod.GET,
                apigwv2.CorsHttpMethod.POST,
                apigwv2.CorsHttpMethod.PATCH,
                apigwv2.CorsHttpMethod.DELETE,
              ],
              allowHeaders: ['authorization', 'content-type', 'x-api-key', 'if-match', 'idempotency-key'],
              exposeHeaders: ['etag', 'x-request-id'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        // JSON, one line per request; no headers, so no token or API key ever reaches the logs.
        format: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            error: '$context.error.message',
          }),
        ),
      },
    });

    const insideTheFunction =
      'Authentication happens inside the api function (shared/auth/authenticate.ts), not in an API Gateway authorizer: ' +
      'HTTP API authorizers answer 401/403 with their own {"message"} bodies, breaking the binding error shape of docs/ARCHITECTURE.md §8, ' +
      'and a route carries a single authorizer while both Bearer tokens and x-api-key must be accepted.';
    Validations.of(this.httpApi).acknowledge({ id: 'AwsSolutions-APIG4', reason: insideTheFunction });
    Validations.of(this.handler).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by API Gateway only; the caller gets the error, an asynchronous dead-letter queue would never receive anything.',
    });
  }
}
