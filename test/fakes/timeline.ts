/**
 * One ordered list that every recording fake writes to, so a test can assert the order of calls across ports
 * (the file written before the API call, the summary before the comment).
 */
export class Timeline {
  readonly entries: string[] = [];

  record(port: string, call: string, detail?: string): void {
    this.entries.push(detail === undefined ? `${port}.${call}` : `${port}.${call} ${detail}`);
  }

  /** The entries of one port, or whose text starts with `prefix`. */
  only(prefix: string): string[] {
    return this.entries.filter((e) => e.startsWith(prefix));
  }
}
