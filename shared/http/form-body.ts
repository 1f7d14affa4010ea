/**
 * The fields of an HTML form body: `application/x-www-form-urlencoded`, or
 * `multipart/form-data` (RFC 8058 allows both for one-click unsubscribes); files and
 * anything unreadable are ignored. The first value of a repeated field wins.
 */
export function formFields(body: string, contentType: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (contentType.toLowerCase().startsWith('multipart/form-data') && boundary) {
    for (const part of body.split(`--${boundary}`)) {
      const split = part.search(/\r?\n\r?\n/);
      if (split === -1) continue;
      const head = part.slice(0, split);
      const name = /content-disposition:[^\n]*\bname="([^"]*)"/i.exec(head)?.[1];
      if (name === undefined || /filename=/i.test(head) || name in fields) continue;
      fields[name] = part
        .slice(split)
        .replace(/^\r?\n\r?\n/, '')
        .replace(/\r?\n$/, '');
    }
    return fields;
  }
  for (const [name, value] of new URLSearchParams(body)) if (!(name in fields)) fields[name] = value;
  return fields;
}
