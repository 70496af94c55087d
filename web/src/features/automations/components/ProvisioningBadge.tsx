// Where the automation is in being deployed: ready, pending (being compiled and deployed), or error with its cause.
import { Badge, Tooltip } from '@mantine/core';
import type { Automation } from '../api/automations';

export function ProvisioningBadge({ automation }: { automation: Pick<Automation, 'provisioning' | 'provisioningError'> }) {
  const color = automation.provisioning === 'ready' ? 'green' : automation.provisioning === 'error' ? 'red' : 'yellow';
  const badge = (
    // Never cut to "PENDI…" by a narrow column: the word is the whole information.
    <Badge color={color} variant="light" style={{ minWidth: 'max-content' }}>
      {automation.provisioning}
    </Badge>
  );
  if (automation.provisioning !== 'error') return badge;
  return (
    <span>
      <Tooltip label={automation.provisioningError ?? 'no cause given'} multiline w={320}>
        {badge}
      </Tooltip>{' '}
      <span role="note">{automation.provisioningError ?? 'no cause given'}</span>
    </span>
  );
}
