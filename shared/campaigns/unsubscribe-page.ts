/** The pages the unsubscribe link opens: small, self-contained, no script and nothing fetched from elsewhere. */

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Nothing the page could load or run, and no framing by other sites. */
export const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f6f7f9;color:#1f2328;margin:0}
main{max-width:32rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.4rem;margin:0 0 .75rem}p{line-height:1.5}
button{font:inherit;padding:.6rem 1.1rem;border-radius:8px;border:1px solid #1f2328;background:#fff;cursor:pointer}
</style>
</head>
<body><main>${body}</main></body>
</html>
`;
}

/** The link's own address, so the page's form posts back to it (token in the query). */
const form = (action: string, field: string, label: string) =>
  `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="action" value="${field}"><button type="submit">${label}</button></form>`;

/** What the `List-Unsubscribe` header's address shows: nothing changed yet, one button to apply it. */
export function confirmPage(email: string | undefined, selfUrl: string): string {
  const who = email ? `<strong>${escapeHtml(email)}</strong>` : 'this address';
  return page(
    'Unsubscribe from this list?',
    `<h1>Unsubscribe from this list?</h1><p>Confirm to stop emails from this list to ${who}.</p>${form(selfUrl, 'unsubscribe', 'Unsubscribe')}`,
  );
}

export function unsubscribedPage(email: string | undefined, selfUrl: string): string {
  const who = email ? `<strong>${escapeHtml(email)}</strong> will` : 'You will';
  return page(
    'You have been unsubscribed',
    `<h1>You have been unsubscribed</h1><p>${who} no longer receive emails from this list.</p><p>Unsubscribed by mistake?</p>${form(selfUrl, 'resubscribe', 'Resubscribe')}`,
  );
}

export function resubscribedPage(email: string | undefined, selfUrl: string): string {
  const who = email ? `<strong>${escapeHtml(email)}</strong> is` : 'You are';
  return page(
    'You are subscribed again',
    `<h1>You are subscribed again</h1><p>${who} back on the list.</p>${form(selfUrl, 'unsubscribe', 'Unsubscribe')}`,
  );
}

export function testLinkPage(): string {
  return page(
    'Test unsubscribe link',
    '<h1>This link is from a test send</h1><p>Nothing was changed. In a launched campaign this link unsubscribes the recipient from the list.</p>',
  );
}

export function problemPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
