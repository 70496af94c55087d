// The steps of an automation, with every option of each step's type: templates offer the trigger's variables,
// and a branch holds two further lists of steps, edited here too, down to the depth the API allows.
import { ActionIcon, Box, Button, Checkbox, Group, NumberInput, Paper, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useContext, useMemo } from 'react';
import { MAX_ACTIONS, MAX_BRANCH_DEPTH, actionTypes } from '#shared/automation/definition.ts';
import { activityTypes, userRoles } from '#shared/domain/entities.ts';
import { actionLabels } from '#shared/automation/state-names.ts';
import { type ActionForm, type HeaderRow, type StepType, blankAction, hasForm, webhookMethods } from '../model/definition-form';
import { type FieldErrors, errorAt } from '../model/field-errors';
import { type RecordTypeName, fieldsOf, runsBefore } from '../model/variables';
import { ConditionsEditor } from './ConditionsEditor';
import { DurationInput, FieldPicker, PipelinePicker, ResponsiblePicker, StagePicker, TemplatePicker, UserPicker, UsersPicker, WebhookSecretPicker } from './Pickers';
import { PreviewContext, TemplateInput } from './TemplateInput';

/** What every step of a list shares: where errors are found, and what its pickers offer. */
interface Context {
  errors: FieldErrors;
  /** What the run acts on: a record type, or the owner of a document. */
  subject: string;
  /** The trigger's pipeline, for stage pickers of moveToStage. */
  pipelineId: string;
}

const lowerFirst = (text: string) => `${text.charAt(0).toLowerCase()}${text.slice(1)}`;

interface ListProps extends Context {
  steps: ActionForm[];
  onChange: (steps: ActionForm[]) => void;
  /** The list's path in the definition: `actions`, `actions.2.then`. */
  path: string;
  /** How a step is named for the user: "Action 3", "Action 3, then step 1". */
  stepLabel: (index: number) => string;
  /** The add button's text, and its accessible name when the text alone is ambiguous. */
  addText: string;
  addName?: string;
  /** The automation's own list keeps at least one step; a branch's arm may be empty. */
  keepOne?: boolean;
  /** How deep these steps are: the automation's own are at 1. */
  depth: number;
}

export function StepList({ steps, onChange, path, stepLabel, addText, addName, keepOne = false, depth, ...context }: ListProps) {
  const move = (index: number, by: -1 | 1) => {
    const next = [...steps];
    const [moved] = next.splice(index, 1);
    if (moved) next.splice(index + by, 0, moved);
    onChange(next);
  };
  return (
    <Stack gap="sm">
      {steps.map((step, index) => (
        <ActionEditor
          key={index}
          {...context}
          path={`${path}.${index}`}
          label={stepLabel(index)}
          index={index}
          count={steps.length}
          removable={!keepOne || steps.length > 1}
          depth={depth}
          value={step}
          onChange={(changed) => onChange(steps.map((item, position) => (position === index ? changed : item)))}
          onRemove={() => onChange(steps.filter((_, position) => position !== index))}
          onMove={(by) => move(index, by)}
        />
      ))}
      <Button variant="light" size={depth > 1 ? 'xs' : 'sm'} w="fit-content" disabled={steps.length >= MAX_ACTIONS} aria-label={addName} onClick={() => onChange([...steps, blankAction('notify')])}>
        {addText}
      </Button>
    </Stack>
  );
}

interface Props extends Context {
  /** The step's path in the definition (`actions.2`, `actions.2.then.0`): save errors are found by it. */
  path: string;
  label: string;
  index: number;
  count: number;
  removable: boolean;
  depth: number;
  value: ActionForm;
  onChange: (next: ActionForm) => void;
  onRemove: () => void;
  onMove: (by: -1 | 1) => void;
}

/** A step's templates are offered the answers of the webhook steps that run before it, not of those after or beside it. */
function ActionEditor(props: Props) {
  const preview = useContext(PreviewContext);
  const all = preview.allVariables ?? preview.variables;
  const scoped = useMemo(() => ({ ...preview, allVariables: all, variables: all.filter((variable) => variable.after === undefined || runsBefore(variable.after, props.path)) }), [preview, all, props.path]);
  return (
    <PreviewContext.Provider value={scoped}>
      <StepEditor {...props} />
    </PreviewContext.Provider>
  );
}

