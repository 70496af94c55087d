// What an action step sent and wrote, as its outcome keeps it: each mail's body, each text message, each
// notification's message, a webhook's request and answer, the values set on a record. Folded under the step by default, so the run page
// stays a timeline; the button says whether it is open (aria-expanded).
import { Button, Code, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useId, useState } from 'react';
import type { RecordRef, StepOutcome, WebhookRequest } from '../api/runs';
import { HtmlPreview } from '../../../components/HtmlPreview';
import { RecordName } from '../../../lib/record-names';
import { useUsers } from '../../../lib/users';

/** The outcome keeps the first 4,000 characters of a text (README, "What a run log says"). */
function Cut({ truncated }: { truncated?: boolean | undefined }) {
  return truncated ? (
    <Text size="xs" c="dimmed">
      Cut: the run log keeps the start of it.
    </Text>
  ) : null;
}

const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Fields that hold the id of a record with a name: shown by that name. */
const linkedTypes: Record<string, string> = { contactId: 'contact', companyId: 'company' };

/** A value as a person reads it: a user by name, a linked record by its title. */
function Value({ field, value }: { field: string; value: unknown }) {
  const users = useUsers();
  if (typeof value === 'string' && field === 'responsibleId') return <>{users.data?.find((user) => user.id === value)?.name ?? value}</>;
  const type = linkedTypes[field];
  if (typeof value === 'string' && type) return <RecordName type={type} id={value} size="sm" />;
  return <>{shown(value)}</>;
}

function Values({ record }: { record: RecordRef & { values: Record<string, unknown> } }) {
  return (
    <Stack gap={2}>
      <Table withTableBorder fz="sm" layout="fixed">
        <Table.Caption>
          Values {record.change === 'created' ? 'of the' : 'set on the'} {record.type}: <RecordName type={record.type} id={record.id} size="sm" />
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="30%">Field</Table.Th>
            <Table.Th>Value</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {Object.entries(record.values).map(([field, value]) => (
            <Table.Tr key={field}>
              <Table.Td>{field}</Table.Td>
              <Table.Td style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                <Value field={field} value={value} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Cut truncated={record.truncated} />
    </Stack>
  );
}

function Request({ request, status, response }: { request: WebhookRequest; status: number; response?: string | undefined }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {request.method} {request.url}
      </Text>
      {request.query ? (
        <Text size="xs" c="dimmed">
          Query parameters (values not kept): {request.query.join(', ')}
        </Text>
      ) : null}
      {request.headers || request.signed ? (
        <Text size="xs" c="dimmed">
          {request.headers ? `Headers (values not kept): ${request.headers.join(', ')}` : ''}
          {request.headers && request.signed ? ' · ' : ''}
          {request.signed ? 'signed' : ''}
        </Text>
      ) : null}
      <Code block aria-label="Request body">
        {request.body}
      </Code>
      <Cut truncated={request.truncated} />
      <Text size="sm">Answered {status}</Text>
      {response ? (
        <Code block aria-label="Answer">
          {response}
        </Code>
      ) : null}
    </Stack>
  );
}

const valued = (record: RecordRef): record is RecordRef & { values: Record<string, unknown> } => record.values !== undefined && Object.keys(record.values).length > 0;

/** Whether the outcome keeps anything the step sent or wrote. */
export function keepsSent(outcome: StepOutcome): boolean {
  return (
    (outcome.mails ?? []).some((mail) => mail.body !== undefined) ||
    (outcome.texts ?? []).some((text) => text.body !== undefined) ||
    (outcome.notifications ?? []).some((notification) => notification.message !== undefined) ||
    outcome.webhook?.request !== undefined ||
    (outcome.records ?? []).some(valued)
  );
}

export function StepSent({ stepName, outcome }: { stepName: string; outcome: StepOutcome }) {
  const [open, setOpen] = useState(false);
  const users = useUsers();
  const userName = (id: string) => users.data?.find((user) => user.id === id)?.name ?? id;
  const id = useId();
  if (!keepsSent(outcome)) return null;
  const sends = (outcome.mails ?? []).length > 0 || (outcome.texts ?? []).length > 0 || (outcome.notifications ?? []).length > 0 || outcome.webhook !== undefined;
  const label = sends ? 'What it sent' : 'What it wrote';
  return (
    <Stack gap={4} mt={4}>
      <Button variant="subtle" size="compact-xs" w="fit-content" aria-expanded={open} aria-controls={id} onClick={() => setOpen((was) => !was)}>
        <span aria-hidden="true">{open ? '▾' : '▸'}&nbsp;</span>
        {label}
        <VisuallyHidden> ({stepName})</VisuallyHidden>
      </Button>
      <Stack gap="xs" id={id} role="region" aria-label={`${label} (${stepName})`} hidden={!open}>
        {open ? (
          <>
            {(outcome.mails ?? [])
              .filter((mail) => mail.body !== undefined)
              .map((mail, index) => (
                <Stack gap={2} key={`mail-${index}`}>
                  <Text size="sm" fw={500}>
                    E-mail to {mail.to}
                    {mail.subject ? `: “${mail.subject}”` : ''}
                    {mail.status === 'sent' ? '' : ` (not sent: ${mail.reason ?? mail.status})`}
                  </Text>
                  <Code block aria-label={`Body of the e-mail to ${mail.to}`}>
                    {mail.body}
                  </Code>
                  <Cut truncated={mail.truncated} />
                  {mail.html !== undefined ? (
                    <>
                      <Text size="xs" c="dimmed">
                        Its HTML part, as the recipient&apos;s mail client shows it:
                      </Text>
                      <HtmlPreview title={`HTML part of the e-mail to ${mail.to}`} html={mail.html} />
                      <Cut truncated={mail.htmlTruncated} />
                    </>
                  ) : null}
                </Stack>
              ))}
            {(outcome.texts ?? [])
              .filter((text) => text.body !== undefined)
              .map((text, index) => (
                <Stack gap={2} key={`text-${index}`}>
                  <Text size="sm" fw={500}>
                    Text message to {text.to}
                    {text.status === 'sent' ? '' : ` (not sent: ${text.reason ?? text.status})`}
                  </Text>
                  <Code block aria-label={`Text message to ${text.to}`}>
                    {text.body}
                  </Code>
                  <Cut truncated={text.truncated} />
                </Stack>
              ))}
            {(outcome.notifications ?? [])
              .filter((notification) => notification.message !== undefined)
              .map((notification, index) => (
                <Stack gap={2} key={`notification-${index}`}>
                  <Text size="sm" fw={500}>
                    Notification{notification.userId ? ` to ${userName(notification.userId)}` : ''}
                  </Text>
                  <Code block aria-label="Notification message">
                    {notification.message}
                  </Code>
                  <Cut truncated={notification.truncated} />
                </Stack>
              ))}
            {outcome.webhook?.request ? <Request request={outcome.webhook.request} status={outcome.webhook.status} response={outcome.webhook.response} /> : null}
            {(outcome.records ?? []).filter(valued).map((record) => (
              <Values key={`${record.type}-${record.id}`} record={record} />
            ))}
          </>
        ) : null}
      </Stack>
    </Stack>
  );
}
