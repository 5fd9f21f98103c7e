/**
 * Files dropped on the page, with their paths: a dropped folder is walked through the File and Directory Entries
 * API (webkitGetAsEntry), whose readers return a directory's entries in batches until an empty one. Typed against
 * the few members it uses, so a test can walk a fake tree.
 */

export interface DroppedEntry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  /** '/'-rooted path within the drop, e.g. "/shapes/circle/1.png". */
  readonly fullPath: string;
  file?(success: (file: File) => void, failure?: (error: unknown) => void): void;
  createReader?(): { readEntries(success: (entries: DroppedEntry[]) => void, failure?: (error: unknown) => void): void };
}

export interface DroppedFile {
  /** Path relative to the drop, without the leading '/'. */
  path: string;
  file: File;
}

/** Every file under the dropped entries, depth first, in the order the browser lists them. */
export async function filesOfEntries(entries: readonly DroppedEntry[]): Promise<DroppedFile[]> {
  const out: DroppedFile[] = [];
  const visit = async (entry: DroppedEntry): Promise<void> => {
    if (entry.isFile && entry.file) {
      const file = await new Promise<File>((resolve, reject) => entry.file!(resolve, reject));
      out.push({ path: entry.fullPath.replace(/^\/+/, ''), file });
    } else if (entry.isDirectory && entry.createReader) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise<DroppedEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await visit(child);
      }
    }
  };
  for (const entry of entries) await visit(entry);
  return out;
}
