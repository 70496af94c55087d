// The board of a pipeline: a column per stage, deals moved by drag and drop or by their menu.
import { type Active, type Announcements, DndContext, type DragEndEvent, DragOverlay, type DragStartEvent, KeyboardSensor, type Over, PointerSensor, useSensor, useSensors } from '@dnd-kit/core';
import { Button, Group, Select, Stack, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { automationsEntering, useAutomations } from '../../../lib/automations';
import { paths } from '../../../lib/paths';
import type { Deal, Stage } from '../../../lib/records';
import { usePipelines, useUsers } from '../../../lib/users';
import { type BoardFilters, moveRefusal, useBoardSnapshot, useMoveDeal, useStageTotals } from '../api/board';
import { DealCardPreview } from './DealCard';
import { StageColumn } from './StageColumn';

export function BoardIndex() {
  const pipelines = usePipelines();
  if (pipelines.isPending) return <Loading />;
  if (pipelines.isError) return <ErrorState error={pipelines.error} onRetry={() => void pipelines.refetch()} />;
  const first = pipelines.data[0];
  if (!first) return <EmptyState title="No pipelines yet">Add one in Settings → Pipelines.</EmptyState>;
  return <Navigate to={paths.board(first.id)} replace />;
}

const noContacts: Record<string, { name: string }> = {};

const dealTitle = (active: Active) => (active.data.current?.deal as Deal | undefined)?.title ?? 'the deal';
const stageName = (over: Over) => (over.data.current?.stage as Stage | undefined)?.name ?? String(over.id);

/** What a screen reader hears during a drag: the deal's title and the stages' names, not their ids. */
const announcements: Announcements = {
  onDragStart: ({ active }) => `Picked up deal ${dealTitle(active)}.`,
  onDragOver: ({ active, over }) => (over ? `Deal ${dealTitle(active)} is over stage ${stageName(over)}.` : `Deal ${dealTitle(active)} is no longer over a stage.`),
  onDragEnd: ({ active, over }) => (over ? `Deal ${dealTitle(active)} was dropped on stage ${stageName(over)}.` : `Deal ${dealTitle(active)} was dropped outside the stages; it stays where it was.`),
  onDragCancel: ({ active }) => `Moving deal ${dealTitle(active)} was cancelled; it stays where it was.`,
};

/** How long typing may pause before the board asks the server for the filtered columns. */
export const FILTER_DEBOUNCE_MS = 300;

export function BoardPage() {
  const { pipelineId = '' } = useParams();
  const navigate = useNavigate();
  // The filters live in the address (?q=&responsible=): a reload or a shared link shows the same board.
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(() => params.get('q') ?? '');
  const [q] = useDebouncedValue(text, FILTER_DEBOUNCE_MS);
  const responsibleId = params.get('responsible') ?? '';
  const setFilter = useCallback(
    (name: 'q' | 'responsible', value: string) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (value) next.set(name, value);
          else next.delete(name);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  useEffect(() => setFilter('q', q), [q, setFilter]);
  const filters = useMemo<BoardFilters>(() => ({ q, responsibleId }), [q, responsibleId]);
  // First the cards: the board request leaves at once and alone with the small lists; totals (which read
  // every deal of the pipeline) and the automations of the column heads follow once a board is shown.
  const board = useBoardSnapshot(pipelineId, filters);
  const columnsFilled = (board.isSuccess && !board.isPlaceholderData) || board.isError;
  const boardShown = board.data !== undefined || board.isError;
  const pipelines = usePipelines();
  const users = useUsers();
  const automations = useAutomations({ enabled: boardShown });
  const { mutate: moveDeal } = useMoveDeal(pipelineId);
  const totals = useStageTotals(pipelineId, filters, boardShown);
  const [notices, setNotices] = useState<Record<string, string>>({});
  const [dragged, setDragged] = useState<Deal>();
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor));

  const onMove = useCallback(
    (deal: Deal, toStageId: string) => {
      if (deal.stageId === toStageId) return;
      setNotices(({ [deal.id]: _gone, ...rest }) => rest);
      moveDeal(
        { deal, toStageId },
        { onError: (error) => setNotices((current) => ({ ...current, [deal.id]: moveRefusal(error) })) },
      );
    },
    [moveDeal],
  );
  const onDragStart = useCallback((event: DragStartEvent) => setDragged(event.active.data.current?.deal as Deal | undefined), []);
  const onDragEnd = useCallback(
    (event: DragEndEvent) => {
      setDragged(undefined);
      const deal = event.active.data.current?.deal as Deal | undefined;
      const toStageId = event.over?.id;
      if (deal && typeof toStageId === 'string') onMove(deal, toStageId);
    },
    [onMove],
  );
  const dismiss = useCallback((dealId: string) => setNotices(({ [dealId]: _gone, ...rest }) => rest), []);

  const pipeline = board.data?.pipeline.id === pipelineId ? board.data.pipeline : pipelines.data?.find((candidate) => candidate.id === pipelineId);
  if (!pipeline) {
    if (board.isPending || pipelines.isPending) return <Loading />;
    if (pipelines.isError) return <ErrorState error={pipelines.error} onRetry={() => void pipelines.refetch()} />;
    return <ErrorState title="No such pipeline" error={new Error(`There is no pipeline "${pipelineId}".`)} />;
  }
  const people = (users.data ?? []).filter((user) => user.kind === 'human');
  const contactNames = board.data?.pipeline.id === pipelineId ? board.data.contacts : noContacts;

  return (
    <Stack gap="sm" h="calc(100vh - 84px)">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Group gap="sm">
          <Title order={2}>{pipeline.name}</Title>
          <Select
            aria-label="Pipeline"
            size="xs"
            w={180}
            data={(pipelines.data ?? [pipeline]).map((candidate) => ({ value: candidate.id, label: candidate.name }))}
            value={pipeline.id}
            onChange={(value) => value && navigate(paths.board(value))}
            allowDeselect={false}
          />
        </Group>
        <Group gap="sm">
          <TextInput
            aria-label="Filter deals by title or contact"
            placeholder="Title or contact name"
            size="xs"
            type="search"
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
          />
          <Select
            aria-label="Responsible"
            placeholder="Anyone responsible"
            size="xs"
            clearable
            data={people.map((user) => ({ value: user.id, label: user.name }))}
            value={responsibleId || null}
            onChange={(value) => setFilter('responsible', value ?? '')}
          />
          <Button component={Link} to={`${paths.list('deals')}?${new URLSearchParams({ new: '1', pipelineId: pipeline.id, stageId: pipeline.stages[0]?.id ?? '', back: 'board' }).toString()}`} size="xs">
            New deal
          </Button>
        </Group>
      </Group>
      {totals.isError ? <ErrorState title="Totals could not be counted" error={totals.error} onRetry={() => void totals.refetch()} /> : null}
      <DndContext
        sensors={sensors}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragged(undefined)}
        // Scroll the board only when the pointer is right at its edge, not a fifth of the way in.
        autoScroll={{ threshold: { x: 0.06, y: 0.1 } }}
        accessibility={{ announcements, screenReaderInstructions: { draggable: 'Press space to pick up the deal, arrow keys to move it, space to drop it on a stage. Or use its menu “Move”.' } }}>
        <Group align="stretch" wrap="nowrap" gap="sm" style={{ overflowX: 'auto', flex: 1, minHeight: 0 }} pb="xs">
          {pipeline.stages.map((stage) => (
            <StageColumn
              key={stage.id}
              pipelineId={pipeline.id}
              stage={stage}
              stages={pipeline.stages}
              total={totals.data?.[stage.id]}
              totalsPending={totals.isPending}
              automations={automationsEntering(automations.data ?? [], pipeline.id, stage.id)}
              filters={filters}
              filled={columnsFilled}
              contactNames={contactNames}
              onMove={onMove}
              notices={notices}
              onDismissNotice={dismiss}
            />
          ))}
        </Group>
        <DragOverlay dropAnimation={null}>{dragged ? <DealCardPreview deal={dragged} /> : null}</DragOverlay>
      </DndContext>
    </Stack>
  );
}
