// The trigger: what happens to which record. Each type shows only the options it reads.
import { Group, Select, Stack, TagsInput, TextInput } from '@mantine/core';
import { triggerEntities, triggerTypes, type TriggerType } from '#shared/automation/definition.ts';
import { triggerLabels } from '../../../lib/triggers';
import type { TriggerForm } from '../model/definition-form';
import { type FieldErrors, errorAt } from '../model/field-errors';
import { type RecordTypeName, dateFieldsOf, fieldsOf } from '../model/variables';
import { DurationInput, FieldPicker, PipelinePicker, StagePicker, TemplatePicker } from './Pickers';

const documentTrigger = (type: TriggerType) => type === 'documentSigned' || type === 'documentViewed' || type === 'documentCreated';

export function TriggerFields({ value, onChange, errors }: { value: TriggerForm; onChange: (next: TriggerForm) => void; errors: FieldErrors }) {
  const set = (patch: Partial<TriggerForm>) => onChange({ ...value, ...patch });
  const entities = value.type === 'stageEntered' ? ['deal', 'lead'] : triggerEntities;
  const type = value.entity as RecordTypeName;
  return (
    <Stack gap="sm">
      <Group grow align="flex-start">
        <Select
          label="Trigger"
          data={triggerTypes.map((item) => ({ value: item, label: triggerLabels[item] }))}
          value={value.type}
          onChange={(next) => {
            const nextType = (next ?? 'created') as TriggerType;
            set({ type: nextType, ...(nextType === 'stageEntered' && !['deal', 'lead'].includes(value.entity) ? { entity: 'deal' } : {}) });
          }}
          allowDeselect={false}
          error={errorAt(errors, 'trigger.type') ?? errorAt(errors, 'trigger')}
        />
        {documentTrigger(value.type) ? null : (
          <Select
            label="Record"
            data={entities.map((entity) => ({ value: entity, label: entity }))}
            value={value.entity}
            onChange={(next) => set({ entity: (next ?? 'deal') as TriggerForm['entity'] })}
            allowDeselect={false}
            error={errorAt(errors, 'trigger.entity')}
          />
        )}
      </Group>
      {value.type === 'stageEntered' ? (
        <Group grow align="flex-start">
          {value.entity === 'lead' ? null : (
            <PipelinePicker label="Pipeline" allowAny value={value.pipelineId} onChange={(pipelineId) => set({ pipelineId })} error={errorAt(errors, 'trigger.pipelineId')} />
          )}
          <StagePicker label="Stage" entity={value.entity} pipelineId={value.pipelineId} value={value.stageId} onChange={(stageId) => set({ stageId })} error={errorAt(errors, 'trigger.stageId')} />
        </Group>
      ) : null}
      {value.type === 'updated' ? (
        <TagsInput
          label="Only when these fields change"
          description="Leave empty for any change"
          data={fieldsOf(type)}
          value={value.fields}
          onChange={(fields) => set({ fields })}
          error={errorAt(errors, 'trigger.fields', { within: true })}
        />
      ) : null}
      {value.type === 'dateReached' ? (
        <Group grow align="flex-start">
          <FieldPicker label="Date field" type={type} fields={dateFieldsOf(type)} value={value.field} onChange={(field) => set({ field })} error={errorAt(errors, 'trigger.field')} />
          <DurationInput label="Offset" signed value={value.offset} onChange={(offset) => set({ offset })} error={errorAt(errors, 'trigger.offset')} />
          <TextInput label="At (time of day)" placeholder="09:00" value={value.at} onChange={(event) => set({ at: event.currentTarget.value })} error={errorAt(errors, 'trigger.at')} />
        </Group>
      ) : null}
      {value.type === 'documentSigned' ? (
        <Select
          label="Signed by"
          data={[
            { value: 'sender', label: 'the sender' },
            { value: 'recipient', label: 'the recipient' },
            { value: 'all', label: 'every party (once both signed)' },
          ]}
          value={value.party}
          onChange={(next) => set({ party: (next ?? 'all') as TriggerForm['party'] })}
          allowDeselect={false}
          error={errorAt(errors, 'trigger.party')}
        />
      ) : null}
      {documentTrigger(value.type) ? (
        <Group grow align="flex-start">
          <PipelinePicker
            label="Deals of pipeline"
            allowAny
            value={value.pipelineId}
            onChange={(pipelineId) => set({ pipelineId })}
            error={errorAt(errors, 'trigger.pipelineId')}
          />
          <TemplatePicker
            label="Documents of template"
            allowAny
            value={value.templateId}
            onChange={(templateId) => set({ templateId })}
            error={errorAt(errors, 'trigger.templateId')}
          />
        </Group>
      ) : null}
    </Stack>
  );
}
