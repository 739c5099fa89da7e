/**
 * The report of a planning variant as one self-contained HTML file (images inline): the scenario,
 * its version and date, a view of the map, the key figures of every variant side by side, the
 * variant's new buildings, the roads it closes, and the sun-hours result when one was computed.
 * Every text from users is escaped. Pure.
 */

export interface ReportData {
  readonly lang: 'de' | 'en';
  readonly title: string;
  /** Lines under the title: version, who saved it, when, which variant. */
  readonly subtitle: readonly string[];
  /** A PNG data URL of the map, or null. */
  readonly viewImage: string | null;
  readonly figures: {
    readonly caption: string;
    readonly columns: readonly string[];
    readonly rows: readonly { readonly label: string; readonly values: readonly string[] }[];
    readonly note: string;
  };
  readonly sections: readonly {
    readonly heading: string;
    readonly lines: readonly string[];
    readonly image?: string;
  }[];
  readonly footer: string;
}

/** Text for HTML: `&`, `<`, `>`, `"` and `'` escaped. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Only images made here (PNG data URLs) go into the report. */
const isPngDataUrl = (url: string) => /^data:image\/png;base64,[A-Za-z0-9+/=]+$/.test(url);

export function reportHtml(data: ReportData): string {
  const e = escapeHtml;
  const image = (url: string | null | undefined, alt: string) =>
    url && isPngDataUrl(url) ? `<img src="${url}" alt="${e(alt)}">` : '';
  const head = data.figures.columns.map((c) => `<th scope="col">${e(c)}</th>`).join('');
  const rows = data.figures.rows
    .map(
      (r) => `<tr><th scope="row">${e(r.label)}</th>${r.values.map((v) => `<td>${e(v)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const sections = data.sections
    .map(
      (s) =>
        `<section><h2>${e(s.heading)}</h2>${s.lines.map((l) => `<p>${e(l)}</p>`).join('')}${image(s.image, s.heading)}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${data.lang}">
<head>
<meta charset="utf-8">
<title>${e(data.title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { margin-bottom: 0.2rem; } .sub { color: #444; margin: 0.1rem 0; }
img { max-width: 100%; border: 1px solid #ccc; margin: 0.5rem 0; image-rendering: auto; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { border: 1px solid #bbb; padding: 0.3rem 0.6rem; text-align: left; }
td { text-align: right; } .note, footer { color: #555; font-size: 0.9rem; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>${e(data.title)}</h1>
${data.subtitle.map((l) => `<p class="sub">${e(l)}</p>`).join('\n')}
${image(data.viewImage, data.title)}
<h2>${e(data.figures.caption)}</h2>
<table><thead><tr><th></th>${head}</tr></thead><tbody>
${rows}
</tbody></table>
<p class="note">${e(data.figures.note)}</p>
${sections}
<footer><p>${e(data.footer)}</p></footer>
</body>
</html>
`;
}
