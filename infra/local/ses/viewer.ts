import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLocalHost, sendJson } from '../http-util.ts';
import type { LocalSes } from './local-ses.ts';
import { parseView } from './mail-work.ts';

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mailroom · local mail</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 380px 1fr; height: 100vh; }
  aside { border-right: 1px solid #ddd; overflow: auto; }
  aside div { padding: 10px 14px; border-bottom: 1px solid #eee; cursor: pointer; }
  aside div:hover, aside div.open { background: #f3f6ff; }
  small { color: #666; display: block; }
  main { display: grid; grid-template-rows: auto 1fr 30%; min-width: 0; }
  header { padding: 10px 14px; border-bottom: 1px solid #ddd; }
  iframe { border: 0; width: 100%; height: 100%; }
  pre { margin: 0; padding: 10px 14px; overflow: auto; background: #fafafa; border-top: 1px solid #ddd; font-size: 12px; }
</style></head>
<body>
<aside id="list"><div>No mail yet.</div></aside>
<main><header id="head">Select a message.</header><iframe id="html" sandbox></iframe><pre id="raw"></pre></main>
<script>
const base = location.pathname.replace(/\\/viewer$/, '');
const text = (value) => String(value).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
async function open(id, row) {
  document.querySelectorAll('aside div').forEach((el) => el.classList.remove('open'));
  row.classList.add('open');
  const mail = await (await fetch(base + '/mail/' + id)).json();
  document.getElementById('head').innerHTML = '<b>' + text(mail.subject) + '</b><small>From ' + text(mail.from) +
    ' to ' + text(mail.destination.join(', ')) + ' · ' + text(mail.timestamp) + ' · events: ' + text(mail.events.join(', ')) + '</small>';
  document.getElementById('html').src = base + '/mail/' + id + '/html';
  document.getElementById('raw').textContent = await (await fetch(base + '/mail/' + id + '/raw')).text();
}
async function refresh() {
  const mail = await (await fetch(base + '/mail')).json();
  if (mail.length === 0) return;
  const list = document.getElementById('list');
  const openId = list.querySelector('.open')?.dataset.id;
  list.innerHTML = '';
  for (const m of mail) {
    const row = document.createElement('div');
    row.dataset.id = m.messageId;
    row.innerHTML = '<b>' + text(m.subject || '(no subject)') + '</b><small>' + text(m.destination.join(', ')) + '</small><small>' + text(m.timestamp) + '</small>';
    row.onclick = () => open(m.messageId, row);
    if (m.messageId === openId) row.classList.add('open');
    list.append(row);
  }
}
refresh(); setInterval(refresh, 2000);
</script></body></html>`;

/**
 * The mail viewer and its JSON read API, under `/_local`:
 * `GET /_local/viewer` (the page), `GET /_local/mail` (newest first),
 * `GET /_local/mail/:messageId` (parsed), `…/raw` (MIME), `…/html` (the HTML part,
 * sandboxed), `DELETE /_local/mail` (clear). Returns false for any other path.
 */
export function handleViewer(
  ses: LocalSes,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): boolean {
  const path = url.pathname;
  if (!path.startsWith('/_local/mail') && path !== '/_local/viewer') return false;
  // Captured mail holds what only its recipients may read (one-time codes among it):
  // never to a page on another name that resolves here.
  if (!isLocalHost(request.headers.host)) {
    sendJson(response, 403, { error: 'The mail viewer answers local host names only.', code: 'forbidden' });
    return true;
  }
  if (path === '/_local/viewer') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page);
    return true;
  }
  if (path === '/_local/mail') {
    if (request.method === 'DELETE') {
      ses.clearMail();
      sendJson(response, 200, { deleted: true });
    } else {
      sendJson(response, 200, ses.listMail());
    }
    return true;
  }
  const [, , , id, part] = path.split('/');
  const mail = id ? ses.getMail(decodeURIComponent(id)) : undefined;
  const raw = mail ? ses.rawMail(mail.messageId) : undefined;
  if (!mail || !raw) {
    sendJson(response, 404, { error: 'No captured mail with that id.', code: 'not_found' });
    return true;
  }
  if (part === 'raw') {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(raw);
    return true;
  }
  parseView(raw).then(
    (parsed) => {
      if (part === 'html') {
        response.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy':
            "sandbox; default-src 'none'; img-src data: https:; style-src 'unsafe-inline'",
        });
        response.end(parsed.html || `<pre>${(parsed.text ?? '').replace(/</g, '&lt;')}</pre>`);
        return;
      }
      sendJson(response, 200, {
        ...mail,
        html: parsed.html,
        text: parsed.text,
        headers: parsed.headerLines,
        attachments: parsed.attachments,
      });
    },
    (error: unknown) => sendJson(response, 500, { error: String(error), code: 'internal_error' }),
  );
  return true;
}
