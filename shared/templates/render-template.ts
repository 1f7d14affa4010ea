import Mustache from 'mustache';

/** A parsed tag: [type, name, start, end, …]; the type declarations call it `string[]`. */
type Token = string[];

/**
 * Mustache's writer, with one change the Relay document asks for: a variable that has
 * no value is left as written (`{{name}}`) instead of becoming empty, so a missing
 * value shows up in a test send rather than silently vanishing.
 */
class KeepUnknownWriter extends Mustache.Writer {
  /** The template being rendered, to copy unknown placeholders from. */
  private source = '';

  override escapedValue(token: Token, context: Mustache.Context, config?: Mustache.RenderOptions): string {
    return this.valueOr(token, context, () => super.escapedValue(token, context, config));
  }

  override unescapedValue(token: Token, context: Mustache.Context): string {
    return this.valueOr(token, context, () => super.unescapedValue(token, context));
  }

  private valueOr(token: Token, context: Mustache.Context, render: () => string | undefined): string {
    const value = context.lookup(token[1] ?? '');
    if (value === undefined || value === null) return this.source.slice(Number(token[2]), Number(token[3]));
    return render() ?? '';
  }

  renderKeepingUnknown(
    template: string,
    view: Record<string, unknown>,
    escapeValue: (value: string) => string,
  ): string {
    this.source = template;
    return this.render(template, view, undefined, { escape: escapeValue });
  }
}

const identity = (value: string) => value;

/**
 * Fills `{{variable}}` placeholders with `data`. In HTML (`escapeHtml`) values are
 * HTML-escaped and `{{{variable}}}` inserts them raw; in subjects and plain text they
 * are inserted as they are.
 */
export function renderTemplate(template: string, data: Record<string, unknown>, escapeHtml: boolean): string {
  return new KeepUnknownWriter().renderKeepingUnknown(
    template,
    data,
    escapeHtml ? Mustache.escape : identity,
  );
}

/** The syntax error of a template, if any (an unclosed section, a bad tag). */
export function templateSyntaxError(template: string): string | undefined {
  try {
    Mustache.parse(template);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
