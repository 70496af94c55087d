// Document templates: the list, and an editor for a new or chosen one (name, kind, the Liquid body with the
// variables it may name, the parties that sign, the mail's subject), with a preview on a chosen record.
import { Alert, Badge, Button, Checkbox, Group, Paper, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { documentKinds, documentVariables, templateVariables } from '#shared/domain/documents.ts';
import { HtmlPreview } from '../../../components/HtmlPreview';
import { EmptyState, QueryState } from '../../../components/States';
import { ApiError, describeError } from '../../../lib/api';
import { type DocumentTemplate, useDocumentTemplates } from '../../../lib/document-templates';
import { keys } from '../../../lib/query';
import { usePreviewRecords, useSettingsWrite, useTemplatePreview } from '../api/settings';

type Party = 'sender' | 'recipient';
type Kind = (typeof documentKinds)[number];

interface Draft {
  name: string;
  kind: Kind;
  body: string;
  parties: Party[];
  subject: string;
}

const blankDraft: Draft = { name: '', kind: 'quote', body: '', parties: ['sender', 'recipient'], subject: '' };

const draftOf = (template: DocumentTemplate): Draft => ({
  name: template.name,
  kind: template.kind,
  body: template.body,
  parties: [...template.parties],
  subject: template.subject ?? '',
});

/** The variables a body may name, grouped as the editor offers them. */
export const templateVariableGroups: Array<{ label: string; variables: string[] }> = [
  { label: 'Deal', variables: ['deal.title', 'deal.amount', 'deal.currency', 'deal.closeDate', 'deal.stageId', 'deal.fields.your_field'] },
  { label: 'Lead', variables: ['lead.title', 'lead.name', 'lead.source'] },
  { label: 'Contact and company', variables: ['contact.name', 'contact.emails[0]', 'contact.phones[0]', 'company.name'] },
  { label: 'Document', variables: documentVariables.map((field) => `document.${field}`) },
  { label: 'Template', variables: templateVariables.map((field) => `template.${field}`) },
  { label: 'Other', variables: ['entity.id', 'now'] },
];

const kindLabels: Record<Kind, string> = { quote: 'Quote', contract: 'Contract', invoice: 'Invoice', other: 'Other' };

const fieldError = (error: unknown, path: string): string | undefined =>
  error instanceof ApiError
    ? error.details
        .filter((detail) => detail.path === path || detail.path?.startsWith(`${path}.`))
        .map((detail) => detail.message)
        .join('; ') || undefined
    : undefined;

export function TemplatesSettings() {
  const templates = useDocumentTemplates();
  const [editing, setEditing] = useState<DocumentTemplate | 'new' | undefined>();
  // One editor per opening: a template just created stays in the same editor, now with its id.
  const [opened, setOpened] = useState(0);
  const open = (template: DocumentTemplate | 'new') => (setOpened((count) => count + 1), setEditing(template));
  if (editing) {
    return <TemplateEditor key={opened} template={editing === 'new' ? undefined : editing} onDone={(saved) => setEditing(saved)} onClose={() => setEditing(undefined)} />;
  }
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Documents are made from these templates by automations (Create document) or through the API, rendered on the deal or lead with its contact and company.
        </Text>
        <Button onClick={() => open('new')}>New template</Button>
      </Group>
      <QueryState query={templates} isEmpty={(items) => items.length === 0} empty={<EmptyState title="No document templates yet">Create one for your quotes, contracts or invoices.</EmptyState>}>
        {(items) => (
          <Table aria-label="Document templates" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Signed by</Table.Th>
                <Table.Th>Changed</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((template) => (
                <Table.Tr key={template.id}>
                  <Table.Td>{template.name}</Table.Td>
                  <Table.Td>
                    <Badge variant="light">{kindLabels[template.kind]}</Badge>
                  </Table.Td>
                  <Table.Td>{template.parties.length > 0 ? template.parties.join(' and ') : 'nobody'}</Table.Td>
                  <Table.Td>{new Date(template.updatedAt).toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="light" onClick={() => open(template)} aria-label={`Edit ${template.name}`}>
                      Edit
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}

function TemplateEditor({ template, onDone, onClose }: { template: DocumentTemplate | undefined; onDone: (saved: DocumentTemplate) => void; onClose: () => void }) {
  const [draft, setDraft] = useState<Draft>(template ? draftOf(template) : blankDraft);
  const [saved, setSaved] = useState(false);
  const write = useSettingsWrite([keys.documentTemplates]);
  const set = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const body = { name: draft.name, kind: draft.kind, body: draft.body, parties: draft.parties };
    const request = template
      ? { path: `/document-templates/${encodeURIComponent(template.id)}`, method: 'PATCH' as const, body: { ...body, subject: draft.subject.trim() ? draft.subject : null }, ifMatch: template.version }
      : { path: '/document-templates', method: 'POST' as const, body: { ...body, ...(draft.subject.trim() ? { subject: draft.subject } : {}) } };
    write.mutate(request, {
      onSuccess: (result) => {
        setSaved(true);
        onDone(result as DocumentTemplate);
      },
    });
  };
  const err = (path: string) => fieldError(write.error, path);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{template ? `Template “${template.name}”` : 'New template'}</Title>
        <Button variant="subtle" onClick={onClose}>
          Back to the templates
        </Button>
      </Group>
      <Group align="flex-start" grow wrap="wrap">
        <form onSubmit={submit} aria-label="Document template" style={{ minWidth: 360 }}>
          <Stack>
            <TextInput label="Name" required maxLength={200} value={draft.name} onChange={(event) => set({ name: event.currentTarget.value })} error={err('name')} />
            <Select label="Kind" data={documentKinds.map((kind) => ({ value: kind, label: kindLabels[kind] }))} value={draft.kind} onChange={(kind) => set({ kind: (kind ?? 'quote') as Kind })} allowDeselect={false} error={err('kind')} />
            <Checkbox.Group label="Signed by" description="The recipient signs on the link’s page; the sender through the API or the record page" value={draft.parties} onChange={(parties) => set({ parties: parties as Party[] })} error={err('parties')}>
              <Group mt={4}>
                <Checkbox value="sender" label="the sender" />
                <Checkbox value="recipient" label="the recipient" />
              </Group>
            </Checkbox.Group>
            <TextInput label="Mail subject" description="Liquid; empty: the template’s name" value={draft.subject} onChange={(event) => set({ subject: event.currentTarget.value })} error={err('subject')} />
            <Textarea
              label="Body"
              description="HTML with Liquid: {{ deal.title }}. Every value from a record is escaped."
              required
              autosize
              minRows={8}
              value={draft.body}
              onChange={(event) => set({ body: event.currentTarget.value })}
              error={err('body')}
              styles={{ input: { fontFamily: 'monospace' } }}
            />
            <VariableList onPick={(variable) => set({ body: `${draft.body}{{ ${variable} }}` })} />
            {write.isError && !err('name') && !err('body') && !err('kind') && !err('subject') && !err('parties') ? (
              <Alert color="red" role="alert" title="Not saved">
                {describeError(write.error)}
              </Alert>
            ) : null}
            {saved ? (
              <Alert color="green" role="status">
                Saved.
              </Alert>
            ) : null}
            <Group>
              <Button type="submit" loading={write.isPending}>
                {template ? 'Save template' : 'Create template'}
              </Button>
            </Group>
          </Stack>
        </form>
        <TemplatePreview templateId={template?.id} body={draft.body} />
      </Group>
    </Stack>
  );
}

function VariableList({ onPick }: { onPick: (variable: string) => void }) {
  return (
    <Stack gap={4} aria-label="Variables">
      <Text size="sm" fw={500}>
        Variables (click to add to the body)
      </Text>
      {templateVariableGroups.map((group) => (
        <Group key={group.label} gap={4}>
          <Text size="xs" c="dimmed" w={120}>
            {group.label}
          </Text>
          {group.variables.map((variable) => (
            <Button key={variable} size="compact-xs" variant="default" onClick={() => onPick(variable)} aria-label={`Add ${variable}`}>
              {variable}
            </Button>
          ))}
        </Group>
      ))}
    </Stack>
  );
}

const previewTypes = [
  { value: 'deal', label: 'Deal', collection: 'deals' },
  { value: 'lead', label: 'Lead', collection: 'leads' },
  { value: 'contact', label: 'Contact', collection: 'contacts' },
  { value: 'company', label: 'Company', collection: 'companies' },
] as const;

function TemplatePreview({ templateId, body }: { templateId: string | undefined; body: string }) {
  const [entityType, setEntityType] = useState<(typeof previewTypes)[number]['value']>('deal');
  const [entityId, setEntityId] = useState<string | null>(null);
  const collection = previewTypes.find((type) => type.value === entityType)!.collection;
  const records = usePreviewRecords(collection);
  const preview = useTemplatePreview();
  const run = () => templateId && entityId && preview.mutate({ templateId, entityType, entityId, ...(body.trim() ? { body } : {}) });
  return (
    <Paper withBorder p="md" component="section" aria-label="Preview" style={{ minWidth: 360 }}>
      <Stack gap="sm">
        <Text fw={600}>Preview</Text>
        {templateId ? null : (
          <Text size="sm" c="dimmed">
            Create the template to preview it on a record.
          </Text>
        )}
        <Group grow align="flex-end">
          <Select label="Record type" data={previewTypes.map(({ value, label }) => ({ value, label }))} value={entityType} onChange={(next) => (setEntityType((next ?? 'deal') as typeof entityType), setEntityId(null))} allowDeselect={false} />
          <Select
            label="Preview on"
            placeholder="Choose a record"
            searchable
            data={(records.data?.items ?? []).map((record) => ({ value: record.id, label: String(record.title ?? record.name ?? record.id) }))}
            value={entityId}
            onChange={setEntityId}
          />
        </Group>
        <Button variant="light" w="fit-content" disabled={!templateId || !entityId} loading={preview.isPending} onClick={run}>
          Show preview
        </Button>
        {preview.isError ? (
          <Alert color="red" role="alert" title="No preview">
            {describeError(preview.error)}
          </Alert>
        ) : null}
        {preview.data ? (
          <Stack gap={4}>
            <Text size="sm" fw={500} aria-label="Preview title">
              {preview.data.title}
            </Text>
            {/* The rendered HTML in a sandbox, values escaped by the API: a page of a document. */}
            <HtmlPreview title="Rendered document" html={preview.data.body} height={560} />
          </Stack>
        ) : null}
      </Stack>
    </Paper>
  );
}
