// A record's documents with their state: create (from a template, or by title), read what a template made, sign as
// sender or recipient, mark viewed.
import { Alert, Badge, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { HtmlPreview } from '../../../components/HtmlPreview';
import { EmptyState, QueryState } from '../../../components/States';
import { describeError } from '../../../lib/api';
import { useDocumentTemplates } from '../../../lib/document-templates';
import type { DocumentRecord, RecordCollection } from '../../../lib/records';
import { ownerOf, useDocuments, useOwnedWrite } from '../api/records';

export function documentState(document: DocumentRecord): { label: string; color: string } {
  if (document.signedBySenderAt && document.signedByRecipientAt) return { label: 'signed by both', color: 'green' };
  if (document.signedByRecipientAt) return { label: 'signed by recipient', color: 'teal' };
  if (document.signedBySenderAt) return { label: 'signed by sender', color: 'blue' };
  if (document.viewedAt) return { label: 'viewed', color: 'yellow' };
  return { label: 'draft', color: 'gray' };
}

export function DocumentsPanel({ collection, id }: { collection: RecordCollection; id: string }) {
  const documents = useDocuments(collection, id);
  const write = useOwnedWrite(collection, id);
  const templates = useDocumentTemplates();
  const [title, setTitle] = useState('');
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [open, setOpen] = useState<string | undefined>();
  const [idempotencyKey, setKey] = useState(() => crypto.randomUUID());
  const create = (event: FormEvent) => {
    event.preventDefault();
    // From a template, an empty title is the template's; the API renders the body over this record.
    const body = { ...(templateId ? { templateId } : {}), ...(title.trim() || !templateId ? { title } : {}), ...ownerOf(collection, id) };
    write.mutate(
      { path: '/documents', method: 'POST', idempotencyKey, body },
      {
        onSuccess: () => {
          setTitle('');
          setTemplateId(null);
          setKey(crypto.randomUUID());
        },
      },
    );
  };
  return (
    <Stack gap="sm">
      <QueryState query={documents} isEmpty={(page) => page.items.length === 0} empty={<EmptyState title="No documents" />}>
        {(page) => (
          <Stack gap={8} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
            {page.items.map((document) => {
              const state = documentState(document);
              return (
                <Stack key={document.id} gap={4} component="li">
                  <Group justify="space-between" wrap="nowrap">
                    <Text size="sm" fw={500}>
                      {document.title}
                    </Text>
                    <Badge color={state.color} variant="light">
                      {state.label}
                    </Badge>
                  </Group>
                  <Group gap={6}>
                    <Button size="compact-xs" variant="default" disabled={Boolean(document.signedBySenderAt)} onClick={() => write.mutate({ path: `/documents/${document.id}/sign`, method: 'POST', body: { party: 'sender' } })}>
                      Sign as sender
                    </Button>
                    <Button size="compact-xs" variant="default" disabled={Boolean(document.signedByRecipientAt)} onClick={() => write.mutate({ path: `/documents/${document.id}/sign`, method: 'POST', body: { party: 'recipient' } })}>
                      Sign as recipient
                    </Button>
                    <Button size="compact-xs" variant="default" onClick={() => write.mutate({ path: `/documents/${document.id}/view`, method: 'POST' })}>
                      Mark viewed
                    </Button>
                    {document.body !== undefined ? (
                      <Button size="compact-xs" variant="subtle" aria-expanded={open === document.id} onClick={() => setOpen((was) => (was === document.id ? undefined : document.id))}>
                        {open === document.id ? 'Hide' : 'Read'}
                      </Button>
                    ) : null}
                  </Group>
                  {open === document.id && document.body !== undefined ? <HtmlPreview title={`Document ${document.title ?? document.id}`} html={document.body} height={480} /> : null}
                </Stack>
              );
            })}
          </Stack>
        )}
      </QueryState>
      {write.isError ? (
        <Alert color="red" p="xs" role="alert">
          {describeError(write.error)}
        </Alert>
      ) : null}
      <form onSubmit={create} aria-label="New document">
        <Group gap="xs" align="flex-end">
          <Select
            label="From template"
            placeholder="None"
            size="xs"
            clearable
            data={(templates.data ?? []).map((template) => ({ value: template.id, label: template.name }))}
            value={templateId}
            onChange={setTemplateId}
            w={180}
          />
          <TextInput
            label="New document"
            placeholder={templateId ? "Title (the template's if empty)" : 'Title'}
            size="xs"
            style={{ flex: 1 }}
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
          />
          <Button type="submit" size="xs" loading={write.isPending}>
            Create
          </Button>
        </Group>
      </form>
    </Stack>
  );
}
