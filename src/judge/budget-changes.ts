import type { BudgetEntry } from '../config/types.js';
import type { BudgetChange } from '../report/types.js';

/** Hard limits that differ between the base branch's budgets and this PR's. Pure. */
export function diffBudgets(base: readonly BudgetEntry[], head: readonly BudgetEntry[]): BudgetChange[] {
  const keys = new Set([...base.map((b) => b.key), ...head.map((b) => b.key)]);
  const changes: BudgetChange[] = [];
  for (const key of keys) {
    const from = base.find((b) => b.key === key);
    const to = head.find((b) => b.key === key);
    if (from?.limit === to?.limit) continue;
    const unit = (to ?? from)?.unit ?? 'number';
    changes.push({ key, unit, ...(from?.limit === undefined ? {} : { from: from.limit }), ...(to?.limit === undefined ? {} : { to: to.limit }) });
  }
  return changes;
}
