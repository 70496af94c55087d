// Pipelines and their stages: add, rename, reorder; removing a stage that holds deals is refused.
import { ActionIcon, Alert, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { EmptyState, QueryState } from '../../../components/States';
import { describeError } from '../../../lib/api';
import { keys } from '../../../lib/query';
import type { Pipeline, Stage } from '../../../lib/records';
import { usePipelineList, useSettingsWrite } from '../api/settings';

const kinds = [
  { value: 'open', label: 'open' },
  { value: 'won', label: 'won' },
  { value: 'lost', label: 'lost' },
];

/** A stage id from its name: lower-case letters, digits and "_", unique in the pipeline. */
export function slugFor(name: string, taken: string[]): string {
  const base = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 36) || 'stage';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}_${n}`;
  return id;
}

export function moveStage(stages: Stage[], index: number, by: -1 | 1): Stage[] {
  const target = index + by;
  if (target < 0 || target >= stages.length) return stages;
  const next = [...stages];
  [next[index], next[target]] = [next[target]!, next[index]!];
  return next;
}

function PipelineEditor({ pipeline }: { pipeline: Pipeline }) {
  const write = useSettingsWrite([keys.pipelines]);
  const [name, setName] = useState(pipeline.name);
  const [stages, setStages] = useState<Stage[]>(pipeline.stages);
  const [newStage, setNewStage] = useState('');
  const [saved, setSaved] = useState(false);
  const changed = name !== pipeline.name || JSON.stringify(stages) !== JSON.stringify(pipeline.stages);
  const save = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    write.mutate({ path: `/pipelines/${pipeline.id}`, method: 'PATCH', body: { name, stages }, ifMatch: pipeline.version }, { onSuccess: () => setSaved(true) });
  };
  const update = (index: number, change: Partial<Stage>) => setStages((current) => current.map((stage, i) => (i === index ? { ...stage, ...change } : stage)));
  return (
    <Paper withBorder p="md" component="form" onSubmit={save} aria-label={`Pipeline ${pipeline.name}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h5">
            {pipeline.name} <Text span c="dimmed" size="xs">({pipeline.id})</Text>
          </Title>
        </Group>
        <TextInput label="Pipeline name" size="xs" value={name} onChange={(event) => setName(event.currentTarget.value)} w={300} />
        <Stack gap={4} component="ol" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Stages">
          {stages.map((stage, index) => (
            <Group key={stage.id} gap="xs" wrap="nowrap" component="li">
              <Text size="xs" c="dimmed" w={90} truncate>
                {stage.id}
              </Text>
              <TextInput aria-label={`Name of stage ${stage.id}`} size="xs" value={stage.name} onChange={(event) => update(index, { name: event.currentTarget.value })} />
              <Select aria-label={`Kind of stage ${stage.id}`} size="xs" w={90} data={kinds} value={stage.kind} allowDeselect={false} onChange={(kind) => kind && update(index, { kind: kind as Stage['kind'] })} />
              <ActionIcon variant="default" size="sm" aria-label={`Move ${stage.name} up`} disabled={index === 0} onClick={() => setStages((current) => moveStage(current, index, -1))}>
                <span aria-hidden="true">↑</span>
              </ActionIcon>
              <ActionIcon variant="default" size="sm" aria-label={`Move ${stage.name} down`} disabled={index === stages.length - 1} onClick={() => setStages((current) => moveStage(current, index, 1))}>
                <span aria-hidden="true">↓</span>
              </ActionIcon>
              <ActionIcon variant="subtle" color="red" size="sm" aria-label={`Remove ${stage.name}`} onClick={() => setStages((current) => current.filter((_, i) => i !== index))}>
                <span aria-hidden="true">✕</span>
              </ActionIcon>
            </Group>
          ))}
        </Stack>
        <Group gap="xs" align="flex-end">
          <TextInput label="New stage" size="xs" value={newStage} onChange={(event) => setNewStage(event.currentTarget.value)} />
          <Button
            size="xs"
            variant="light"
            disabled={!newStage.trim()}
            onClick={() => {
              setStages((current) => [...current, { id: slugFor(newStage, current.map((stage) => stage.id)), name: newStage.trim(), kind: 'open' }]);
              setNewStage('');
            }}
          >
            Add stage
          </Button>
        </Group>
        {write.isError ? (
          <Alert color="red" role="alert" title="Not saved">
            {describeError(write.error)}
          </Alert>
        ) : null}
        {saved && !changed ? (
          <Text size="xs" c="green" role="status">
            Saved.
          </Text>
        ) : null}
        <Group gap="xs">
          <Button type="submit" size="xs" disabled={!changed} loading={write.isPending}>
            Save pipeline
          </Button>
          <Button
            size="xs"
            variant="default"
            disabled={!changed}
            onClick={() => {
              setName(pipeline.name);
              setStages(pipeline.stages);
            }}
          >
            Undo changes
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function NewPipeline() {
  const write = useSettingsWrite([keys.pipelines]);
  const [name, setName] = useState('');
  const create = (event: FormEvent) => {
    event.preventDefault();
    write.mutate(
      { path: '/pipelines', method: 'POST', body: { name, stages: [{ id: 'new', name: 'New', kind: 'open' }, { id: 'won', name: 'Won', kind: 'won' }, { id: 'lost', name: 'Lost', kind: 'lost' }] } },
      { onSuccess: () => setName('') },
    );
  };
  return (
    <form onSubmit={create} aria-label="Add a pipeline">
      <Group align="flex-end" gap="xs">
        <TextInput label="New pipeline" size="xs" value={name} onChange={(event) => setName(event.currentTarget.value)} />
        <Button type="submit" size="xs" loading={write.isPending}>
          Add pipeline
        </Button>
        {write.isError ? (
          <Text size="xs" c="red" role="alert">
            {describeError(write.error)}
          </Text>
        ) : null}
      </Group>
    </form>
  );
}

export function PipelinesSettings() {
  const pipelines = usePipelineList();
  return (
    <Stack>
      <QueryState query={pipelines} isEmpty={(page) => page.items.length === 0} empty={<EmptyState title="No pipelines yet" />}>
        {(page) => page.items.map((pipeline) => <PipelineEditor key={`${pipeline.id}:${pipeline.version}`} pipeline={pipeline} />)}
      </QueryState>
      <NewPipeline />
    </Stack>
  );
}
