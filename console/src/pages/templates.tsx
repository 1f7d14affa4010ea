import type { Mailroom } from '@mailroom/sdk';
import { href } from '../router.ts';
import { Loading, Page, useLoad, when } from '../ui.tsx';
import { HtmlPreview } from './preview.tsx';

export function TemplatesPage({ mailroom, id }: { mailroom: Mailroom; id?: string | undefined }) {
  return id ? <TemplatePage mailroom={mailroom} id={id} /> : <TemplateList mailroom={mailroom} />;
}

function TemplateList({ mailroom }: { mailroom: Mailroom }) {
  const templates = useLoad(() => mailroom.templates.list(), []);
  return (
    <Page title="Templates">
      <Loading
        loaded={templates}
        isEmpty={(data) => data.templates.length === 0}
        empty={<p>No templates. Create one with POST /api/v1/templates, then send with template_id.</p>}
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Subject</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {data.templates.map((template) => (
                <tr key={template.id}>
                  <td>
                    <a href={href('templates', template.id)}>{template.name}</a>
                  </td>
                  <td>{template.subject ?? '—'}</td>
                  <td>{when(template.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
    </Page>
  );
}

function TemplatePage({ mailroom, id }: { mailroom: Mailroom; id: string }) {
  const template = useLoad(() => mailroom.templates.get(id), [id]);
  return (
    <Page title="Template" actions={<a href={href('templates')}>← All templates</a>}>
      <Loading loaded={template}>
        {(data) => (
          <div className="card">
            <h2>{data.name}</h2>
            <p>
              Subject: <strong>{data.subject ?? '—'}</strong> · <code>{data.id}</code>
            </p>
            {data.html ? <HtmlPreview html={data.html} title={`Preview of ${data.name}`} /> : null}
            {data.text ? <pre className="text">{data.text}</pre> : null}
          </div>
        )}
      </Loading>
    </Page>
  );
}
