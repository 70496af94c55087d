// One automation: the builder, a dry run, its history and its Status & logs, each a tab with its own address.
import { Alert, Anchor, Breadcrumbs, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { QueryState } from '../../../components/States';
import { paths } from '../../../lib/paths';
import { usePipelines } from '../../../lib/users';
import { RunLog } from '../../runs';
import { useAutomation } from '../api/automations';
import { blankForm, toForm } from '../model/definition-form';
import { delayInWords, triggerInWords } from '../model/in-words';
import { AutomationBuilder } from './AutomationBuilder';
import { DeleteAutomation } from './DeleteAutomation';
import { DryRunPanel } from './DryRunPanel';
import { HistoryTab } from './HistoryTab';
import { ProvisioningBadge } from './ProvisioningBadge';
import { StatusToggle } from './StatusToggle';

const tabs = ['builder', 'test', 'history', 'runs'] as const;
type Tab = (typeof tabs)[number];

export function NewAutomationPage() {
  const navigate = useNavigate();
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={paths.automations}>
          Automations
        </Anchor>
        <Text>New</Text>
      </Breadcrumbs>
      <Title order={2}>New automation</Title>
      <AutomationBuilder initial={blankForm()} onSaved={(saved) => navigate(paths.automation(saved.id))} />
    </Stack>
  );
}

export function AutomationPage() {
  const { id = '', tab: rawTab } = useParams();
  const tab: Tab = (tabs as readonly string[]).includes(rawTab ?? '') ? (rawTab as Tab) : 'builder';
  const navigate = useNavigate();
  const automation = useAutomation(id);
  const pipelines = usePipelines();
  // The builder starts again from what is stored after a save (keyed by version), so the page says it was saved.
  const [savedVersion, setSavedVersion] = useState<number | undefined>();
  return (
    <QueryState query={automation}>
      {(data) => (
        <Stack>
          <Breadcrumbs>
            <Anchor component={Link} to={paths.automations}>
              Automations
            </Anchor>
            <Text>{data.name}</Text>
          </Breadcrumbs>
          <Group justify="space-between" align="flex-start">
            <Stack gap={2}>
              <Title order={2}>{data.name}</Title>
              <Text c="dimmed">
                {triggerInWords(data.trigger, pipelines.data ?? [])}, {delayInWords(data)} · version {data.version}
              </Text>
            </Stack>
            <Group>
              <ProvisioningBadge automation={data} />
              <StatusToggle automation={data} />
              <DeleteAutomation automation={data} />
            </Group>
          </Group>
          <Tabs value={tab} onChange={(next) => navigate(next === 'builder' ? paths.automation(id) : `${paths.automation(id)}/${next}`)} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="builder">Builder</Tabs.Tab>
              <Tabs.Tab value="test">Test on a record</Tabs.Tab>
              <Tabs.Tab value="history">History</Tabs.Tab>
              <Tabs.Tab value="runs">Status &amp; logs</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="builder" pt="md">
              {/* Keyed by version: a save or another admin's change starts the form from what is stored. */}
              {savedVersion === data.version ? (
                <Alert color="green" role="status" mb="sm" withCloseButton onClose={() => setSavedVersion(undefined)}>
                  Saved as version {data.version}.
                </Alert>
              ) : null}
              <AutomationBuilder key={data.version} initial={toForm(data)} automation={data} onSaved={(saved) => setSavedVersion(saved.version)} />
            </Tabs.Panel>
            <Tabs.Panel value="test" pt="md">
              <DryRunPanel automation={data} />
            </Tabs.Panel>
            <Tabs.Panel value="history" pt="md">
              <HistoryTab automationId={id} />
            </Tabs.Panel>
            <Tabs.Panel value="runs" pt="md">
              <RunLog fixed={{ automationId: id }} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </QueryState>
  );
}
