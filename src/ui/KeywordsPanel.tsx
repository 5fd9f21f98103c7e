/**
 * "Keywords": spoken words instead of images. A .zip or a folder of WAV class folders in the layout of Google's
 * Speech Commands (loaded in the worker: core/audio/keywordDataset.ts), or clips recorded here (KeywordRecorder);
 * either trains the kws preset on 28×28 log-mel features (core/audio/frontEnd.ts). What was loaded is shown before
 * training: each word with its clip count, the split, background noise, warnings and the files skipped; a refusal
 * says why, and the data set and model already loaded stay.
 */
import { useState, type ChangeEvent } from 'react';
import type { KeywordDataReport } from '../core/audio/keywordDataset';
import { useAwaitedData, useDataProgress, useKeywordData } from '../store/hooks';
import { awaitedDataNotice } from '../store/awaitedData';
import { cancelDatasetLoad, loadKeywords } from '../store/workerBridge';
import { FEATURE_FRAMES, MEL_BANDS } from '../core/audio/frontEnd';
import { FeatureImage } from './audio/clipViews';
import { bytes } from './format';
import { KeywordRecorder } from './KeywordRecorder';
import { LiveSpectrogram } from './LiveSpectrogram';
import { Tip, tipId } from './Tip';
import { LoadWarnings, SkippedFiles } from './LoadNotes';

const FEATURE_BYTES = MEL_BANDS * FEATURE_FRAMES;

function KeywordReport({ report }: { report: KeywordDataReport }) {
  const [train, validation, test] = report.counts.reduce(([t, v, s], [a, b, c]) => [t + a, v + b, s + c], [0, 0, 0]);
  // The classes named with an underscore (_silence_, _unknown_) are not words: say them apart.
  const words = report.classNames.filter((name) => !name.startsWith('_'));
  const others = report.classNames.filter((name) => name.startsWith('_'));
  return (
    <div className="own-report">
      <p className="muted">
        <strong>{report.name}</strong>: {words.length} word{words.length === 1 ? '' : 's'}
        {others.length > 0 ? ` + ${others.join(' + ')}` : ''} ({report.classNames.length} classes), {train} train / {validation} validation / {test} test clips
        {report.backgroundSeconds > 0 ? `, ${report.backgroundSeconds.toFixed(0)} s of background noise` : ', no background noise'}
        {report.augmentedCopies > 0 ? `; ${report.augmentedCopies} noisy, shifted copies of each training clip` : ''}. Keywords train with the kws preset (chosen
        when they load: image presets make no sense on sound).
      </p>
      <ul className="own-classes" data-testid="keywords-summary">
        {report.classNames.map((name, c) => {
          const total = report.counts[c]!.reduce((a, b) => a + b, 0);
          const first = report.sampleCounts.slice(0, c).reduce((a, b) => a + b, 0);
          const samples = Array.from({ length: report.sampleCounts[c] ?? 0 }, (_, k) => report.samples.subarray((first + k) * FEATURE_BYTES, (first + k + 1) * FEATURE_BYTES));
          return (
            <li key={name} data-class={name} data-count={total}>
              <span className="own-class-name">{name}</span> {total}
              {samples.map((features, k) => (
                <FeatureImage key={k} features={features} title={`${name}: features of a clip`} />
              ))}
            </li>
          );
        })}
      </ul>
      <LoadWarnings data-testid="keywords-warnings" warnings={report.warnings} />
      <SkippedFiles data-testid="keywords-skipped" skipped={report.skipped} />
    </div>
  );
}

export function KeywordsPanel() {
  const { error, loading, report } = useKeywordData();
  const { awaited, keptRun } = useAwaitedData();
  const awaitedHere = awaited?.datasetId === 'keywords' ? awaited : null;
  const progress = useDataProgress();
  const [folder, setFolder] = useState(false);
  const onFiles = (event: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(event.target.files ?? []);
    event.target.value = '';
    if (files.length === 0) return;
    if (files.length === 1 && !files[0]!.webkitRelativePath) loadKeywords({ zip: files[0]! });
    else loadKeywords({ folder: files.map((file) => ({ path: file.webkitRelativePath || file.name, file })) });
  };
  return (
    <details className="keywords-data" open={report !== null || error !== null || loading || awaitedHere !== null} data-testid="keywords-panel">
      <summary>Keywords: train on spoken words</summary>
      {awaitedHere && (
        <p className="own-awaited" role="status" data-testid="keywords-awaited">
          {awaitedDataNotice(awaitedHere, keptRun)}
        </p>
      )}
      <p className="muted">
        A .zip or a folder with one subfolder of WAV clips per word (Google Speech Commands&apos; layout: 1 s, 16 kHz mono; other rates and formats are converted;{' '}
        <code>_background_noise_</code> is noise, not a word), or record your own below. Each clip becomes a 28×28 picture of its sound (28 pitch bands × 28 moments) that
        the network reads like an image.
      </p>
      <label className="own-folder-toggle">
        <span>
          <input data-testid="keywords-folder" type="checkbox" checked={folder} onChange={(e) => setFolder(e.target.checked)} /> choose a folder instead of a .zip
        </span>
      </label>
      <label>
        {folder ? 'Folder of word folders' : '.zip of word folders'}
        <input
          key={folder ? 'folder' : 'zip'}
          data-testid="keywords-input"
          type="file"
          accept={folder ? undefined : '.zip,application/zip'}
          onChange={onFiles}
          {...(folder ? { webkitdirectory: '', multiple: true } : {})}
        />
      </label>
      {loading && (
        <p className="muted" data-testid="keywords-progress">
          {progress ? `${progress.stage}: ${bytes(progress.loadedBytes)}${progress.totalBytes ? ` of ${bytes(progress.totalBytes)}` : ''}` : 'reading…'}{' '}
          <span className="explained">
            <button type="button" aria-describedby={tipId('keywords-cancel')} onClick={cancelDatasetLoad}>
              Cancel
            </button>
            <Tip name="keywords-cancel">Stops reading the clips; the data set you had stays.</Tip>
          </span>
        </p>
      )}
      {error && (
        <p className="own-error" role="alert" data-testid="keywords-error">
          {error}
        </p>
      )}
      {report && <KeywordReport report={report} />}
      <LiveSpectrogram />
      <KeywordRecorder />
    </details>
  );
}
