import type { Principal } from '#shared/auth/principal.ts';
import { NotFoundError } from '#shared/errors.ts';
import { isId, newId } from '#shared/ids.ts';
import type { CreateTemplateInput, UpdateTemplateInput } from '#shared/templates/template-schema.ts';
import {
  deleteTemplate,
  getTemplate,
  listProjectTemplates,
  putTemplate,
  type TemplateRecord,
} from '#shared/templates/template-store.ts';

export async function createTemplate(caller: Principal, input: CreateTemplateInput): Promise<TemplateRecord> {
  const now = new Date().toISOString();
  const template: TemplateRecord = {
    id: newId('template'),
    projectId: caller.projectId,
    ...input,
    createdAt: now,
    updatedAt: now,
  };
  await putTemplate(template);
  return template;
}

/** The project's template; another project's, or a malformed id, is not found. */
export async function findTemplate(caller: Principal, id: string): Promise<TemplateRecord> {
  const template = isId('template', id) ? await getTemplate(id) : undefined;
  if (!template || template.projectId !== caller.projectId) throw new NotFoundError('Template');
  return template;
}

export async function updateTemplate(
  caller: Principal,
  id: string,
  input: UpdateTemplateInput,
): Promise<TemplateRecord> {
  const template = await findTemplate(caller, id);
  const updated: TemplateRecord = { ...template, ...input, updatedAt: new Date().toISOString() };
  await putTemplate(updated);
  return updated;
}

export async function removeTemplate(caller: Principal, id: string): Promise<TemplateRecord> {
  const template = await findTemplate(caller, id);
  await deleteTemplate(template.id);
  return template;
}

export function listTemplates(caller: Principal): Promise<TemplateRecord[]> {
  return listProjectTemplates(caller.projectId);
}
