import Mustache from 'mustache';
import { PayloadTooLargeError } from '#shared/errors.ts';

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
  /** Characters rendered so far, sections counted each time they render: the work done. */
  private produced = 0;

  /**
   * Every run of tokens, a section's items included, is counted as it renders, so nested
   * sections over long lists stop at the budget instead of growing without end.
   */
  override renderTokens(
    ...args: Parameters<Mustache.Writer['renderTokens']>
  ): ReturnType<Mustache.Writer['renderTokens']> {
    const rendered = super.renderTokens(...args);
    this.produced += rendered.length;
    if (this.produced > renderBudgetChars) throw new PayloadTooLargeError(renderedTooLarge);
    return rendered;
  }

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

/** A rendered part may be as large as a REST request; the work to get there is bounded too. */
export const maxRenderedChars = 10 * 1024 * 1024;
const renderBudgetChars = 4 * maxRenderedChars;
const renderedTooLarge = `The template renders to more than ${maxRenderedChars / 1024 / 1024} MB with this data.`;

/**
 * Fills `{{variable}}` placeholders with `data`. In HTML (`escapeHtml`) values are
 * HTML-escaped and `{{{variable}}}` inserts them raw; in subjects and plain text they
 * are inserted as they are.
 */
export function renderTemplate(template: string, data: Record<string, unknown>, escapeHtml: boolean): string {
  const rendered = new KeepUnknownWriter().renderKeepingUnknown(
    template,
    data,
    escapeHtml ? Mustache.escape : identity,
  );
  if (rendered.length > maxRenderedChars) throw new PayloadTooLargeError(renderedTooLarge);
  return rendered;
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
