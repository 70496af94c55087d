// The Console construct: a private bucket behind CloudFront with Origin Access Control, the API
// behind the same distribution, security headers, managed login on the API's client, ConsoleUrl.
import { runInNewContext } from 'node:vm';
import { App, type CfnElement, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Api } from '#infra/constructs/api.ts';
import { Console, rootToConsole, spaFallback } from '#infra/constructs/console.ts';
import { Data } from '#infra/constructs/data.ts';
import { type TemplateResource, cdkJsonContext } from './stagecraft-app.ts';

/** The console with what it stands on (the API and its user pool) only; no bundling: nothing here reads the assets. */
function buildConsole(removalPolicy?: RemovalPolicy.DESTROY | RemovalPolicy.RETAIN) {
  const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'stagecraft-console-test');
  const api = new Api(stack, 'Api', { stage: 'prod', data: new Data(stack, 'Data'), logRetention: RetentionDays.ONE_MONTH, automationNamePrefix: 'stagecraft-prod-auto-' });
  const console = new Console(stack, 'Console', {
    stage: 'prod',
    httpApi: api.httpApi,
    userPool: api.userPool,
    userPoolClient: api.userPoolClient,
    ...(removalPolicy ? { removalPolicy } : {}),
  });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, TemplateResource>;
  const logicalId = (construct: IConstruct) => {
    const child = construct instanceof CfnResource ? construct : construct.node.defaultChild;
    return stack.getLogicalId(child as CfnElement);
  };
  return {
    app,
    template,
    resources,
    stack: { api, console },
    resourceOf: (construct: IConstruct) => resources[logicalId(construct)]!,
    ref: (construct: IConstruct) => ({ Ref: logicalId(construct) }),
    arnOf: (construct: IConstruct, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId(construct), attribute] }),
  };
}

let built: ReturnType<typeof buildConsole>;

beforeAll(() => {
  built = buildConsole();
});

/** Runs a CloudFront Function's code on a viewer request, as its JS runtime would. */
function viewerRequest(code: string, request: { uri: string; method?: string; accept?: string }) {
  const handler = runInNewContext(`${code}; handler`) as (event: unknown) => Record<string, any>;
  return handler({ request: { uri: request.uri, method: request.method ?? 'GET', headers: request.accept ? { accept: { value: request.accept } } : {} } });
}

describe('console CloudFront functions', () => {
  it('serves index.html for a deep link of the app, and files as they are', () => {
    expect(viewerRequest(spaFallback, { uri: '/console/deals/01ABC' }).uri).toBe('/console/index.html');
    expect(viewerRequest(spaFallback, { uri: '/console/' }).uri).toBe('/console/index.html');
    expect(viewerRequest(spaFallback, { uri: '/console/assets/index-x1.js' }).uri).toBe('/console/assets/index-x1.js');
    expect(viewerRequest(spaFallback, { uri: '/console/config.json' }).uri).toBe('/console/config.json');
  });

  it('sends /console to /console/', () => {
    expect(viewerRequest(spaFallback, { uri: '/console' })).toMatchObject({ statusCode: 301, headers: { location: { value: '/console/' } } });
  });

  it('sends a browser opening / to the console, and lets API clients through', () => {
    expect(viewerRequest(rootToConsole, { uri: '/', accept: 'text/html,application/xhtml+xml' })).toMatchObject({ statusCode: 302, headers: { location: { value: '/console/' } } });
    expect(viewerRequest(rootToConsole, { uri: '/', accept: 'application/json' }).uri).toBe('/');
    expect(viewerRequest(rootToConsole, { uri: '/deals', accept: 'text/html' }).uri).toBe('/deals');
  });
});

