// Local tools (local mode only): see whether local mode keeps up, move the clock and see what fired, read the
// outbox, watch the bus.
import { Alert, Anchor, Badge, Button, Code, Group, Paper, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { describeDuration } from '#shared/automation/durations.ts';
import { HtmlPreview } from '../../../components/HtmlPreview';
import { EmptyState, QueryState } from '../../../components/States';
import { describeError } from '../../../lib/api';
import { useAutomations } from '../../../lib/automations';
import { paths } from '../../../lib/paths';
import { RecordName, labelOfImage, shortRecordLabel } from '../../../lib/record-names';
import { systemWork } from '../../../lib/records';
import { useUsers } from '../../../lib/users';
import { type BusEvent, type LocalStatus, useAdvanceClock, useBusEvents, useLocalClock, useLocalStatus, useOutbox } from '../api/local';

const tools = ['clock', 'status', 'outbox', 'events'] as const;
type Tool = (typeof tools)[number];

/** The automation a local rule belongs to (`automation-<id>`), for a link. */
const automationOfRule = (rule: string) => (rule.startsWith('automation-') ? rule.slice('automation-'.length) : undefined);

function RuleBadges({ event, automationNames }: { event: BusEvent; automationNames: Map<string, string> }) {
  if (event.matchedRules.length === 0) return <Text size="xs" c="dimmed">no rule</Text>;
  return (
    <Group gap={4}>
      {event.matchedRules.map((rule) => {
        const delivery = event.deliveries.find((item) => item.rule === rule);
        const automationId = automationOfRule(rule);
        const badge = (
          <Badge size="sm" variant="light" color={delivery?.status === 'failed' ? 'red' : delivery?.status === 'pending' ? 'yellow' : 'green'} tt="none" title={rule}>
            {(automationId && automationNames.get(automationId)) ?? rule}
          </Badge>
        );
        return automationId ? (
          <Anchor key={rule} component={Link} to={paths.automation(automationId)}>
            {badge}
          </Anchor>
        ) : (
          <span key={rule}>{badge}</span>
        );
      })}
    </Group>
  );
}

/** The event's record by the name its image shows (no read per row), linked; the short id when it has none. */
function EventRecord({ detail }: { detail: BusEvent['detail'] }) {
  if (!detail.entityType || !detail.entityId) return null;
  const named = labelOfImage(detail.after) ?? labelOfImage(detail.before);
  if (!named) return <RecordName type={detail.entityType} id={detail.entityId} label={shortRecordLabel(detail.entityType, detail.entityId)} />;
  return (
    <>
      <Text span size="xs" c="dimmed">
        {detail.entityType}
      </Text>{' '}
      <RecordName type={detail.entityType} id={detail.entityId} label={named} />
    </>
  );
}

function EventsTable({ events }: { events: BusEvent[] }) {
  // One cached read of the automations and one of the users name every rule, writer and "for automation" on the page.
  const automations = useAutomations();
  const users = useUsers();
  const automationNames = new Map((automations.data ?? []).map((automation) => [automation.id, automation.name]));
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped aria-label="Events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Received</Table.Th>
            <Table.Th>Event</Table.Th>
            <Table.Th>Record</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>Rules matched</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.id}>
              <Table.Td>{new Date(event.receivedAt).toLocaleString()}</Table.Td>
              <Table.Td>
                {event['detail-type']}
                {event.detail.changedFields && event.detail.changedFields.length > 0 ? (
                  <Text size="xs" c="dimmed">
                    {event.detail.changedFields.join(', ')}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <EventRecord detail={event.detail} />
              </Table.Td>
              <Table.Td>
                {event.detail.actor?.kind === 'butler' ? 'Butler' : event.detail.actor ? (users.data?.find((user) => user.id === event.detail.actor?.id)?.name ?? event.detail.actor.id) : null}
                {event.detail.cause && event.detail.cause.automationId !== 'none' ? (
                  <Text size="xs" c="dimmed">
                    {/* The system's own rules write with their name as the cause, not an automation's id. */}
                    {event.detail.cause.automationId in systemWork
                      ? `system rule: ${systemWork[event.detail.cause.automationId]}`
                      : `for automation ${automationNames.get(event.detail.cause.automationId) ?? event.detail.cause.automationId.slice(-6)}`}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <RuleBadges event={event} automationNames={automationNames} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ClockTool() {
  const clock = useLocalClock();
  const advance = useAdvanceClock();
  const events = useBusEvents(100);
  const [duration, setDuration] = useState('P6M1D');
  const [movedAt, setMovedAt] = useState<string | undefined>();
  const fired = movedAt ? (events.data?.items ?? []).filter((event) => event.receivedAt >= movedAt) : [];
  return (
    <Stack>
      <QueryState query={clock}>
        {(data) =>
          data ? (
            <Text>
              Local time: <strong aria-label="Local time">{new Date(data.now).toLocaleString()}</strong>{' '}
              <Text span c="dimmed" size="sm">
                ({Math.round(data.offsetMs / 86_400_000)} days ahead of the real clock)
              </Text>
            </Text>
          ) : (
            <EmptyState title="Not in local mode">The clock only moves in local mode.</EmptyState>
          )
        }
      </QueryState>
      <Paper withBorder p="sm">
        <Group align="flex-end">
          <TextInput label="Advance by (ISO-8601)" description={describeDuration(duration)} value={duration} onChange={(event) => setDuration(event.currentTarget.value)} w={220} />
          <Button
            loading={advance.isPending}
            onClick={() =>
              advance.mutate(duration.trim(), {
                onSuccess: (next) => setMovedAt(new Date(new Date(next.now).getTime() - 1000).toISOString()),
              })
            }
          >
            Advance {describeDuration(duration)}
          </Button>
        </Group>
        {advance.isError ? (
          <Alert color="red" mt="sm">
            {describeError(advance.error)}
          </Alert>
        ) : null}
      </Paper>
      {movedAt ? (
        <Stack gap="xs">
          <Title order={4}>What fired since</Title>
          {fired.length === 0 ? <Text c="dimmed">No event yet (runs that were due fire within seconds).</Text> : <EventsTable events={fired} />}
          <Anchor component={Link} to={paths.runs}>
            Status &amp; logs
          </Anchor>
        </Stack>
      ) : null}
    </Stack>
  );
}

const milliseconds = (value: number | null) => (value === null ? '—' : value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`);

function Figure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" fw={500}>
        {label}
      </Table.Th>
      <Table.Td aria-label={label}>{value}</Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function Backlog({ status }: { status: LocalStatus }) {
  const { stream, executions, triggerLatency, backpressure } = status;
  const behind = stream.lagMs > 1000;
  return (
    <Stack>
      {backpressure.shedding ? (
        <Alert color="red" title="Writes are refused for now">
          Local mode is {milliseconds(stream.lagMs)} behind its writes (limit {milliseconds(backpressure.maxLagMs)}): the API answers writes with 503 and
          Retry-After until it catches up.
        </Alert>
      ) : behind ? (
        <Alert color="yellow" title="Falling behind">
          Automations start {milliseconds(stream.lagMs)} after the writes that trigger them.
        </Alert>
      ) : (
        <Alert color="green" title="Keeping up">
          Every change is being handled as it comes.
        </Alert>
      )}
      <Table aria-label="Local backlog" withRowBorders={false} w="auto">
        <Table.Tbody>
          <Figure label="Oldest unhandled change" value={stream.lagMs === 0 ? 'none' : milliseconds(stream.lagMs)} hint="how far the stream reader is behind the table" />
          <Figure label="Runs in progress" value={String(executions.running)} />
          <Figure label="Runs queued" value={String(executions.queued)} hint="runs waiting for a free slot (32 run at once); the stream reader waits with them" />
          <Figure label="Runs waiting" value={String(executions.waiting)} hint="paused on a delay or a condition" />
          <Figure label="Trigger latency p50 / p99" value={`${milliseconds(triggerLatency.p50Ms)} / ${milliseconds(triggerLatency.p99Ms)}`} hint={`write → run enrolled, over the latest ${Math.min(triggerLatency.count, 1000)} runs`} />
          <Figure label="Batches parked" value={String(stream.parkedBatches)} hint="stream batches given up on after retries" />
          <Figure
            label="Writes refused"
            value={String(backpressure.rejectedWrites)}
            hint={backpressure.maxLagMs === null ? 'no lag limit (STAGECRAFT_MAX_LAG_MS=off)' : `past ${milliseconds(backpressure.maxLagMs)} behind (STAGECRAFT_MAX_LAG_MS)`}
          />
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function StatusTool() {
  const status = useLocalStatus();
  return <QueryState query={status}>{(data) => <Backlog status={data} />}</QueryState>;
}

function OutboxTool() {
  const outbox = useOutbox();
  return (
    <QueryState query={outbox} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title="No mail sent yet" />}>
      {(data) => (
        <Stack>
          {data.items.map((mail) => (
            <Paper key={mail.file} withBorder p="sm" component="article" aria-label={`Mail to ${mail.to ?? ''}`}>
              <Group gap="xs">
                <Text fw={600}>{mail.subject}</Text>
                {mail.html !== undefined ? <Badge variant="light">HTML</Badge> : null}
              </Group>
              <Text size="sm" c="dimmed">
                To {mail.to} · {mail.date}
              </Text>
              <Code block mt="xs">
                {mail.text}
              </Code>
              {mail.html !== undefined ? <HtmlPreview title={`HTML part of the mail to ${mail.to ?? ''}`} html={mail.html} /> : null}
            </Paper>
          ))}
        </Stack>
      )}
    </QueryState>
  );
}

function EventsTool() {
  const events = useBusEvents(50);
  return (
    <QueryState query={events} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title="No events yet" />}>
      {(data) => <EventsTable events={data.items} />}
    </QueryState>
  );
}

export function LocalToolsPage() {
  const { tool: raw } = useParams();
  // The Backlog tab's figures are `/local/status`; its tab name is a fair guess at an address too.
  const asked = raw === 'backlog' ? 'status' : raw;
  const tool: Tool = (tools as readonly string[]).includes(asked ?? '') ? (asked as Tool) : 'clock';
  const navigate = useNavigate();
  return (
    <Stack>
      <Title order={2}>Local tools</Title>
      <Tabs value={tool} onChange={(next) => navigate(`/local/${next ?? 'clock'}`)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="clock">Clock</Tabs.Tab>
          <Tabs.Tab value="status">Backlog</Tabs.Tab>
          <Tabs.Tab value="outbox">Outbox</Tabs.Tab>
          <Tabs.Tab value="events">Events</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="clock" pt="md">
          <ClockTool />
        </Tabs.Panel>
        <Tabs.Panel value="status" pt="md">
          <StatusTool />
        </Tabs.Panel>
        <Tabs.Panel value="outbox" pt="md">
          <OutboxTool />
        </Tabs.Panel>
        <Tabs.Panel value="events" pt="md">
          <EventsTool />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
