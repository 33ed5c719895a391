/** An in-memory `ActionFiles` (the files the Action writes), recording each call. */
import type { ActionFiles } from '../../src/action/ports.js';
import { Timeline } from './timeline.js';

export interface MemoryFiles extends ActionFiles {
  /** Written files by absolute path. */
  readonly written: Map<string, string>;
  readonly folders: Set<string>;
}

/** `label` turns a path into what the timeline shows (e.g. relative to a test's folder). */
export function memoryFiles(timeline = new Timeline(), label: (path: string) => string = (path) => path): MemoryFiles {
  const written = new Map<string, string>();
  const folders = new Set<string>();
  return {
    written,
    folders,
    mkdir: (dir) => {
      folders.add(dir);
      timeline.record('files', 'mkdir', label(dir));
      return Promise.resolve();
    },
    writeFile: (file, text) => {
      written.set(file, text);
      timeline.record('files', 'writeFile', label(file));
      return Promise.resolve();
    },
  };
}
