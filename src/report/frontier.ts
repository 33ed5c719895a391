/**
 * "Smallest model within your budget": the size/accuracy frontier the `auto` search found, as a collapsed section
 * with a Mermaid `xychart-beta` (weight bytes vs share of the accuracy budget used) and a short table. Pure. Every
 * value in it is a number this file formats, or one of its own words: nothing from user files reaches the chart.
 */
import type { SearchFrontier } from './types.js';

/** Most points the chart draws; a longer front keeps its ends, the chosen point and evenly spaced ones between. */
const MAX_CHART_POINTS = 12;
/** The chart's y-axis ends here (%); higher budget use is drawn at the top. */
const Y_MAX = 200;

type Point = SearchFrontier['points'][number];

const KIND_WORDS: Readonly<Record<Point['kind'], string>> = {
  'all-uint8': 'all uint8',
  'all-2-byte': 'all 2-byte (uint16/float16)',
  probe: 'one weight at uint8',
  candidate: 'mixed',
};

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(bytes < 1e5 ? 4 : bytes < 1e7 ? 3 : 2)} MB`;
const used = (p: Point): string => (p.budgetUse === null ? 'not a number' : `${Number((p.budgetUse * 100).toPrecision(3)).toLocaleString('en-US')}%`);

/** The section, or '' when the search evaluated nothing. */
export function renderFrontier(frontier: SearchFrontier | undefined): string {
  if (!frontier || frontier.points.length === 0) return '';
  const { points, bytesBefore } = frontier;
  const chosen = points.find((p) => p.chosen);
  const ratio = (p: Point): string => (bytesBefore > 0 ? (p.bytes / bytesBefore).toFixed(3) : '');
  const summary = chosen
    ? `<b>Smallest model within your budget</b>: ${mb(chosen.bytes)} of weights (${ratio(chosen)} × ${mb(bytesBefore)}), ${used(chosen)} of the accuracy budget used`
    : `<b>Smallest model within your budget</b>: none of the ${points.length} candidate(s) evaluated stayed inside it`;
  const shown = chartPoints(points);
  const lines = [`<details><summary>${summary}</summary>`, ''];
  if (shown.length >= 2) {
    const y = (p: Point): number => (p.budgetUse === null ? Y_MAX : Math.min(Y_MAX, Math.round(p.budgetUse * 1000) / 10));
    lines.push(
      '```mermaid',
      'xychart-beta',
      '  title "Weight bytes vs accuracy budget used"',
      `  x-axis "weights (MB)" [${shown.map((p) => `"${(p.bytes / 1e6).toFixed(3)}"`).join(', ')}]`,
      `  y-axis "budget used (%)" 0 --> ${Y_MAX}`,
      `  line [${shown.map(y).join(', ')}]`,
      `  line [${shown.map(() => 100).join(', ')}]`,
      '```',
      '',
      `The first line joins the Pareto points (no candidate smaller with less of the budget used) and the all-uint8 and all-2-byte candidates, smallest first (budget use above ${Y_MAX}% drawn at ${Y_MAX}%); the second line is the limit.`,
      '',
    );
  }
  const rows = tablePoints(points).map(
    (p) =>
      `| ${p.chosen ? '**chosen**' : KIND_WORDS[p.kind]} | ${mb(p.bytes)} | ${ratio(p)} | ${used(p)} | ${p.withinBudget ? 'within' : 'over'} | ${p.pareto ? 'yes' : ''} |`,
  );
  lines.push(
    '| candidate | weights | × original | budget used | budget | Pareto |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows,
    '',
    `${points.length} candidate(s) evaluated, ${points.filter((p) => p.pareto).length} on the Pareto front (none smaller with less of the budget used).`,
    '',
    '</details>',
  );
  return lines.join('\n');
}

/** The Pareto points plus the uniform ones, smallest first, thinned to {@link MAX_CHART_POINTS}. */
function chartPoints(points: readonly Point[]): Point[] {
  const all = points.filter((p) => p.pareto || p.kind === 'all-uint8' || p.kind === 'all-2-byte' || p.chosen);
  if (all.length <= MAX_CHART_POINTS) return all;
  const keep = new Set<Point>([all[0], all[all.length - 1], ...all.filter((p) => p.chosen)].filter((p): p is Point => p !== undefined));
  for (let i = 1; keep.size < MAX_CHART_POINTS && i < MAX_CHART_POINTS; i++) {
    const p = all[Math.round((i * (all.length - 1)) / (MAX_CHART_POINTS - 1))];
    if (p) keep.add(p);
  }
  return all.filter((p) => keep.has(p));
}

/** The table: the uniform points, the chosen one and the Pareto points, smallest first. */
function tablePoints(points: readonly Point[]): Point[] {
  return points.filter((p) => p.kind === 'all-uint8' || p.kind === 'all-2-byte' || p.chosen || p.pareto).slice(0, 20);
}
