/**
 * What a data load leaves to read under its summary: its warnings, and the files it skipped with the reason for
 * each (collapsed; the first 200). Own images and keyword sets show them alike. The test id is given at the call
 * site, written out there in full.
 */
interface NotesProps {
  'data-testid': string;
}

export function LoadWarnings({ warnings, 'data-testid': testId }: NotesProps & { warnings: readonly string[] }) {
  if (warnings.length === 0) return null;
  return (
    <ul className="own-warnings" data-testid={testId}>
      {warnings.map((warning) => (
        <li key={warning}>{warning}</li>
      ))}
    </ul>
  );
}

/** Shown skipped-file messages at most: a zip of thousands of bad files stays readable. */
const SHOWN_SKIPPED = 200;

export function SkippedFiles({ skipped, 'data-testid': testId }: NotesProps & { skipped: readonly string[] }) {
  if (skipped.length === 0) return null;
  return (
    <details data-testid={testId}>
      <summary>{skipped.length} file(s) skipped</summary>
      <ul>
        {skipped.slice(0, SHOWN_SKIPPED).map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </details>
  );
}
