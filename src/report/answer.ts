/**
 * A scenario's question and its answer, computed from the run (study/answers.ts): short lines
 * and a few small tables. Rendered here for the console and the HTML report; `--json` carries
 * the object as is.
 */
import { esc } from './svg.js';
import { textTable } from './format.js';

export interface AnswerTable {
  title: string;
  header: string[];
  rows: string[][];
  /** What the table's numbers depend on, in a sentence. */
  note?: string;
  /** 'list': long cells; the console prints each row as a block of "header: cell" lines. */
  layout?: 'table' | 'list';
}

export interface Answer {
  question: string;
  lines: string[];
  tables: AnswerTable[];
}

function listText(t: AnswerTable): string {
  return t.rows.map((r) => [`* ${r[0]}`, ...r.slice(1).map((c, i) => `    ${t.header[i + 1]}: ${c}`)].join('\n')).join('\n');
}

export function answerText(a: Answer): string {
  const tables = a.tables.flatMap((t) => ['', t.title, t.layout === 'list' ? listText(t) : textTable(t.header, t.rows), ...(t.note ? [t.note] : [])]);
  return ['Question: ' + a.question, 'Answer:', ...a.lines.map((l) => `  - ${l}`), ...tables].join('\n');
}

/** One block at the top of report.html (styled by page.ts's #answer). */
export function answerHtml(a: Answer): string {
  const table = (t: AnswerTable) => `<h3>${esc(t.title)}</h3><table><tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>${t.note ? `<p>${esc(t.note)}</p>` : ''}`;
  return `<section id="answer"><h2>${esc(a.question)}</h2><ul>${a.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>${a.tables.map(table).join('\n')}</section>`;
}
