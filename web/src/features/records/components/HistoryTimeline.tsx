// A record's history, newest first: who did what, the Butler with its name and icon and
// the automation run or integration it acted for. Values read as on the record page: people by name, linked
// records by their name (each read once, cached), stages by their name in the deal's pipeline.
import { Group, Stack, Text, Timeline } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ActorName } from '../../../components/Actor';
import { EmptyState, QueryState } from '../../../components/States';
import { RecordName } from '../../../lib/record-names';
import { keys } from '../../../lib/query';
import type { HistoryEntry, Pipeline, RecordCollection } from '../../../lib/records';
import { usePipelines, useUsers } from '../../../lib/users';
import { type AnyRecord, useHistory } from '../api/records';
import { type FieldKind, fieldsOf, leadStageOptions, typeOf } from './fields';

const verbs: Record<HistoryEntry['action'], string> = { created: 'created', updated: 'updated', deleted: 'deleted', stageChanged: 'moved' };

function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One field of an entry: what it is called on the record page, how its values read, and the change. */
export interface ChangeLine {
  field: string;
  label: string;
  kind?: FieldKind;
  from?: unknown;
  to?: unknown;
  /** A creation says what the field was set to, not what it changed from. */
  created: boolean;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The history keeps the custom fields as one object before and after; a reader wants the ones that changed, each on
 * its own line (`fields.tier`), not every custom field of the record twice.
 */
function customFieldChanges(change: { from?: unknown; to?: unknown }): Array<[string, { from?: unknown; to?: unknown }]> {
  const from = isPlainObject(change.from) ? change.from : {};
  const to = isPlainObject(change.to) ? change.to : {};
  return [...new Set([...Object.keys(from), ...Object.keys(to)])]
    .filter((name) => JSON.stringify(from[name]) !== JSON.stringify(to[name]))
    .map((name) => [`fields.${name}`, { from: from[name] ?? null, to: to[name] ?? null }]);
}

export function describeChanges(entry: HistoryEntry, collection: RecordCollection): ChangeLine[] {
  const specs = new Map(fieldsOf[typeOf(collection)].map((spec) => [spec.name, spec]));
  return Object.entries(entry.changes)
    .filter(([field]) => !['version', 'updatedAt', 'updatedBy', 'createdAt', 'createdBy', 'id'].includes(field))
    .flatMap(([field, change]) => (field === 'fields' && (isPlainObject(change.from) || isPlainObject(change.to)) ? customFieldChanges(change) : [[field, change] as const]))
    .map(([field, change]) => {
      const spec = specs.get(field);
      return { field, label: spec?.label ?? (field.startsWith('fields.') ? field.slice('fields.'.length) : field), ...(spec ? { kind: spec.kind } : {}), from: change.from, to: change.to, created: entry.action === 'created' };
    });
}

/** A deal stage's name: in the given pipeline, else wherever the id names one stage only, else the id. */
function stageName(pipelines: Pipeline[] | undefined, pipelineId: unknown, stageId: string): string {
  const inPipeline = pipelines?.find((pipeline) => pipeline.id === pipelineId)?.stages.find((stage) => stage.id === stageId);
  if (inPipeline) return inPipeline.name;
  const names = new Set((pipelines ?? []).flatMap((pipeline) => pipeline.stages.filter((stage) => stage.id === stageId).map((stage) => stage.name)));
  return names.size === 1 ? [...names][0]! : stageId;
}

function UserLabel({ userId }: { userId: string }) {
  const users = useUsers();
  return <>{users.data?.find((user) => user.id === userId)?.name ?? userId}</>;
}

/** A field's value as a person reads it; `pipelineId` is the deal's pipeline at that side of the change. */
function FieldValue({ kind, value, pipelineId }: { kind: FieldKind | undefined; value: unknown; pipelineId: unknown }) {
  const pipelines = usePipelines();
  // An amount reads as the field shows it: 14,000, not 14000.
  if (kind === 'number' && typeof value === 'number') return <>{value.toLocaleString()}</>;
  if (value === undefined || value === null || value === '' || typeof value !== 'string') return <>{show(value)}</>;
  switch (kind) {
    case 'user':
      return <UserLabel userId={value} />;
    case 'contact':
      return <RecordName type="contact" id={value} size="xs" />;
    case 'company':
      return <RecordName type="company" id={value} size="xs" />;
    case 'pipeline':
      return <>{pipelines.data?.find((pipeline) => pipeline.id === value)?.name ?? value}</>;
    case 'stage':
      return <>{stageName(pipelines.data, pipelineId, value)}</>;
    case 'leadStage':
      return <>{leadStageOptions.find((option) => option.value === value)?.label ?? value}</>;
    default:
      return <>{value}</>;
  }
}

function Change({ line, entry, currentPipelineId }: { line: ChangeLine; entry: HistoryEntry; currentPipelineId: unknown }) {
  // A move between pipelines changes both in one entry: each side's stage is named in its own pipeline.
  const pipelineChange = entry.changes.pipelineId;
  const side = (value: unknown, pipelineId: unknown): ReactNode => <FieldValue kind={line.kind} value={value} pipelineId={pipelineId} />;
  return (
    <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
      {line.label}:{' '}
      {line.created ? (
        side(line.to, pipelineChange?.to ?? currentPipelineId)
      ) : (
        <>
          {side(line.from, pipelineChange ? pipelineChange.from : currentPipelineId)} → {side(line.to, pipelineChange?.to ?? currentPipelineId)}
        </>
      )}
    </Text>
  );
}

export function HistoryTimeline({ collection, id }: { collection: RecordCollection; id: string }) {
  const history = useHistory(collection, id);
  // The record page has read the record already: its pipeline names the stages of older moves. Read from the cache,
  // not asked for: the page of a deleted record shows this history beside its 404, and asking again put the page
  // back to loading, which unmounted the history, and so on without end.
  const currentPipelineId = useQueryClient().getQueryData<AnyRecord>(keys.record(collection, id))?.pipelineId;
  return (
    <QueryState query={history} isEmpty={(page) => page.items.length === 0} empty={<EmptyState title="No history yet" />}>
      {(page) => (
        <Timeline bulletSize={14} lineWidth={2} aria-label="History">
          {page.items.map((entry, index) => (
            <Timeline.Item key={`${entry.at}-${index}`} color={entry.actor.kind === 'butler' ? 'grape' : 'indigo'}>
              <Stack gap={2}>
                <Group gap={6} wrap="wrap">
                  <ActorName actor={entry.actor} />
                  <Text size="sm">{verbs[entry.action]}</Text>
                  <Text size="xs" c="dimmed">
                    {new Date(entry.at).toLocaleString()}
                  </Text>
                </Group>
                {describeChanges(entry, collection).map((line) => (
                  <Change key={line.field} line={line} entry={entry} currentPipelineId={currentPipelineId} />
                ))}
              </Stack>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </QueryState>
  );
}