describe('Console construct', () => {
  it('keeps the files in a private, encrypted bucket', () => {
    const { Properties } = built.resourceOf(built.stack.console.bucket);

    expect(Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
  });

  it('serves /console* from the bucket through Origin Access Control and everything else from the API', () => {
    const config = built.resourceOf(built.stack.console.distribution).Properties.DistributionConfig;
    const origins = Object.fromEntries(config.Origins.map((origin: Record<string, any>) => [origin.Id, origin]));
    const consoleBehavior = config.CacheBehaviors.find((behavior: Record<string, any>) => behavior.PathPattern === '/console*');
    const bucketOrigin = origins[consoleBehavior.TargetOriginId];
    const apiOrigin = origins[config.DefaultCacheBehavior.TargetOriginId];

    expect(bucketOrigin.OriginAccessControlId).toBeDefined();
    expect(bucketOrigin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(apiOrigin.DomainName['Fn::Join'][1][0]).toEqual(built.ref(built.stack.api.httpApi));
    expect(apiOrigin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    expect(consoleBehavior.FunctionAssociations).toHaveLength(1);
    expect(config.DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
  });

  it('passes the credentials to the API and caches none of its answers', () => {
    const config = built.resourceOf(built.stack.console.distribution).Properties.DistributionConfig;
    const policyId = config.DefaultCacheBehavior.CachePolicyId.Ref as string;
    const policy = built.resources[policyId]!.Properties.CachePolicyConfig;

    expect(policy.DefaultTTL).toBe(0);
    expect(policy.MinTTL).toBe(0);
    expect(policy.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig).toEqual({ HeaderBehavior: 'whitelist', Headers: ['Authorization', 'x-api-key'] });
    expect(policy.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig).toEqual({ QueryStringBehavior: 'all' });
  });

  it('sets CSP and HSTS on every response', () => {
    const config = built.resourceOf(built.stack.console.distribution).Properties.DistributionConfig;
    const policyId = config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref as string;
    const headers = built.resources[policyId]!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;

    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // The user pool's issuer, in the stack's own region: a wildcard inside a host is not a valid source.
    expect(csp).toMatch(/https:\/\/cognito-idp\.(",\{"Ref":"AWS::Region"\},"|[a-z]+-[a-z]+-\d)\.amazonaws\.com/);
    expect(csp).not.toContain('cognito-idp.*');
    expect(headers.StrictTransportSecurity).toEqual({ AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(config.CacheBehaviors[0].ResponseHeadersPolicyId).toEqual(config.DefaultCacheBehavior.ResponseHeadersPolicyId);
  });

  it('lets the API’s client sign people in with the authorization code flow, back to the console', () => {
    const { Properties } = built.resourceOf(built.stack.api.userPoolClient);
    const domain = built.arnOf(built.stack.console.distribution, 'DomainName');

    expect(Properties).toMatchObject({
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [{ 'Fn::Join': ['', ['https://', domain, '/console/callback']] }],
      LogoutURLs: [{ 'Fn::Join': ['', ['https://', domain, '/console/']] }],
      GenerateSecret: false,
    });
  });

  it('gives the user pool a managed login domain', () => {
    const { Properties } = built.resourceOf(built.stack.console.loginDomain);

    expect(Properties.ManagedLoginVersion).toBe(2);
    expect(Properties.Domain).toMatch(/^stagecraft-prod-[a-z0-9]{8}$/);
  });

  it('outputs ConsoleUrl', () => {
    const outputs = built.template.toJSON().Outputs;

    expect(outputs.ConsoleUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', built.arnOf(built.stack.console.distribution, 'DomainName'), '/console/']] });
  });
});

describe('Console bucket when the stack is deleted', () => {
  /** Findings of cdk-nag's packs on the console's stack, acknowledged ones left out. */
  const nagFindings = (app: App) =>
    [new AwsSolutionsChecks(app), new ServerlessChecks(app)].flatMap((pack) =>
      pack.validateScope(app).violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath ?? ''}`)),
    );

  let retained: ReturnType<typeof buildConsole>;

  beforeAll(() => {
    retained = buildConsole(RemovalPolicy.RETAIN);
  });

  it('by default is emptied and deleted, so cdk destroy succeeds', () => {
    const bucket = built.resourceOf(built.stack.console.bucket);
    const autoDelete = Object.values(built.resources).filter((resource) => resource.Type === 'Custom::S3AutoDeleteObjects');

    expect(bucket.DeletionPolicy).toBe('Delete');
    expect(autoDelete.map((resource) => resource.Properties.BucketName)).toEqual([built.ref(built.stack.console.bucket)]);
  });

  it('with RETAIN is kept with its files, and nothing empties it', () => {
    const bucket = retained.resourceOf(retained.stack.console.bucket);

    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    expect(Object.values(retained.resources).some((resource) => resource.Type === 'Custom::S3AutoDeleteObjects')).toBe(false);
  });

  // aws-cdk-lib's auto-delete handler is a raw CloudFormation resource the packs do not inspect: nothing to acknowledge.
  it('leaves cdk-nag nothing unacknowledged either way', () => {
    expect(nagFindings(built.app)).toEqual([]);
    expect(nagFindings(retained.app)).toEqual([]);
  });
});
