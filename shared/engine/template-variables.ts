// The variables a run's templates see, loaded from the table: one function for the real run (run-action) and
// the dry run (runs.ts), so a dry run renders exactly what the run would.
import { type TemplateContextInput, templateContext } from '#shared/automation/template-context.ts';
import { documentVariablesOf } from '#shared/crm/document-templates.ts';
import type { Store } from '#shared/store/index.ts';

export type TemplateVariablesInput = Omit<TemplateContextInput, 'contact' | 'company' | 'entity'> & { entity: Record<string, unknown> };

/** The subject's contact and company (by its ids; a contact is its own contact), the document's variables, and the rest as given. */
export async function loadTemplateVariables(store: Store, input: TemplateVariablesInput): Promise<Record<string, unknown>> {
  const { entity, entityType } = input;
  const contactId = entityType === 'contact' || typeof entity.contactId !== 'string' ? undefined : entity.contactId;
  const companyId = typeof entity.companyId === 'string' ? entity.companyId : undefined;
  const [contact, company, documentVariables] = await Promise.all([
    contactId ? store.records.get('contact', contactId) : undefined,
    companyId ? store.records.get('company', companyId) : undefined,
    documentVariablesOf(store, input.event),
  ]);
  return {
    ...templateContext({ ...input, ...(contact ? { contact } : {}), ...(company ? { company } : {}) }),
    ...documentVariables,
  };
}
