// The functions' environment variables, by one name each: the stack sets them (infra/constructs) and the
// handlers read them (requiredEnv) through this catalogue, so a rename cannot leave one side behind.
export const ENV = {
  tableName: 'TABLE_NAME',
  mailFrom: 'MAIL_FROM',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  documentLinkBase: 'DOCUMENT_LINK_BASE',
  userPoolId: 'USER_POOL_ID',
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  eventBusName: 'EVENT_BUS_NAME',
  executionRoleArn: 'EXECUTION_ROLE_ARN',
  eventsRoleArn: 'EVENTS_ROLE_ARN',
  rulesDlqArn: 'RULES_DLQ_ARN',
  runActionFunctionArn: 'RUN_ACTION_FUNCTION_ARN',
  stage: 'STAGE',
  eventPatternMaxLength: 'EVENT_PATTERN_MAX_LENGTH',
  accountId: 'ACCOUNT_ID',
  partition: 'PARTITION',
  automationNamePrefix: 'AUTOMATION_NAME_PREFIX',
  /** Read by Powertools Metrics itself. */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Read by Powertools Logger itself. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** Set by Lambda. */
  region: 'AWS_REGION',
} as const;
