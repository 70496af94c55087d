// The builder (create and edit): trigger, conditions, delay and run options, actions — and the save,
// whose 400s appear next to the inputs their paths name. Templates preview on a record chosen here.
import { Alert, Button, Checkbox, Divider, Group, List, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { templateContext } from '#shared/automation/templates.ts';
import { describeError } from '../../../lib/api';
import { type Page, collections, titleOf } from '../../../lib/records';
import { useIsAdmin } from '../../../lib/role';
import { useApi } from '../../../lib/session';
import { type Automation, useSaveAutomation } from '../api/automations';
import { type DefinitionForm, toDefinition, toPatch } from '../model/definition-form';
import { errorAt, fieldErrorsOf } from '../model/field-errors';
import { delayInWords, triggerInWords } from '../model/in-words';
import { type RecordTypeName, dateFieldsOf, subjectTypeOf, variablesFor } from '../model/variables';
import { StepList } from './ActionEditor';
import { ConditionsEditor } from './ConditionsEditor';
import { DurationInput, FieldPicker } from './Pickers';
import { PreviewContext } from './TemplateInput';
import { TriggerFields } from './TriggerFields';
import { usePipelines } from '../../../lib/users';

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Title order={4} mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/** The record templates preview on: one of the latest records of the subject's type, with its contact and company as a run loads them. */
function usePreviewRecord(type: RecordTypeName, id: string) {
  const api = useApi();
  const collection = collections[type];
  const list = useQuery({
    queryKey: [collection, 'list', { limit: 50, for: 'preview' }],
    queryFn: () => api.request<Page<Record<string, unknown> & { id: string }>>(`/${collection}`, { query: { limit: 50 } }),
  });
  const record = list.data?.items.find((item) => item.id === id);
  const contactId = typeof record?.contactId === 'string' ? record.contactId : undefined;
  const contact = useQuery({
    queryKey: ['contacts', 'one', contactId ?? ''],
    queryFn: () => api.request<Record<string, unknown>>(`/contacts/${encodeURIComponent(contactId ?? '')}`),
    enabled: contactId !== undefined,
  });
  const companyId = typeof record?.companyId === 'string' ? record.companyId : undefined;
  const company = useQuery({
    queryKey: ['companies', 'one', companyId ?? ''],
    queryFn: () => api.request<Record<string, unknown>>(`/companies/${encodeURIComponent(companyId ?? '')}`),
    enabled: companyId !== undefined,
  });
  return { options: list.data?.items ?? [], record, contact: contact.data, company: company.data };
}

export function AutomationBuilder({ initial, automation, onSaved }: { initial: DefinitionForm; automation?: Automation; onSaved: (saved: Automation) => void }) {
  const [form, setForm] = useState<DefinitionForm>(initial);
  const [previewId, setPreviewId] = useState('');
  const save = useSaveAutomation();
  const isAdmin = useIsAdmin();
  const pipelines = usePipelines();
  const errors = fieldErrorsOf(save.error);
  const subject = subjectTypeOf(form.trigger);
  const previewType: RecordTypeName = subject === 'documentOwner' ? 'deal' : subject;
  const preview = usePreviewRecord(previewType, previewId);
  const set = (patch: Partial<DefinitionForm>) => setForm((current) => ({ ...current, ...patch }));

  const previewValue = useMemo(
    () => ({
      timeZone: form.timeZone || 'UTC',
      variables: variablesFor(form.trigger, toDefinition(form).actions),
      context: preview.record
        ? templateContext({
            entityType: previewType,
            entity: preview.record,
            ...(preview.contact ? { contact: preview.contact } : {}),
            ...(preview.company ? { company: preview.company } : {}),
            event: { entityType: previewType, entityId: preview.record.id, occurredAt: new Date().toISOString(), actor: { kind: 'user', id: 'preview' } },
            automation: { id: automation?.id ?? 'new', name: form.name },
            run: { id: 'preview' },
            now: new Date(),
          })
        : undefined,
    }),
    [form.timeZone, form.trigger, form.actions, form.name, preview.record, preview.contact, preview.company, previewType, automation?.id],
  );

  const submit = () =>
    save.mutate(
      automation ? { id: automation.id, version: automation.version, body: toPatch(form) } : { body: toDefinition(form) as unknown as Record<string, unknown> },
      { onSuccess: onSaved },
    );

  const definition = toDefinition(form);
  const generalErrors = Object.entries(errors).filter(([path]) => path === '(body)' || path === 'actions' || !path.includes('.'));

  return (
    <PreviewContext.Provider value={previewValue}>
      <Stack gap="md" component="form" onSubmit={(event) => (event.preventDefault(), submit())} aria-label="Automation builder">
        <Text c="dimmed" aria-label="In words">
          {triggerInWords(definition.trigger, pipelines.data ?? [])}, {delayInWords(definition)}.
        </Text>
        <Section title="Name">
          <TextInput label="Name" required value={form.name} onChange={(event) => set({ name: event.currentTarget.value })} error={errorAt(errors, 'name')} />
        </Section>
        <Section title="Trigger">
          <TriggerFields value={form.trigger} onChange={(trigger) => set({ trigger })} errors={errors} />
        </Section>
        <Section title="Conditions">
          <ConditionsEditor value={form.conditions} onChange={(conditions) => set({ conditions })} errors={errors} type={previewType} />
        </Section>
        <Section title="When">
          <Stack gap="sm">
            {form.trigger.type === 'dateReached' ? (
              <Text size="sm" c="dimmed">
                A date trigger waits for its date: set its offset in the trigger.
              </Text>
            ) : (
              <>
                <Select
                  label="Run"
                  data={[
                    { value: 'none', label: 'at once' },
                    { value: 'after', label: 'after a while' },
                    { value: 'until', label: 'on a date of the record' },
                  ]}
                  value={form.delay.kind}
                  onChange={(kind) => set({ delay: { ...form.delay, kind: (kind ?? 'none') as DefinitionForm['delay']['kind'] } })}
                  allowDeselect={false}
                  error={errorAt(errors, 'delay')}
                />
                {form.delay.kind === 'after' ? (
                  <DurationInput label="Wait" value={form.delay.after} onChange={(after) => set({ delay: { ...form.delay, after } })} error={errorAt(errors, 'delay.after')} />
                ) : null}
                {form.delay.kind === 'until' ? (
                  <Group grow align="flex-start">
                    <FieldPicker label="Date field" type={previewType} fields={dateFieldsOf(previewType)} value={form.delay.untilField} onChange={(untilField) => set({ delay: { ...form.delay, untilField } })} error={errorAt(errors, 'delay.until.field')} />
                    <DurationInput label="Offset" signed value={form.delay.untilOffset} onChange={(untilOffset) => set({ delay: { ...form.delay, untilOffset } })} error={errorAt(errors, 'delay.until.offset')} />
                    <TextInput label="At (time of day)" placeholder="09:00" value={form.delay.untilAt} onChange={(event) => set({ delay: { ...form.delay, untilAt: event.currentTarget.value } })} error={errorAt(errors, 'delay.until.at')} />
                  </Group>
                ) : null}
              </>
            )}
            <TextInput label="Time zone" description="Calendar months and the Liquid date filter use it" value={form.timeZone} onChange={(event) => set({ timeZone: event.currentTarget.value })} error={errorAt(errors, 'timeZone')} />
            <Checkbox label="Check the conditions again after the wait, and skip the run if they no longer hold" checked={form.recheck} onChange={(event) => set({ recheck: event.currentTarget.checked })} />
            <Select
              label="When the record leaves the stage while the run waits"
              data={[
                { value: '', label: form.trigger.type === 'stageEntered' ? 'cancel the run (default)' : 'let the run continue (default)' },
                { value: 'cancel', label: 'cancel the run' },
                { value: 'continue', label: 'let the run continue' },
              ]}
              value={form.onLeave}
              onChange={(onLeave) => set({ onLeave: (onLeave ?? '') as DefinitionForm['onLeave'] })}
              allowDeselect={false}
              error={errorAt(errors, 'onLeave')}
            />
          </Stack>
        </Section>
        <Section title="Actions">
          <Stack gap="sm">
            <Select
              label="Preview templates on"
              placeholder={`Choose a ${previewType}`}
              data={preview.options.map((item) => ({ value: item.id, label: titleOf(item) }))}
              value={previewId || null}
              onChange={(id) => setPreviewId(id ?? '')}
              searchable
              clearable
            />
            <StepList
              steps={form.actions}
              onChange={(actions) => set({ actions })}
              path="actions"
              stepLabel={(index) => `Action ${index + 1}`}
              addText="Add action"
              keepOne
              depth={1}
              errors={errors}
              subject={subject}
              pipelineId={form.trigger.type === 'stageEntered' ? form.trigger.pipelineId : ''}
            />
          </Stack>
        </Section>
        {save.isError ? (
          <Alert color="red" title="Not saved" role="alert">
            <Text size="sm">{describeError(save.error)}</Text>
            {generalErrors.length > 0 ? (
              <List size="sm">
                {generalErrors.map(([path, message]) => (
                  <List.Item key={path}>
                    {path}: {message}
                  </List.Item>
                ))}
              </List>
            ) : null}
          </Alert>
        ) : null}
        <Divider />
        {isAdmin ? (
          <Group>
            <Button type="submit" loading={save.isPending}>
              {automation ? 'Save changes' : 'Create automation'}
            </Button>
            {save.isSuccess ? <Text c="green">Saved.</Text> : null}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Only admins create and change automations.
          </Text>
        )}
      </Stack>
    </PreviewContext.Provider>
  );
}