function StepEditor({ path: stepPath, label, index, count, removable, depth, value, onChange, onRemove, onMove, ...context }: Props) {
  const { errors, subject, pipelineId } = context;
  const set = (patch: Partial<ActionForm>) => onChange({ ...value, ...patch });
  const path = (field: string) => `${stepPath}.${field}`;
  const err = (field: string) => errorAt(errors, path(field));
  const fieldType = (subject === 'documentOwner' ? 'deal' : subject) as RecordTypeName;
  const isDuration = /^-?P/.test(value.due);
  const named = lowerFirst(label);
  // A branch nests in another up to the API's depth; a step already deeper keeps its type, so the API names the problem.
  const branchAllowed = depth <= MAX_BRANCH_DEPTH || value.type === 'branch';
  return (
    <Paper withBorder p="sm" component="section" aria-label={label}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Text fw={600}>{index + 1} ·</Text>
            <Select
              aria-label={`${label} type`}
              data={[...actionTypes.map((type) => ({ value: type, label: actionLabels[type] ?? type })), ...(branchAllowed ? [{ value: 'branch', label: 'Branch (if / else)' }] : [])]}
              value={value.type}
              onChange={(type) => set({ type: (type ?? 'createLead') as StepType, raw: undefined })}
              allowDeselect={false}
              error={err('type')}
            />
          </Group>
          <Group gap={4}>
            <ActionIcon variant="subtle" disabled={index === 0} onClick={() => onMove(-1)} aria-label={`Move ${named} up`}>
              ↑
            </ActionIcon>
            <ActionIcon variant="subtle" disabled={index === count - 1} onClick={() => onMove(1)} aria-label={`Move ${named} down`}>
              ↓
            </ActionIcon>
            <ActionIcon variant="subtle" color="red" disabled={!removable} onClick={onRemove} aria-label={`Remove ${named}`}>
              ✕
            </ActionIcon>
          </Group>
        </Group>

        {!hasForm(value.type) ? (
          <Textarea
            label="Step (JSON)"
            description="This console has no form for this step: edit it as the API's JSON"
            autosize
            minRows={4}
            value={value.raw ?? ''}
            onChange={(event) => set({ raw: event.currentTarget.value })}
            error={errorAt(errors, stepPath, { within: true })}
            styles={{ input: { fontFamily: 'monospace' } }}
          />
        ) : null}

        {value.type === 'branch' ? <BranchFields value={value} set={set} label={label} path={stepPath} depth={depth} fieldType={fieldType} context={context} /> : null}

        {value.type === 'createLead' ? (
          <>
            <TemplateInput label="Lead title" required value={value.title} onChange={(title) => set({ title })} error={err('title')} />
            <ResponsiblePicker label="Responsible" subject={subject} value={value.responsible} onChange={(responsible) => set({ responsible })} error={err('responsible')} />
          </>
        ) : null}

        {value.type === 'copyDeal' ? (
          <>
            <TemplateInput label="Title of the copy" description='Empty: the original title + " (copy)"' value={value.title} onChange={(title) => set({ title })} error={err('title')} />
            <Group grow align="flex-start">
              <PipelinePicker label="Into pipeline" value={value.pipelineId} onChange={(pipelineId) => set({ pipelineId, stageId: '' })} error={err('pipelineId')} />
              <StagePicker label="At stage" pipelineId={value.pipelineId} value={value.stageId} onChange={(stageId) => set({ stageId })} error={err('stageId')} />
            </Group>
            <ResponsiblePicker label="Responsible" subject={subject} value={value.responsible} onChange={(responsible) => set({ responsible })} error={err('responsible')} />
          </>
        ) : null}

        {value.type === 'planActivity' ? (
          <>
            <TemplateInput label="Subject" required value={value.subject} onChange={(subjectText) => set({ subject: subjectText })} error={err('subject')} />
            <Group grow align="flex-start">
              <Select label="Kind" data={[...activityTypes]} value={value.activityType} onChange={(kind) => set({ activityType: (kind ?? 'call') as ActionForm['activityType'] })} allowDeselect={false} error={err('activityType')} />
              <Select
                label="Due"
                data={[
                  { value: 'in', label: 'in (a duration from the run)' },
                  { value: 'on', label: 'on (a date template)' },
                ]}
                value={isDuration || value.due === '' ? 'in' : 'on'}
                onChange={(mode) => set({ due: mode === 'in' ? 'P1D' : '{{ deal.closeDate }}' })}
                allowDeselect={false}
              />
            </Group>
            {isDuration || value.due === '' ? (
              <DurationInput label="Due in" value={value.due} onChange={(due) => set({ due })} error={err('due')} />
            ) : (
              <TemplateInput label="Due on" value={value.due} onChange={(due) => set({ due })} error={err('due')} />
            )}
            <ResponsiblePicker label="Responsible" subject={subject} value={value.responsible} onChange={(responsible) => set({ responsible })} error={err('responsible')} />
            <Checkbox
              label="Complete it automatically when the deal leaves this stage"
              checked={value.autoComplete}
              onChange={(event) => set({ autoComplete: event.currentTarget.checked })}
              error={err('autoComplete')}
            />
          </>
        ) : null}

        {value.type === 'addToExceptions' ? (
          <Checkbox
            label="Also delete the record and its contact (history keeps both, by the Butler)"
            checked={value.deleteEntity}
            onChange={(event) => set({ deleteEntity: event.currentTarget.checked })}
            error={err('deleteEntity')}
          />
        ) : null}

        {value.type === 'sendEmail' ? (
          <>
            <Select
              label="To"
              data={[
                { value: 'contact', label: "the record's contact" },
                { value: 'responsible', label: "the record's responsible" },
                { value: 'address', label: 'an address' },
              ]}
              value={value.emailTo}
              onChange={(to) => set({ emailTo: (to ?? 'contact') as ActionForm['emailTo'] })}
              allowDeselect={false}
              error={err('to')}
            />
            {value.emailTo === 'address' ? <TemplateInput label="Address" value={value.address} onChange={(address) => set({ address })} error={err('address')} /> : null}
            <TemplateInput label="Subject" required value={value.subject} onChange={(subjectText) => set({ subject: subjectText })} error={err('subject')} />
            <TemplateInput label="Body" required multiline value={value.body} onChange={(body) => set({ body })} error={err('body')} />
            <TemplateInput
              label="HTML"
              description="Optional: the mail then has this HTML version, and the body is its text version. Values are HTML-escaped."
              multiline
              html
              value={value.html}
              onChange={(html) => set({ html })}
              error={err('html')}
            />
          </>
        ) : null}

        {value.type === 'notify' ? (
          <>
            <Select
              label="Notify"
              data={[
                { value: 'responsible', label: "the record's responsible" },
                { value: 'userId', label: 'a user' },
              ]}
              value={value.notifyTo}
              onChange={(to) => set({ notifyTo: (to ?? 'responsible') as ActionForm['notifyTo'] })}
              allowDeselect={false}
              error={err('to')}
            />
            {value.notifyTo === 'userId' ? <UserPicker label="User" value={value.userId} onChange={(userId) => set({ userId })} error={err('userId')} /> : null}
            <TemplateInput label="Message" required multiline value={value.message} onChange={(message) => set({ message })} error={err('message')} />
          </>
        ) : null}

        {value.type === 'updateFields' ? (
          <Stack gap="xs">
            {errorAt(errors, path('set')) ? (
              <Text c="red" size="sm">
                {errorAt(errors, path('set'))}
              </Text>
            ) : null}
            {value.set.map((row, rowIndex) => (
              <Group key={rowIndex} align="flex-start" grow>
                <FieldPicker
                  label="Field"
                  type={fieldType}
                  fields={fieldsOf(fieldType).filter((field) => !['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'stageId', 'pipelineId'].includes(field))}
                  value={row.field}
                  onChange={(field) => set({ set: value.set.map((item, position) => (position === rowIndex ? { ...item, field } : item)) })}
                  error={row.field ? errorAt(errors, path(`set.${row.field}`)) : undefined}
                />
                <TemplateInput label="Value" value={row.value} onChange={(text) => set({ set: value.set.map((item, position) => (position === rowIndex ? { ...item, value: text } : item)) })} />
                <ActionIcon mt={26} style={{ flexGrow: 0 }} variant="subtle" color="red" onClick={() => set({ set: value.set.filter((_, position) => position !== rowIndex) })} aria-label={`Remove field ${rowIndex + 1}`}>
                  ✕
                </ActionIcon>
              </Group>
            ))}
            <Button size="xs" variant="light" w="fit-content" onClick={() => set({ set: [...value.set, { field: '', value: '' }] })}>
              Add field
            </Button>
          </Stack>
        ) : null}

        {value.type === 'createDocument' ? (
          <>
            <TemplatePicker label="Template" value={value.templateId} onChange={(templateId) => set({ templateId })} error={err('templateId')} />
            <TemplateInput label="Document title" description="Empty: the template's name and the record's title" value={value.title} onChange={(title) => set({ title })} error={err('title')} />
          </>
        ) : null}

        {value.type === 'sendDocument' ? (
          <>
            <Text size="sm" c="dimmed">
              Sends the run's document (the trigger's, or the one an earlier step created) with a tracked link.
            </Text>
            <Group grow align="flex-start">
              <Select
                label="Channel"
                data={[
                  { value: 'email', label: 'e-mail' },
                  { value: 'sms', label: 'SMS' },
                ]}
                value={value.channel}
                onChange={(channel) => set({ channel: (channel ?? 'email') as ActionForm['channel'] })}
                allowDeselect={false}
                error={err('channel')}
              />
              <Select
                label="Send to"
                data={[
                  { value: 'contact', label: "the record's contact" },
                  { value: 'address', label: value.channel === 'sms' ? 'a phone number' : 'an address' },
                ]}
                value={value.documentTo}
                onChange={(to) => set({ documentTo: (to ?? 'contact') as ActionForm['documentTo'] })}
                allowDeselect={false}
                error={err('to')}
              />
            </Group>
            {value.documentTo === 'address' ? (
              <TemplateInput label={value.channel === 'sms' ? 'Phone number' : 'Address'} required value={value.address} onChange={(address) => set({ address })} error={err('address')} />
            ) : null}
            {value.channel === 'email' ? (
              <TemplateInput label="Subject" description="Empty: the template's subject" value={value.subject} onChange={(subjectText) => set({ subject: subjectText })} error={err('subject')} />
            ) : null}
            <TemplateInput label="Message" description="The link is added below it" multiline value={value.message} onChange={(message) => set({ message })} error={err('message')} />
          </>
        ) : null}

        {value.type === 'callWebhook' ? <WebhookFields value={value} set={set} err={err} /> : null}

        {value.type === 'assign' ? (
          <>
            <Select
              label="Assign to"
              data={[
                { value: 'users', label: 'the next of these users, in turn' },
                { value: 'role', label: 'the next user with a role, in turn' },
              ]}
              value={value.assignTo}
              onChange={(to) => set({ assignTo: (to ?? 'users') as ActionForm['assignTo'] })}
              allowDeselect={false}
              // "exactly one of users or role" names the step itself.
              error={errorAt(errors, stepPath)}
            />
            {value.assignTo === 'users' ? (
              <UsersPicker
                label="Users"
                description="Each new record goes to the next one in this order; inactive users are passed over"
                value={value.users}
                onChange={(users) => set({ users })}
                error={err('users')}
              />
            ) : (
              <Select
                label="Role"
                description="Every active user with this role, in turn"
                data={userRoles.map((role) => ({ value: role, label: role === 'admin' ? 'admins' : 'members' }))}
                value={value.role}
                onChange={(role) => set({ role: (role ?? 'member') as ActionForm['role'] })}
                allowDeselect={false}
                error={err('role')}
              />
            )}
          </>
        ) : null}

        {value.type === 'moveToStage' ? (
          <>
            <StagePicker label="Move to stage" entity={subject === 'lead' ? 'lead' : 'deal'} pipelineId={pipelineId} value={value.stageId} onChange={(stageId) => set({ stageId })} error={err('stageId')} />
            <Checkbox label="Also move backwards" checked={value.allowBackward} onChange={(event) => set({ allowBackward: event.currentTarget.checked })} error={err('allowBackward')} />
          </>
        ) : null}
      </Stack>
    </Paper>
  );
}

/** callWebhook: where and how to call, the headers and body sent, the secret that signs it, and the name later steps read its answer by. */
function WebhookFields({ value, set, err }: { value: ActionForm; set: (patch: Partial<ActionForm>) => void; err: (field: string) => string | undefined }) {
  const headers = value.headers ?? [];
  // The last header removed leaves none given, not an empty list.
  const setHeaders = (rows: HeaderRow[]) => set({ headers: rows.length > 0 ? rows : undefined });
  const setHeader = (index: number, patch: Partial<HeaderRow>) => setHeaders(headers.map((row, position) => (position === index ? { ...row, ...patch } : row)));
  return (
    <>
      <Group grow align="flex-start">
        <TemplateInput label="URL" required value={value.url} onChange={(url) => set({ url })} error={err('url')} />
        <Select
          label="Method"
          data={[...webhookMethods]}
          value={value.method || 'POST'}
          onChange={(method) => set({ method: (method ?? 'POST') as ActionForm['method'] })}
          allowDeselect={false}
          error={err('method')}
          style={{ flexGrow: 0 }}
          w={120}
        />
      </Group>
      <Stack gap="xs">
        {err('headers') ? (
          <Text c="red" size="sm">
            {err('headers')}
          </Text>
        ) : null}
        {headers.map((row, index) => {
          // The API names a header's problem by the header (its name or its value): the message goes under the value.
          const rowError = row.name.trim() ? err(`headers.${row.name.trim()}`) : undefined;
          // What the definition cannot hold, said before a save drops it: a value without a name, a name given twice.
          const nameProblem = !row.name.trim()
            ? row.value.trim()
              ? 'a header needs a name: without one it is not sent'
              : undefined
            : headers.findIndex((other) => other.name.trim().toLowerCase() === row.name.trim().toLowerCase()) !== index
              ? 'given twice: this one replaces the one above'
              : undefined;
          return (
            <Group key={index} align="flex-start" grow>
              <TextInput
                label={`Header ${index + 1} name`}
                placeholder="X-Source"
                value={row.name}
                onChange={(event) => setHeader(index, { name: event.currentTarget.value })}
                error={nameProblem ?? rowError !== undefined}
              />
              <TemplateInput label={`Header ${index + 1} value`} value={row.value} onChange={(text) => setHeader(index, { value: text })} error={rowError} />
              <ActionIcon mt={26} style={{ flexGrow: 0 }} variant="subtle" color="red" onClick={() => setHeaders(headers.filter((_, position) => position !== index))} aria-label={`Remove header ${index + 1}`}>
                ✕
              </ActionIcon>
            </Group>
          );
        })}
        <Button size="xs" variant="light" w="fit-content" onClick={() => setHeaders([...headers, { name: '', value: '' }])}>
          Add header
        </Button>
      </Stack>
      <TemplateInput
        label="Body"
        description="A Liquid template that renders JSON (put values through | json); empty: the record and the run"
        multiline
        value={value.payload}
        onChange={(payload) => set({ payload })}
        error={err('body')}
      />
      <WebhookSecretPicker
        label="Signing secret"
        description="Signs each request (Stagecraft-Signature) with a secret made in Settings → Webhook secrets"
        value={value.secretId}
        onChange={(secretId) => set({ secretId })}
        error={err('secretId')}
      />
      <Group grow align="flex-start">
        <TextInput
          label="Step name"
          description="Later steps read the answer as {{ steps.<name>.response… }}"
          placeholder="ticketing"
          value={value.webhookName}
          onChange={(event) => set({ webhookName: event.currentTarget.value })}
          error={err('name')}
        />
        <NumberInput
          label="Timeout (seconds)"
          description="Per attempt, 1 to 30; empty: 10"
          min={1}
          max={30}
          allowDecimal={false}
          value={value.timeoutSeconds}
          onChange={(timeout) => set({ timeoutSeconds: String(timeout) })}
          error={err('timeoutSeconds')}
        />
      </Group>
    </>
  );
}

/** branch: its name, the conditions it decides on (as the automation's own), and the steps of each arm. */
function BranchFields({
  value,
  set,
  label,
  path,
  depth,
  fieldType,
  context,
}: {
  value: ActionForm;
  set: (patch: Partial<ActionForm>) => void;
  label: string;
  path: string;
  depth: number;
  fieldType: RecordTypeName;
  context: Context;
}) {
  const { errors } = context;
  const named = lowerFirst(label);
  const arm = (key: 'then' | 'else', title: string) => {
    const listName = `${title} steps of ${named}`;
    const listError = errorAt(errors, `${path}.${key}`);
    return (
      <Box component="section" aria-label={listName} pl="md" style={{ borderLeft: '2px solid var(--mantine-color-gray-3)' }}>
        <Text fw={600} size="sm" mb={4}>
          {title}
        </Text>
        {listError ? (
          <Text c="red" size="sm" mb={4}>
            {listError}
          </Text>
        ) : null}
        <StepList
          {...context}
          steps={key === 'then' ? value.thenSteps : value.elseSteps}
          onChange={(steps) => set(key === 'then' ? { thenSteps: steps } : { elseSteps: steps })}
          path={`${path}.${key}`}
          stepLabel={(index) => `${label}, ${key} step ${index + 1}`}
          addText="Add step"
          addName={`Add step to ${lowerFirst(listName)}`}
          depth={depth + 1}
        />
      </Box>
    );
  };
  return (
    <>
      <TextInput
        label="Branch name"
        description='Shown in the run log: "If big deal"'
        placeholder="big deal"
        value={value.branchName}
        onChange={(event) => set({ branchName: event.currentTarget.value })}
        error={errorAt(errors, `${path}.name`)}
      />
      <Text fw={600} size="sm">
        If
      </Text>
      <ConditionsEditor label={`Conditions of ${named}`} path={`${path}.if`} value={value.when} onChange={(when) => set({ when })} errors={errors} type={fieldType} />
      {arm('then', 'Then')}
      {arm('else', 'Else')}
    </>
  );
}
