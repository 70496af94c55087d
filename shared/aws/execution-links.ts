// Where an admin reads a Step Functions execution: the console of the stack's partition and region. Apart from
// workflows.ts so the link needs no Step Functions client.

/** The console of each partition. */
const consoleHosts: Record<string, string> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

export function executionConsoleUrl(where: { partition: string; region: string }, executionId: string): string {
  const host = consoleHosts[where.partition] ?? consoleHosts.aws;
  return `https://${where.region}.${host}/states/home?region=${where.region}#/v2/executions/details/${encodeURIComponent(executionId)}`;
}
