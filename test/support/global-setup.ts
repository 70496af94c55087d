// One DynamoDB Local for the whole run; each test file makes its own table in it.
import type { TestProject } from 'vitest/node';
import { LOCAL_JAVA_OPTIONS, startDynamoDbLocal } from '#infra/local/dynamodb-local.ts';

/**
 * The JIT's optimising tier (C2) costs a test run's JVMs more CPU than it wins back before they stop:
 * DynamoDB Local through test/e2e/power-automations.test.ts used 26 s of CPU with it, 12 s without.
 */
const QUICK_JIT = '-XX:TieredStopAtLevel=1';

export default async function setup(project: TestProject) {
  // As test/support/setup.ts does for the workers: the SDK's Node 20 notice, once per process, is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const chosen = process.env.JDK_JAVA_OPTIONS;
  const ddb = await startDynamoDbLocal({ javaOptions: `-XX:+UseSerialGC ${QUICK_JIT}` });
  // What the workers inherit: the JVMs the local-mode, crash and durability tests start get local mode's flags, quick.
  process.env.JDK_JAVA_OPTIONS = chosen ?? `${LOCAL_JAVA_OPTIONS} ${QUICK_JIT}`;
  project.provide('dynamoEndpoint', ddb.endpoint);
  return async () => {
    await ddb.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
