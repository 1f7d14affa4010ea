/**
 * Email HTML shown the safe way: in a sandboxed frame with no scripts, no forms, no
 * same-origin access; the page's Content-Security-Policy still applies inside it.
 */
export function HtmlPreview({ html, title }: { html: string; title: string }) {
  return <iframe className="preview" sandbox="" srcDoc={html} title={title} referrerPolicy="no-referrer" />;
}
