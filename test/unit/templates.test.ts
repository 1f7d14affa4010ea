import { describe, expect, it } from 'vitest';
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
