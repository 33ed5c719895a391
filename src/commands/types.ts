/** What a CLI sub-command may touch: its arguments come separately, the world through here. */
export interface CommandIO {
  /** Working directory that relative paths resolve against. */
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Environment variables (the CLI passes process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes shared by every sub-command. */
export const EXIT = {
  ok: 0,
  /** A hard budget (or an A/B threshold) is broken. */
  overBudget: 1,
  /** Usage, config or model error. */
  inputError: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
