/**
 * The id of a warning: the same on every node for the same step of the same case (its rung and the promised
 * deadline it is measured against), so a repeat, from a new holder of the engine after a takeover or
 * anywhere else, carries the id a wall has already seen and is ignored.
 */
export function warningId(c: { caseId: string; warning: string; promisedDeadline: string | null }): string {
  return `${c.caseId}:${c.warning}:${c.promisedDeadline ?? '-'}`;
}
