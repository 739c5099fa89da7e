import { describe, expect, it } from 'vitest';
import { escapeHtml, reportHtml } from './report.ts';

const png = 'data:image/png;base64,iVBORw0KGgo=';

describe('reportHtml', () => {
  it('writes a self-contained page with the figures side by side and the sections', () => {
    const html = reportHtml({
      lang: 'de',
      title: 'Elbenplatz – Neugestaltung',
      subtitle: ['Version 2, gespeichert von stadtplanung', 'Variante A'],
      viewImage: png,
      figures: {
        caption: 'Kennzahlen',
        columns: ['Variante A', 'Variante B'],
        rows: [{ label: 'Grundfläche', values: ['901 m²', '0 m²'] }],
        note: 'Wohneinheiten: 75 % …',
      },
      sections: [{ heading: 'Besonnung', lines: ['im Mittel 5,9 Sonnenstunden'], image: png }],
      footer: 'citytwin',
    });
    expect(html.startsWith('<!doctype html>\n<html lang="de">')).toBe(true);
    expect(html).toContain('<title>Elbenplatz – Neugestaltung</title>');
    expect(html).toContain('<tr><th scope="row">Grundfläche</th><td>901 m²</td><td>0 m²</td></tr>');
    expect(html).toContain('<th scope="col">Variante B</th>');
    expect(html).toContain('<section><h2>Besonnung</h2><p>im Mittel 5,9 Sonnenstunden</p>');
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(2);
    // Nothing is fetched from anywhere.
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('escapes what users typed and leaves out images that are not its own PNGs', () => {
    const html = reportHtml({
      lang: 'en',
      title: '<script>alert(1)</script>',
      subtitle: ['"quoted" & \'single\''],
      viewImage: 'javascript:alert(1)',
      figures: { caption: 'F', columns: ['<b>A</b>'], rows: [], note: '' },
      sections: [{ heading: 'H', lines: ['<img src=x onerror=alert(1)>'], image: 'data:text/html,<b>' }],
      footer: '',
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &#39;single&#39;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(escapeHtml('a<b')).toBe('a&lt;b');
  });
});
