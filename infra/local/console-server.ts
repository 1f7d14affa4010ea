/**
 * The web console on the local API port, as CloudFront serves it from S3 beside the API:
 * `/` is the app, `/docs` the API reference page, `/static/…` their files, with the
 * deployed Content-Security-Policy. The page carries the local live key, so `npm start`
 * opens the console signed in.
 */
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { apiReferencePage } from '../api-reference.ts';
import { consoleHeaders, ensureConsoleBuilt } from '../console.ts';
import type { ExtraHandler } from './http-adapter.ts';
import { isLocalHost } from './http-util.ts';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export function consoleHandler(localKey: string): ExtraHandler {
  const dist = ensureConsoleBuilt();
  const page = readFileSync(join(dist, 'index.html'), 'utf8');
  const signedIn = page.replace(
    '<head>',
    `<head>\n    <meta name="mailroom-local-key" content="${localKey}" />`,
  );
  const reference = readFileSync(join(dist, apiReferencePage));
  return (request, response, url) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = url.pathname;
    if (path === `/${apiReferencePage}`) {
      response.writeHead(200, {
        'content-type': types['.html'] as string,
        'cache-control': 'no-cache',
        ...consoleHeaders,
      });
      response.end(request.method === 'HEAD' ? undefined : reference);
      return true;
    }
    if (path === '/' || path === '/index.html') {
      // The key only for this machine's own names: a page on another name that resolves
      // here (DNS rebinding) gets the sign-in page instead.
      const local = isLocalHost(request.headers.host);
      response.writeHead(200, {
        'content-type': types['.html'] as string,
        'cache-control': 'no-store',
        ...consoleHeaders,
      });
      response.end(request.method === 'HEAD' ? undefined : local ? signedIn : page);
      return true;
    }
    if (!path.startsWith('/static/')) return false;
    const file = normalize(join(dist, path));
    if (!file.startsWith(join(dist, 'static'))) return false;
    try {
      const body = readFileSync(file);
      response.writeHead(200, {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'public, max-age=31536000, immutable',
        ...consoleHeaders,
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not found');
    }
    return true;
  };
}
