/**
 * What a data load noticed, under its summary: warnings (tiny or unbalanced classes, a missing class) and the files it
 * skipped, each named with its reason. Shared by own images and keywords, each with its own test ids (spelt out at
 * the call, so that a search for an id finds it).
 */

/** Skipped files listed at most; the count in the summary line says how many there were. */
const SKIPPED_SHOWN = 200;

export function LoadNotes({ warnings, skipped, warningsTestId, skippedTestId }: { warnings: readonly string[]; skipped: readonly string[]; warningsTestId: string; skippedTestId: string }) {
  return (
    <>
      {warnings.length > 0 && (
        <ul className="own-warnings" data-testid={warningsTestId}>
          {warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      {skipped.length > 0 && (
        <details data-testid={skippedTestId}>
          <summary>{skipped.length} file(s) skipped</summary>
          <ul>
            {skipped.slice(0, SKIPPED_SHOWN).map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}
