import type { TemplateRecord } from '#shared/templates/template-store.ts';
import type { templateSummarySchema, templateViewSchema } from '#shared/templates/template-view-schema.ts';
import type * as z from '#shared/zod.ts';

export function templateView(template: TemplateRecord): z.infer<typeof templateViewSchema> {
  return {
    id: template.id,
    object: 'template',
    name: template.name,
    subject: template.subject ?? null,
    html: template.html ?? null,
    text: template.text ?? null,
    createdAt: template.createdAt,
    updatedAt: template.updatedAt,
  };
}

export function templateSummary(template: TemplateRecord): z.infer<typeof templateSummarySchema> {
  return {
    id: template.id,
    name: template.name,
    subject: template.subject ?? null,
    createdAt: template.createdAt,
  };
}
