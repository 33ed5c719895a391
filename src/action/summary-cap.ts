/**
 * The job summary's size limit. GitHub refuses a step summary over 1 MiB (the step then shows an error instead of
 * the report), so a report that large is cut at a line boundary, every open code fence and `<details>` block is
 * closed, and a note says where the full report is.
 */

/** GitHub's limit on one step's summary, in bytes. */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;

/** The note that ends a cut summary. */
export const SUMMARY_CUT_NOTE =
  '> [!NOTE]\n> The report is cut here: GitHub refuses a job summary over 1 MiB. The full report is in report.json ' +
  '(the `report-json` output) and in the `markdown` output.';

/**
 * `markdown` unchanged when it fits in `limitBytes` (UTF-8), else its longest prefix of whole lines that fits
 * together with the closing tags and `SUMMARY_CUT_NOTE`.
 * @param limitBytes default `STEP_SUMMARY_LIMIT_BYTES`.
 */
export function capSummary(markdown: string, limitBytes = STEP_SUMMARY_LIMIT_BYTES): string {
  const encoder = new TextEncoder();
  if (encoder.encode(markdown).byteLength <= limitBytes) return markdown;
  const lines = markdown.split('\n');
  // Room for the note and the closers: closers are at most one fence plus one `</details>` per open block.
  let kept = 0;
  let bytes = 0;
  const budget = limitBytes - encoder.encode(`\n\n${SUMMARY_CUT_NOTE}\n`).byteLength;
  let fenceOpen = false;
  let openDetails = 0;
  for (const line of lines) {
    const lineBytes = encoder.encode(line).byteLength + 1;
    const nextFence: boolean = /^\s*```/.test(line) ? !fenceOpen : fenceOpen;
    const nextDetails = openDetails + count(line, '<details') - count(line, '</details>');
    const closers = (nextFence ? 4 : 0) + Math.max(0, nextDetails) * 11;
    if (bytes + lineBytes + closers > budget) break;
    bytes += lineBytes;
    fenceOpen = nextFence;
    openDetails = Math.max(0, nextDetails);
    kept++;
  }
  const head = lines.slice(0, kept).join('\n');
  const close = `${fenceOpen ? '\n```' : ''}${'\n</details>'.repeat(openDetails)}`;
  return `${head}${close}\n\n${SUMMARY_CUT_NOTE}\n`;
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
