// Deleting an automation: admins only, after saying what goes with it. Its waiting runs are cancelled; its run
// log and history stay (the API keeps them after a delete), so the page of a deleted automation is gone but its
// runs are still in Status & logs.
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { describeError } from '../../../lib/api';
import { paths } from '../../../lib/paths';
import { useIsAdmin } from '../../../lib/role';
import { type Automation, useDeleteAutomation } from '../api/automations';

export function DeleteAutomation({ automation }: { automation: Automation }) {
  const isAdmin = useIsAdmin();
  const remove = useDeleteAutomation();
  const navigate = useNavigate();
  const [asking, setAsking] = useState(false);
  if (!isAdmin) return null;
  const close = () => {
    setAsking(false);
    remove.reset();
  };
  return (
    <>
      <Button variant="subtle" color="red" onClick={() => setAsking(true)}>
        Delete
      </Button>
      <Modal opened={asking} onClose={close} title={`Delete “${automation.name}”?`}>
        <Stack>
          <Text size="sm">
            No new runs start, and its waiting runs are cancelled. Its runs and its history stay readable in Status &amp; logs. This cannot be undone.
          </Text>
          {remove.isError ? (
            <Text size="sm" c="red" role="alert">
              {describeError(remove.error)}
            </Text>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Keep it
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate({ id: automation.id, version: automation.version }, { onSuccess: () => void navigate(paths.automations) })}
            >
              Delete automation
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
