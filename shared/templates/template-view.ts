import type { TemplateRecord } from '#shared/templates/template-store.ts';

/** A template in full (create, read, update). */
export function templateView(template: TemplateRecord) {
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

/** A template in the AutoRelay list (`{"templates":[{id,name,subject,createdAt}]}`). */
export function templateSummary(template: TemplateRecord) {
  return {
    id: template.id,
    name: template.name,
    subject: template.subject ?? null,
    createdAt: template.createdAt,
  };
}
