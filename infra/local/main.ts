// `npm start`: the whole system on this machine until Ctrl-C.
import '#shared/polyfills.ts';
import { powertoolsLogger } from '#shared/logging.ts';
import { ensureConsoleBuilt } from '#web/build.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { parseMaxLag } from './status.ts';
import { type LocalSystem, recoveryLine, startLocalSystem } from './system.ts';

const { logger } = powertoolsLogger({ serviceName: 'stagecraft-local', logLevel: (process.env.LOG_LEVEL ?? 'WARN') as 'WARN' });

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got "${value}".`);
    process.exit(2);
  }
  return port;
}

function maxLagSetting(): number | null {
  try {
    return parseMaxLag(process.env.STAGECRAFT_MAX_LAG_MS);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  await ensureConsoleBuilt((line) => console.log(line));
  let system: LocalSystem;
  try {
    system = await startLocalSystem({
      home: process.env.STAGECRAFT_HOME,
      port: parsePort(process.env.PORT),
      maxLagMs: maxLagSetting(),
      groupCommits: process.env.STAGECRAFT_GROUP_COMMIT !== '0',
      logger,
    });
  } catch (error) {
    if (error instanceof JavaMissingError) {
      console.error(error.message);
      process.exit(1);
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Port ${process.env.PORT ?? 3000} is in use; start with PORT=<free port> npm start.`);
      process.exit(1);
    }
    throw error;
  }
  const { credentials, home, firstStart, recovery } = system;
  // What a crash left behind and this start took up again, in one line.
  if (recovery.afterCrash) console.log(recoveryLine(recovery));
  console.log(
    [
      '',
      `Stagecraft is running on ${credentials.apiUrl}${firstStart ? ' (new demo workspace seeded)' : ''}`,
      `  sign in:         ${credentials.apiUrl}/console/#token=${credentials.adminToken}`,
      `  data:            ${home}`,
      `  admin token:     ${credentials.adminToken}`,
      `  integration key: ${credentials.integrationKey}`,
      `  (also in ${home}/credentials.json)`,
      '',
      `  try: curl -H "Authorization: Bearer ${credentials.adminToken}" ${credentials.apiUrl}/pipelines`,
      `       curl ${credentials.apiUrl}/openapi.json`,
      '',
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await system.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
