/** The `ActionCore` port on the real `@actions/core`: log lines, annotations, outputs, masks and the job summary. */
import * as core from '@actions/core';
import type { Annotation } from '../report/annotations.js';
import type { ActionCore } from './ports.js';

function annotate(annotation: Annotation): void {
  const properties: core.AnnotationProperties = {
    title: annotation.title,
    ...(annotation.file === undefined ? {} : { file: annotation.file }),
    ...(annotation.line === undefined ? {} : { startLine: annotation.line }),
    ...(annotation.column === undefined ? {} : { startColumn: annotation.column }),
  };
  if (annotation.level === 'error') core.error(annotation.message, properties);
  else if (annotation.level === 'warning') core.warning(annotation.message, properties);
  else core.notice(annotation.message, properties);
}

/** `@actions/core` as the Action's port; the summary is written only where the runner gives a summary file. */
export function actionsCore(env: Readonly<Record<string, string | undefined>>): ActionCore {
  return {
    info: (message) => core.info(message),
    warning: (message) => core.warning(message),
    annotate,
    setOutput: (name, value) => core.setOutput(name, value),
    setSecret: (value) => core.setSecret(value),
    appendSummary: async (markdown) => {
      if (!env['GITHUB_STEP_SUMMARY']) return;
      await core.summary.addRaw(markdown).write();
    },
  };
}
