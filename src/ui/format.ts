/** Number formatting shared by the views. */
export function percent(fraction: number | null, digits = 1): string {
  return fraction === null || Number.isNaN(fraction) ? '—' : `${(fraction * 100).toFixed(digits)} %`;
}

export function bytes(count: number): string {
  if (count >= 1024 * 1024) return `${(count / 1024 / 1024).toFixed(1)} MB`;
  if (count >= 1024) return `${(count / 1024).toFixed(1)} KB`;
  return `${count} B`;
}
