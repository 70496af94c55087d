// Active ↔ Stopped. Stopping asks what becomes of the runs that are waiting: finish them, or cancel them.
import { Badge, Button, Group, Modal, Radio, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { describeError } from '../../../lib/api';
import { useIsAdmin } from '../../../lib/role';
import { type Automation, useSetStatus } from '../api/automations';

/** Admins stop and activate; members read the status only. */
export function StatusToggle({ automation }: { automation: Automation }) {
  const isAdmin = useIsAdmin();
  const setStatus = useSetStatus();
  const [asking, setAsking] = useState(false);
  const [finishPending, setFinishPending] = useState(automation.finishPending ? 'finish' : 'cancel');
  const active = automation.status !== 'stopped';
  if (!isAdmin) {
    return (
      <Badge variant="light" color={active ? 'green' : 'gray'} miw="max-content" aria-label={`${automation.name}: ${active ? 'active' : 'stopped'}`}>
        {active ? 'Active' : 'Stopped'}
      </Badge>
    );
  }
  return (
    <>
      <Switch
        checked={active}
        label={active ? 'Active' : 'Stopped'}
        aria-label={`${automation.name}: ${active ? 'active' : 'stopped'}`}
        disabled={setStatus.isPending}
        onChange={() => (active ? setAsking(true) : setStatus.mutate({ id: automation.id, status: 'active' }))}
      />
      {setStatus.isError ? (
        <Text size="xs" c="red">
          {describeError(setStatus.error)}
        </Text>
      ) : null}
      <Modal opened={asking} onClose={() => setAsking(false)} title={`Stop “${automation.name}”?`}>
        <Stack>
          <Text size="sm">No new runs start while it is stopped. What about runs that are waiting?</Text>
          <Radio.Group value={finishPending} onChange={setFinishPending} aria-label="Waiting runs">
            <Stack gap="xs">
              <Radio value="cancel" label="Cancel the waiting runs" />
              <Radio value="finish" label="Let the waiting runs finish" />
            </Stack>
          </Radio.Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(false)}>
              Keep it active
            </Button>
            <Button
              color="red"
              loading={setStatus.isPending}
              onClick={() =>
                setStatus.mutate({ id: automation.id, status: 'stopped', finishPending: finishPending === 'finish' }, { onSuccess: () => setAsking(false) })
              }
            >
              Stop
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
