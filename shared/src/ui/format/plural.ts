/** `1 disk`, `2 disks`, `0 disks`; `plural` for the irregular ones (`1 entry`, `3 entries`). */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** The pronoun and verb that follow a count: `it is` / `they are`. */
export function itIs(count: number): string {
  return count === 1 ? 'it is' : 'they are';
}
