/** A recording `ActionCore` (the Action's `@actions/core` port): every log line, annotation, output and summary. */
import type { ActionCore } from '../../src/action/ports.js';
import type { Annotation } from '../../src/report/annotations.js';
import { Timeline } from './timeline.js';

export interface RecordingCore {
  readonly core: ActionCore;
  readonly infos: string[];
  readonly warnings: string[];
  readonly annotations: Annotation[];
  /** The last value of each output. */
  readonly outputs: Record<string, string>;
  readonly secrets: string[];
  readonly summaries: string[];
}

/** Outputs and summaries go to the timeline by name; log lines by their text. */
export function recordingCore(timeline = new Timeline()): RecordingCore {
  const recorded = {
    infos: [] as string[],
    warnings: [] as string[],
    annotations: [] as Annotation[],
    outputs: {} as Record<string, string>,
    secrets: [] as string[],
    summaries: [] as string[],
  };
  return {
    ...recorded,
    core: {
      info: (message) => {
        recorded.infos.push(message);
        timeline.record('core', 'info', message);
      },
      warning: (message) => {
        recorded.warnings.push(message);
        timeline.record('core', 'warning', message);
      },
      annotate: (annotation) => {
        recorded.annotations.push(annotation);
        timeline.record('core', 'annotate', `${annotation.level} ${annotation.title}`);
      },
      setOutput: (name, value) => {
        recorded.outputs[name] = value;
        timeline.record('core', 'setOutput', name);
      },
      setSecret: (value) => {
        recorded.secrets.push(value);
        timeline.record('core', 'setSecret');
      },
      appendSummary: (markdown) => {
        recorded.summaries.push(markdown);
        timeline.record('core', 'appendSummary');
        return Promise.resolve();
      },
    },
  };
}
