// Document templates, read by the templates screen and the automation builder's pickers.
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { DocumentTemplateInput } from '#shared/domain/documents.ts';
import type { RecordMeta } from '#shared/domain/entities.ts';
import { keys } from './query';
import type { Page } from './records';
import { useApi } from './session';

export type DocumentTemplate = z.output<typeof DocumentTemplateInput> & RecordMeta;

export function useDocumentTemplates() {
  const api = useApi();
  return useQuery({
    queryKey: keys.documentTemplates,
    queryFn: () => api.request<Page<DocumentTemplate>>('/document-templates', { query: { limit: 100 } }),
    select: (page) => page.items,
    staleTime: 30_000,
  });
}
