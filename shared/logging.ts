// The Logger port on Powertools' logger: JSON lines with the service name, the same on Lambda and in
// local mode (one adapter, so both log alike).
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from './ports.ts';

/** The Powertools logger (for middy's injectLambdaContext), and the same logger seen through the Logger port. */
export function powertoolsLogger(options: ConstructorParameters<typeof PowertoolsLogger>[0]): { powertools: PowertoolsLogger; logger: Logger } {
  const powertools = new PowertoolsLogger(options);
  const logger: Logger = {
    debug: (message, extra) => powertools.debug(message, extra ?? {}),
    info: (message, extra) => powertools.info(message, extra ?? {}),
    warn: (message, extra) => powertools.warn(message, extra ?? {}),
    error: (message, extra) => (extra instanceof Error ? powertools.error(message, extra) : powertools.error(message, extra ?? {})),
  };
  return { powertools, logger };
}
