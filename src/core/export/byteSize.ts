/** A byte count as the page writes it: "812 B", "23.7 KB", "1.2 MB" (KB = 1,024 bytes, as the targets count). */
export function bytes(count: number): string {
  if (count >= 1024 * 1024) return `${(count / 1024 / 1024).toFixed(1)} MB`;
  if (count >= 1024) return `${(count / 1024).toFixed(1)} KB`;
  return `${count} B`;
}

/** A limit as people state one: "1 GB", "256 MB", "64 KB" (whole units; a limit is never a fraction). */
export function limitBytes(count: number): string {
  const units: [number, string][] = [
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  for (const [size, unit] of units) if (count >= size && count % size === 0) return `${count / size} ${unit}`;
  for (const [size, unit] of units) if (count >= size) return `${Math.round(count / size)} ${unit}`;
  return `${count} B`;
}
