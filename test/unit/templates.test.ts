import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '#shared/errors.ts';
import { renderTemplate, templateSyntaxError } from '#shared/templates/render-template.ts';

describe('template rendering', () => {
  it('escapes values in HTML and inserts triple-brace values raw', () => {
    expect(renderTemplate('<p>{{name}} {{{html}}}</p>', { name: 'A & <B>', html: '<b>x</b>' }, true)).toBe(
      '<p>A &amp; &lt;B&gt; <b>x</b></p>',
    );
  });

  it('inserts values as they are in subjects and plain text', () => {
    expect(renderTemplate('Hi {{name}}', { name: 'A & <B>' }, false)).toBe('Hi A & <B>');
  });

  it('leaves unknown variables as written, in both forms', () => {
    expect(renderTemplate('{{known}} {{unknown}} {{{rawUnknown}}} {{a.b}}', { known: 1 }, true)).toBe(
      '1 {{unknown}} {{{rawUnknown}}} {{a.b}}',
    );
  });

  it('supports sections, nested values and falsy values that are present', () => {
    expect(
      renderTemplate(
        '{{#items}}[{{.}}]{{/items}} {{user.name}} {{zero}} {{empty}}',
        {
          items: ['a', 'b'],
          user: { name: 'Ann' },
          zero: 0,
          empty: '',
        },
        false,
      ),
    ).toBe('[a][b] Ann 0 ');
  });

  it('reports syntax errors', () => {
    expect(templateSyntaxError('{{#open}}')).toMatch(/Unclosed section/);
    expect(templateSyntaxError('{{fine}}')).toBeUndefined();
  });
});

describe('rendering budget', () => {
  it('stops nested sections that would render without end, with a 413', () => {
    const nested = `${'{{#a}}'.repeat(5)}xxxxxxxxxx${'{{/a}}'.repeat(5)}`;
    const data = { a: Array.from({ length: 100 }, () => ({})) };
    expect(() => renderTemplate(nested, data, true)).toThrow(PayloadTooLargeError);
  });

  it('renders what stays within the limit', () => {
    const data = { a: Array.from({ length: 10 }, () => ({})) };
    expect(renderTemplate('{{#a}}{{#a}}x{{/a}}{{/a}}', data, false)).toBe('x'.repeat(100));
  });
});
