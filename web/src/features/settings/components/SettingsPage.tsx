// Settings: one tab per section, each its own address (/console/settings/{section}).
import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { ErrorState } from '../../../components/States';
import { paths } from '../../../lib/paths';
import { useIsAdmin } from '../../../lib/role';
import { ButlerSettings } from './ButlerSettings';
import { ExceptionsSettings } from './ExceptionsSettings';
import { IntegrationsSettings } from './IntegrationsSettings';
import { PipelinesSettings } from './PipelinesSettings';
import { TemplatesSettings } from './TemplatesSettings';
import { UsersSettings } from './UsersSettings';
import { WebhookSecretsSettings } from './WebhookSecretsSettings';

const sections = {
  butler: { label: 'Butler', Panel: ButlerSettings },
  users: { label: 'Users', Panel: UsersSettings },
  // Every integration request is an admin's: members are not offered the tab.
  integrations: { label: 'Integrations', Panel: IntegrationsSettings, adminOnly: true },
  exceptions: { label: 'Exceptions', Panel: ExceptionsSettings },
  // Pipelines and templates are changed by admins only; members use them on the board and in documents.
  pipelines: { label: 'Pipelines', Panel: PipelinesSettings, adminOnly: true },
  templates: { label: 'Document templates', Panel: TemplatesSettings, adminOnly: true },
  // Secrets are listed, made and deleted by admins only (the API answers members 403).
  'webhook-secrets': { label: 'Webhook secrets', Panel: WebhookSecretsSettings, adminOnly: true },
} as const;
type Section = keyof typeof sections;

export function SettingsPage() {
  const { section = 'butler' } = useParams();
  const navigate = useNavigate();
  const isAdmin = useIsAdmin();
  const shown = (Object.keys(sections) as Section[]).filter((key) => isAdmin || !('adminOnly' in sections[key]));
  if (!(section in sections)) return <ErrorState title="Not found" error={new Error(`There is no settings section "${section}".`)} />;
  const current = section as Section;
  const { Panel } = sections[current];
  const allowed = shown.includes(current);
  return (
    <Stack>
      <Title order={2}>Settings</Title>
      <Tabs value={current} onChange={(next) => next && navigate(paths.settings(next as Section))} keepMounted={false}>
        <Tabs.List>
          {shown.map((key) => (
            <Tabs.Tab key={key} value={key}>
              {sections[key].label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value={current} pt="md">
          {allowed ? (
            <Panel />
          ) : (
            <Text size="sm" c="dimmed">
              Only admins manage {sections[current].label.toLowerCase()}.
            </Text>
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
