// A stage of the board: its head (name, total, automations) and its deals, a drop target.
import { useDroppable } from '@dnd-kit/core';
import { Button, Group, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { ErrorState, Loading } from '../../../components/States';
import type { AutomationSummary } from '../../../lib/automations';
import type { Deal, Stage } from '../../../lib/records';
import { useUsers } from '../../../lib/users';
import { type BoardFilters, type StageTotal, filterQuery, useStageDeals } from '../api/board';
import { DealCard } from './DealCard';
import { formatTotals } from './format';
import { StageAutomations } from './StageAutomations';

export interface StageColumnProps {
  pipelineId: string;
  stage: Stage;
  stages: Stage[];
  total: StageTotal | undefined;
  totalsPending: boolean;
  automations: AutomationSummary[];
  filters: BoardFilters;
  onMove: (deal: Deal, toStageId: string) => void;
  notices: Record<string, string>;
  onDismissNotice: (dealId: string) => void;
}

const kindColor = { open: undefined, won: 'green', lost: 'red' } as const;

export function StageColumn({ pipelineId, stage, stages, total, totalsPending, automations, filters, onMove, notices, onDismissNotice }: StageColumnProps) {
  const deals = useStageDeals(pipelineId, stage.id, filters);
  const filtered = Object.keys(filterQuery(filters)).length > 0;
  const users = useUsers();
  const nameOf = (userId: string | undefined) => (userId ? (users.data?.find((user) => user.id === userId)?.name ?? userId) : undefined);
  const { setNodeRef, isOver } = useDroppable({ id: stage.id, data: { stage } });
  const shown = deals.data?.pages.flatMap((page) => page.items) ?? [];
  const headingId = `stage-${stage.id}`;
  return (
    <Paper
      ref={setNodeRef}
      component="section"
      aria-labelledby={headingId}
      withBorder
      p="xs"
      bg={isOver ? 'indigo.0' : 'gray.0'}
      style={{ width: 272, flexShrink: 0, display: 'flex', flexDirection: 'column', maxHeight: '100%' }}
    >
      <Stack gap={4} mb="xs">
        <Group justify="space-between" wrap="nowrap">
          <Title order={3} size="sm" id={headingId} c={kindColor[stage.kind]}>
            {stage.name}
          </Title>
          <Text size="xs" c="dimmed" aria-label={`${stage.name}: ${total?.count ?? 0} deals`}>
            {totalsPending ? '…' : (total?.count ?? 0)}
          </Text>
        </Group>
        <Text size="sm" fw={600} aria-label={`${stage.name} total`}>
          {totalsPending ? 'counting…' : formatTotals(total?.amounts ?? {})}
        </Text>
        <StageAutomations automations={automations} />
      </Stack>
      <ScrollArea.Autosize mah="calc(100vh - 260px)" type="auto" offsetScrollbars>
        <Stack gap={6} mih={60}>
          {deals.isPending ? <Loading /> : null}
          {deals.isError ? <ErrorState error={deals.error} onRetry={() => void deals.refetch()} /> : null}
          {deals.isSuccess && shown.length === 0 ? (
            <Text size="xs" c="dimmed" ta="center" py="sm">
              {filtered ? 'No deals match the filters' : 'No deals'}
            </Text>
          ) : null}
          {shown.map((deal) => (
            <DealCard key={deal.id} deal={deal} responsible={nameOf(deal.responsibleId)} stages={stages} onMove={onMove} notice={notices[deal.id]} onDismissNotice={() => onDismissNotice(deal.id)} />
          ))}
          {deals.hasNextPage ? (
            <Button variant="subtle" size="xs" loading={deals.isFetchingNextPage} onClick={() => void deals.fetchNextPage()}>
              Show more{total ? ` (${shown.length} of ${total.count} shown)` : ''}
            </Button>
          ) : null}
        </Stack>
      </ScrollArea.Autosize>
    </Paper>
  );
}
