// A contact's or a company's deals and the leads that share its e-mails or phones, each a link.
import { Anchor, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { ErrorState, Loading } from '../../../components/States';
import { paths } from '../../../lib/paths';
import { titleOf } from '../../../lib/records';
import { usePipelines } from '../../../lib/users';
import { type AnyRecord, useLinkedDeals, useMatchingLeads } from '../api/records';

export function LinkedDeals({ collection, id }: { collection: 'contacts' | 'companies'; id: string }) {
  const deals = useLinkedDeals(collection, id);
  const pipelines = usePipelines();
  const stageName = (deal: AnyRecord) =>
    pipelines.data?.find((pipeline) => pipeline.id === deal.pipelineId)?.stages.find((stage) => stage.id === deal.stageId)?.name ?? String(deal.stageId);
  if (deals.isPending) return <Loading />;
  if (deals.isError) return <ErrorState error={deals.error} onRetry={() => void deals.refetch()} />;
  const items = deals.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <Text size="sm" c="dimmed">No deals yet.</Text>;
  return (
    <Stack gap="xs">
      <Table aria-label="Deals" verticalSpacing={4}>
        <Table.Tbody>
          {items.map((deal) => (
            <Table.Tr key={deal.id}>
              <Table.Td>
                <Anchor component={Link} to={paths.record('deals', deal.id)} size="sm">
                  {titleOf(deal)}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Badge variant="light">{stageName(deal)}</Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{typeof deal.amount === 'number' ? `${deal.amount} ${String(deal.currency ?? '')}` : '—'}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {deals.hasNextPage ? (
        <Group>
          <Button variant="subtle" size="xs" loading={deals.isFetchingNextPage} onClick={() => void deals.fetchNextPage()}>
            Show more deals
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}

export function MatchingLeads({ record }: { record: AnyRecord }) {
  const emails = Array.isArray(record.emails) ? (record.emails as string[]) : [];
  const phones = Array.isArray(record.phones) ? (record.phones as string[]) : [];
  const leads = useMatchingLeads(emails, phones);
  if (emails.length + phones.length === 0) return <Text size="sm" c="dimmed">No e-mail or phone to match leads by.</Text>;
  if (leads.isPending) return <Loading />;
  if (leads.isError) return <ErrorState error={leads.error} onRetry={() => void leads.refetch()} />;
  if (leads.data.length === 0) return <Text size="sm" c="dimmed">No lead has these e-mails or phones.</Text>;
  return (
    <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {leads.data.map((lead) => (
        <Group key={lead.id} gap="xs" component="li">
          <Anchor component={Link} to={paths.record('leads', lead.id)} size="sm">
            {titleOf(lead)}
          </Anchor>
          <Badge variant="light" size="sm">
            {String(lead.stageId).replace('_', ' ')}
          </Badge>
        </Group>
      ))}
    </Stack>
  );
}
