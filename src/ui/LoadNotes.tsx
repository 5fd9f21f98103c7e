/**
 * What a data load noticed, under its summary: warnings (tiny or unbalanced classes, a missing class) and the files it
 * skipped, each named with its reason. Shared by own images and keywords, whose test ids differ by prefix.
 */

/** Skipped files listed at most; the count in the summary line says how many there were. */
const SKIPPED_SHOWN = 200;

export function LoadNotes({ warnings, skipped, testIdPrefix }: { warnings: readonly string[]; skipped: readonly string[]; testIdPrefix: 'own-data' | 'keywords' }) {
  return (
    <>
      {warnings.length > 0 && (
        <ul className="own-warnings" data-testid={`${testIdPrefix}-warnings`}>
          {warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      {skipped.length > 0 && (
        <details data-testid={`${testIdPrefix}-skipped`}>
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
