// The console on AWS: its files in a private bucket, CloudFront in front of both the bucket
// (/console/*, through Origin Access Control, with the SPA fallback) and the HTTP API (every
// other path), so the browser talks to one origin and the API needs no CORS. People sign in
// with Cognito managed login (authorization code + PKCE) on the API's own user pool client.
import { AssetHashType, CfnOutput, DockerImage, Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildConsoleInto, webRoot } from '#web/build.ts';
import { contentSecurityPolicyFor } from '#web/security-headers.ts';

export interface ConsoleProps {
  readonly stage: string;
  readonly httpApi: apigwv2.IHttpApi;
  readonly userPool: cognito.UserPool;
  /** The API's client: it gets the OAuth settings and callback URLs of managed login. */
  readonly userPoolClient: cognito.UserPoolClient;
  /**
   * Prefix of the managed login domain (`<prefix>.auth.<region>.amazoncognito.com`), unique per region.
   * @default `stagecraft-<stage>-<8 characters derived from this construct's path and stack>`
   */
  readonly loginDomainPrefix?: string;
  /**
   * What deleting the stack does to the bucket of console files. DESTROY empties it first (an
   * auto-delete custom resource), so `cdk destroy` succeeds: the files are the build, rebuilt by
   * every deployment. RETAIN keeps the bucket and its files (a production stage may want its
   * last console to stay reachable in the bucket for a rollback or an audit).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy.DESTROY | RemovalPolicy.RETAIN;
}

/** Paths of the console that are files; anything else under /console/ is a route of the app. */
export const spaFallback = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/console') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/console/' } } };
  }
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/console/index.html';
  return request;
}`;

/** A browser opening the bare domain lands in the console; API clients get the API. */
export const rootToConsole = `function handler(event) {
  var request = event.request;
  var accept = request.headers.accept ? request.headers.accept.value : '';
  if (request.uri === '/' && (request.method === 'GET' || request.method === 'HEAD') && accept.indexOf('text/html') !== -1) {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/console/' } } };
  }
  return request;
}`;

export class Console extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly loginDomain: cognito.UserPoolDomain;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const destroy = (props.removalPolicy ?? RemovalPolicy.DESTROY) === RemovalPolicy.DESTROY;

    this.bucket = new s3.Bucket(this, 'Files', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // CloudFormation deletes only an empty bucket: destroying it means emptying it first.
      removalPolicy: destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: destroy,
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Stagecraft console and API: CSP, HSTS and friends',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicyFor(Stack.of(this).region), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    // The API answers per caller: never cached, and the credentials must reach it.
    const apiCache = new cloudfront.CachePolicy(this, 'ApiNoCache', {
      comment: 'Stagecraft API: not cached; Authorization and x-api-key reach the origin',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Authorization', 'x-api-key'),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    });
    const apiOrigin = new origins.HttpOrigin(`${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Stagecraft ${props.stage}: console and API`,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: apiOrigin,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: apiCache,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'RootToConsole', { code: cloudfront.FunctionCode.fromInline(rootToConsole), runtime: cloudfront.FunctionRuntime.JS_2_0 }),
          },
        ],
      },
      additionalBehaviors: {
        '/console*': {
          origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: securityHeaders,
          compress: true,
          functionAssociations: [
            {
              eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
              function: new cloudfront.Function(this, 'SpaFallback', { code: cloudfront.FunctionCode.fromInline(spaFallback), runtime: cloudfront.FunctionRuntime.JS_2_0 }),
            },
          ],
        },
      },
    });
    const origin = `https://${this.distribution.distributionDomainName}`;
    this.url = `${origin}/console/`;

    // Managed login: the pool's hosted sign-in pages, and the API's client allowed to use them.
    this.loginDomain = props.userPool.addDomain('ManagedLogin', {
      cognitoDomain: { domainPrefix: props.loginDomainPrefix ?? `stagecraft-${props.stage}-${Names.uniqueId(this).slice(-8).toLowerCase()}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    new cognito.CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: props.userPool.userPoolId,
      clientId: props.userPoolClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    // The client is the API's (its ID tokens are the ones the api function verifies); the Api
    // construct creates it without OAuth, the console turns on the authorization code flow.
    const client = props.userPoolClient.node.defaultChild as cognito.CfnUserPoolClient;
    client.allowedOAuthFlowsUserPoolClient = true;
    client.allowedOAuthFlows = ['code'];
    client.allowedOAuthScopes = ['openid', 'email', 'profile'];
    client.supportedIdentityProviders = ['COGNITO'];
    client.callbackUrLs = [`${origin}/console/callback`];
    client.logoutUrLs = [`${origin}/console/`];

    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'console/',
      sources: [
        s3deploy.Source.asset(webRoot, {
          assetHashType: AssetHashType.OUTPUT,
          bundling: {
            // Built by the project's vite on this machine, never in a container.
            image: DockerImage.fromRegistry('unused'),
            local: {
              tryBundle(outputDir) {
                buildConsoleInto(outputDir);
                return true;
              },
            },
          },
        }),
        s3deploy.Source.jsonData('config.json', {
          auth: {
            kind: 'cognito',
            authority: `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${props.userPool.userPoolId}`,
            clientId: props.userPoolClient.userPoolClientId,
            domain: this.loginDomain.baseUrl(),
          },
        }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/console/index.html', '/console/config.json'],
      memoryLimit: 256,
    });

    this.acknowledgeFindings(deployment);

    new CfnOutput(stack, 'ConsoleUrl', { value: this.url, description: 'The Stagecraft console (sign in with Cognito managed login)' });
  }

  private acknowledgeFindings(deployment: s3deploy.BucketDeployment): void {
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Holds only the built console, written by deployments; every read comes through CloudFront (Origin Access Control), the bucket is not public.',
    });
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({ id: 'AwsSolutions-CFR1', reason: 'Sales teams sign in from wherever they work; the console and API require a sign-in, not a country.' });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: 'The API throttles every caller at its stage and authenticates every request; a WAF web ACL (us-east-1, billed apart) is left for the operator to attach.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR3',
      reason: 'API requests are logged by the API stage access logs (no headers, so no tokens); the static console files need no request log of their own.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR4',
      reason: 'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes; HSTS is set on every response.',
    });
    // CDK's own custom resource that copies the built files to the bucket, run by CloudFormation on deploy only.
    const handler = Stack.of(this).node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('BucketDeployment handler not found');
    // cdk-nag names the bootstrap bucket as synthesised: literal where the stack's environment is known.
    const stack = Stack.of(this);
    const [partition, account, region] = [
      [stack.partition, '<AWS::Partition>'],
      [stack.account, '<AWS::AccountId>'],
      [stack.region, '<AWS::Region>'],
    ].map(([value, token]) => (Token.isUnresolved(value) ? token : value));
    const cdkHandler = 'The BucketDeployment custom resource handler of aws-cdk-lib, invoked by CloudFormation during deployments only';
    const findings: Array<[string, string]> = [
      ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', `${cdkHandler}: the managed policy only lets it write its logs.`],
      ['AwsSolutions-IAM5[Action::s3:GetObject*]', `${cdkHandler}: it reads the console asset aws-cdk-lib grants it.`],
      ['AwsSolutions-IAM5[Action::s3:GetBucket*]', `${cdkHandler}: it reads the console asset aws-cdk-lib grants it.`],
      ['AwsSolutions-IAM5[Action::s3:List*]', `${cdkHandler}: it lists the asset and the console bucket to sync them.`],
      ['AwsSolutions-IAM5[Action::s3:Abort*]', `${cdkHandler}: it writes the console bucket (multipart uploads).`],
      ['AwsSolutions-IAM5[Action::s3:DeleteObject*]', `${cdkHandler}: it removes files of earlier builds from the console bucket.`],
      ['AwsSolutions-IAM5[Resource::*]', `${cdkHandler}: CloudFront invalidations (index.html, config.json) support no resource-level permissions.`],
      [`AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`, `${cdkHandler}: it writes every object of the console bucket, and nothing else.`],
      [`AwsSolutions-IAM5[Resource::arn:${partition}:s3:::cdk-hnb659fds-assets-${account}-${region}/*]`, `${cdkHandler}: it reads the console asset from the CDK bootstrap bucket.`],
      ['AwsSolutions-L1', `${cdkHandler}: aws-cdk-lib chooses its runtime.`],
      ['Serverless-LambdaDLQ', `${cdkHandler}: CloudFormation waits for its answer, so a failure fails the deployment; there is nothing to park.`],
      ['Serverless-LambdaLatestVersion', `${cdkHandler}: aws-cdk-lib chooses its runtime.`],
      ['Serverless-LambdaTracing', `${cdkHandler}: a file copy at deploy time, outside the request path.`],
    ];
    for (const [id, reason] of findings) Validations.of(handler).acknowledge({ id, reason });
    void deployment;
  }
}
