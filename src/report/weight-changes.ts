import { formatBytes } from '../format.js';
import { codeSpan, escapeMarkdown } from './escape.js';
import type { ModelReport } from './types.js';

/** The collapsible "what changed" table: weights whose bytes differ from the base branch's. Empty when none. */
export function renderWeightChanges(model: ModelReport): string {
  const changes = model.weightChanges ?? [];
  if (changes.length === 0) return '';
  const rows = changes.map((c) => {
    const before = c.baseBytes === undefined ? 'new' : `${formatBytes(c.baseBytes)} ${escapeMarkdown(c.baseDtype ?? '')}`.trim();
    const after = c.bytes === undefined ? 'removed' : `${formatBytes(c.bytes)} ${escapeMarkdown(c.dtype ?? '')}`.trim();
    const delta = (c.bytes ?? 0) - (c.baseBytes ?? 0);
    return `| ${codeSpan(c.name)} | ${before} | ${after} | ${delta >= 0 ? '+' : '−'}${formatBytes(Math.abs(delta))} |`;
  });
  return [
    `<details><summary>What changed: ${changes.length} weight(s) whose bytes differ from the base</summary>`,
    '',
    '| weight | base | head | Δ |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
    '</details>',
  ].join('\n');
}
