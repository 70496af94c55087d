// /console/runs: Status & logs across automations, every filter deep-linkable.
import { Stack, Title } from '@mantine/core';
import { RunLog } from './RunLog';

export function RunsPage() {
  return (
    <Stack>
      <Title order={2}>Status &amp; logs</Title>
      <RunLog />
    </Stack>
  );
}
