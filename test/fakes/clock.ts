/** A clock that always answers the same instant, and counts how often it was asked. */
export interface FixedClock {
  readonly now: () => Date;
  readonly reads: () => number;
}

export function fixedClock(iso: string): FixedClock {
  let reads = 0;
  return {
    now: () => {
      reads++;
      return new Date(iso);
    },
    reads: () => reads,
  };
}
