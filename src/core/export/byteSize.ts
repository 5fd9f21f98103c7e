/** A byte count as the page writes it: "812 B", "23.7 KB", "1.2 MB" (KB = 1,024 bytes, as the targets count). */
export function bytes(count: number): string {
  if (count >= 1024 * 1024) return `${(count / 1024 / 1024).toFixed(1)} MB`;
  if (count >= 1024) return `${(count / 1024).toFixed(1)} KB`;
  return `${count} B`;
}
