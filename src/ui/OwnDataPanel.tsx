/**
 * "Use your own images": a .zip or a folder of class folders (core/data/imageFolder.ts), decoded in the worker,
 * with what was loaded shown before training: classes with counts, a grid of converted samples per class, the
 * inversion, warnings and the files skipped (each named), or the message for input refused as a whole. The data
 * set and model already loaded stay until new images have loaded.
 */
import { useEffect, useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import { channelsOf, conversionLabel, MAX_SIDE, MIN_SIDE, sameImage, sideProblem, type ColorMode, type InputConversion, type InvertMode } from '../core/data/imageConversion';
import { IMAGE_EXTENSIONS, MAX_CLASSES, MEMORY_LIMIT_BYTES, MIN_CLASSES } from '../core/data/imageFolder';
import { ZIP_LIMITS } from '../core/data/zipReader';
import type { OwnDataReport } from '../core/data/ownDataset';
import { useAwaitedData, useDataProgress, useOwnData } from '../store/hooks';
import { awaitedDataNotice } from '../store/awaitedData';
import { cancelDatasetLoad, loadOwnImages } from '../store/workerBridge';
import { bytes, limitBytes } from './format';
import { paintImage } from './paint';
import { CollectPanel } from './CollectPanel';
import { filesOfEntries, type DroppedEntry } from './droppedFiles';
import './ownData.css';
import { LoadWarnings, SkippedFiles } from './LoadNotes';

/** What the user chose or dropped: one archive, or a folder's files with their paths. */
type PickedImages = { zip: File } | { folder: readonly { path: string; file: File }[] };

function sameConversion(a: InputConversion, b: InputConversion): boolean {
  return sameImage(a, b) && a.invert === b.invert;
}

/** "20×20 RGB", with the ink where it matters: always beside `loaded`'s when only the ink differs, else when it is not auto. */
function conversionWords(conversion: InputConversion, loaded?: InputConversion): string {
  const inkDiffers = loaded ? loaded.invert !== conversion.invert : conversion.invert !== 'auto';
  return `${conversionLabel(conversion)}${inkDiffers ? `, ink ${INVERT_WORDS[conversion.invert]}` : ''}`;
}

const INVERT_WORDS: Record<InvertMode, string> = { auto: 'auto', yes: 'inverted', no: 'kept' };

const INVERT_LABELS: Record<InvertMode, string> = {
  auto: 'auto (invert when the background is light)',
  yes: 'invert (dark ink on a light background)',
  no: 'keep (light ink on a dark background, as MNIST)',
};

/**
 * One class's converted training samples side by side: grey ink dark on white as people see drawings; RGB in the
 * colours it was loaded with (inverted back where the set was inverted).
 */
function SampleRow({ report, classIndex }: { report: OwnDataReport; classIndex: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const side = report.conversion.side;
  const channels = channelsOf(report.conversion.color);
  const count = report.sampleCounts[classIndex]!;
  const first = report.sampleCounts.slice(0, classIndex).reduce((a, b) => a + b, 0);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    for (let i = 0; i < count; i++) {
      const size = side * side * channels;
      const pixels = report.samples.subarray((first + i) * size, (first + i + 1) * size);
      const inkDark = channels === 1 || report.inverted;
      context.putImageData(new ImageData(paintImage(pixels, side * side, channels, inkDark), side, side), i * (side + 2), 0);
    }
  }, [report, count, first, side, channels]);
  return <canvas ref={canvas} className="own-samples-row" data-channels={channels} width={Math.max(1, count * (side + 2) - 2)} height={side} />;
}

/**
 * The inversion in plain words: for RGB what it does to colours (each channel v -> 255 − v, so red becomes cyan),
 * for grey what it does to the ink.
 */
function inversionWords(report: OwnDataReport): string {
  const found = `${report.lightBackground ? 'light' : 'dark'} backgrounds found`;
  if (!report.inverted) return `images not inverted (${found})`;
  const [from, to] = report.lightBackground ? ['white', 'black'] : ['black', 'white'];
  return channelsOf(report.conversion.color) === 3
    ? `colours inverted: ${from} background → ${to}, so red → cyan, blue → yellow (${found})`
    : `images inverted: ${from} background → ${to}, so the ink is high as in MNIST (${found})`;
}

function Report({ report }: { report: OwnDataReport }) {
  const totals = report.counts.map(([train, validation]) => train + validation);
  const [trainCount, validationCount] = report.counts.reduce(([t, v], [a, b]) => [t + a, v + b], [0, 0]);
  return (
    <div className="own-report">
      <p className="muted">
        <strong>{report.name}</strong>: {report.classNames.length} classes, {trainCount} train / {validationCount} validation
        {report.splitFolders ? ' (from its train/ and test/ folders)' : ' (a seeded split, stratified by class)'}; {conversionLabel(report.conversion)};{' '}
        <span data-testid="own-data-inversion">{inversionWords(report)}</span>.
      </p>
      <p className="muted" data-testid="own-samples-caption">
        {channelsOf(report.conversion.color) === 3
          ? 'Samples per class as loaded, in the colours of your files'
          : 'Samples per class as loaded, drawn dark on white as people see drawings'}
        {report.inverted ? '; "What training sees" shows them as the network sees them, inverted.' : '.'}
      </p>
      <ul className="own-classes" data-testid="own-data-summary">
        {report.classNames.map((name, c) => (
          <li key={name} data-class={name} data-count={totals[c]}>
            <span className="own-class-name">{name}</span> {totals[c]}
            <SampleRow report={report} classIndex={c} />
          </li>
        ))}
      </ul>
      <LoadWarnings data-testid="own-data-warnings" warnings={report.warnings} />
      <SkippedFiles data-testid="own-data-skipped" skipped={report.skipped} />
    </div>
  );
}

export function OwnDataPanel() {
  const { error, loading, report } = useOwnData();
  const { awaited, keptRun, conversion: keptConversion } = useAwaitedData();
  const awaitedHere = awaited?.datasetId === 'own' ? awaited : null;
  const progress = useDataProgress();
  const [folder, setFolder] = useState(false);
  const [invert, setInvert] = useState<InvertMode>('auto');
  const [sideText, setSideText] = useState('28');
  const [color, setColor] = useState<ColorMode>('grey');
  // A kept run waiting for its images: offer the side, colour and ink it was trained on, as loading them must
  // repeat (set while rendering when the offer changes, React's way of deriving state from a prop).
  const [offered, setOffered] = useState<InputConversion | null>(null);
  if (keptConversion !== offered) {
    setOffered(keptConversion);
    if (keptConversion) {
      setSideText(String(keptConversion.side));
      setColor(keptConversion.color);
      setInvert(keptConversion.invert);
    }
  }
  const side = Number(sideText);
  const sizeProblem = sideProblem(side);
  // The files last chosen or dropped, kept in memory only (never stored), so that changed options can load them again.
  const [picked, setPicked] = useState<PickedImages | null>(null);
  const chosen: InputConversion = { side, color, invert };
  /** One .zip alone is an archive; anything else is a folder's files, by their paths. */
  const load = (files: readonly { path: string; file: File }[]) => {
    if (files.length === 0 || sizeProblem !== null) return;
    const single = files.length === 1 && files[0]!.path.toLowerCase().endsWith('.zip') && !files[0]!.path.includes('/');
    const images: PickedImages = single ? { zip: files[0]!.file } : { folder: files };
    setPicked(images);
    loadOwnImages(images, chosen);
  };
  const stale = report !== null && sizeProblem === null && !sameConversion(report.conversion, chosen);
  const onFiles = (event: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(event.target.files ?? []);
    event.target.value = '';
    load(files.map((file) => ({ path: file.webkitRelativePath || file.name, file })));
  };
  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    const entries = Array.from(event.dataTransfer.items)
      .map((item) => item.webkitGetAsEntry())
      .filter((entry): entry is FileSystemEntry => entry !== null);
    void filesOfEntries(entries as unknown as DroppedEntry[]).then(load);
  };
  return (
    <details
      className="own-data"
      open={report !== null || error !== null || loading || awaitedHere !== null}
      onDragOver={(event) => event.preventDefault()}
      onDrop={onDrop}
      data-testid="own-data-drop"
    >
      <summary>Use your own images</summary>
      {awaitedHere && (
        <p className="own-awaited" role="status" data-testid="own-data-awaited">
          {awaitedDataNotice(awaitedHere, keptRun)}
        </p>
      )}
      <p className="muted">
        A .zip or a folder (chosen, or dropped here) with one subfolder per class ({MIN_CLASSES}–{MAX_CLASSES} classes; {IMAGE_EXTENSIONS.join(', ')}), as PyTorch&apos;s
        ImageFolder reads; optional train/ and test/ (or val/) folders. Each image is resized to the size below, its aspect ratio kept, as grey or RGB. Limits:{' '}
        {ZIP_LIMITS.maxEntries.toLocaleString('en-US')} files, {limitBytes(ZIP_LIMITS.maxTotalBytes)} of images, {limitBytes(MEMORY_LIMIT_BYTES)} of memory in all.
      </p>
      <label>
        Ink
        <select data-testid="own-images-invert" value={invert} onChange={(e) => setInvert(e.target.value as InvertMode)}>
          {(Object.keys(INVERT_LABELS) as InvertMode[]).map((mode) => (
            <option key={mode} value={mode}>
              {INVERT_LABELS[mode]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Size
        <input
          data-testid="own-images-side"
          type="number"
          min={MIN_SIDE}
          max={MAX_SIDE}
          list="own-images-sides"
          value={sideText}
          aria-invalid={sizeProblem !== null}
          onChange={(e) => setSideText(e.target.value)}
        />
        <datalist id="own-images-sides">
          {[16, 28, 32, 48, 64].map((choice) => (
            <option key={choice} value={choice} />
          ))}
        </datalist>
      </label>
      <p className="muted">
        Side of the square image the model sees, {MIN_SIDE}–{MAX_SIDE} pixels (28 as MNIST). A larger side costs inputs and memory on the device.
      </p>
      {sizeProblem && (
        <p className="own-error" role="alert" data-testid="own-images-side-problem">
          {sizeProblem}
        </p>
      )}
      <label>
        Colour
        <select data-testid="own-images-color" value={color} onChange={(e) => setColor(e.target.value as ColorMode)}>
          <option value="grey">grey (luminance)</option>
          <option value="rgb">RGB (3 channels)</option>
        </select>
      </label>
      <p className="muted">
        RGB keeps colour as 3 input channels: the first layer gets 3× the inputs (and a conv layer 3× the weights); the MCU budget meter shows what that costs.
      </p>
      {stale && (
        <p className="own-stale" role="status" data-testid="own-images-stale">
          The images were loaded as {conversionWords(report.conversion)}; these options apply when they load again.{' '}
          {picked ? (
            <button type="button" data-testid="own-images-reload" disabled={loading} onClick={() => loadOwnImages(picked, chosen)}>
              Load again as {conversionWords(chosen, report.conversion)}
            </button>
          ) : (
            'Choose the files again below to load them so (the page keeps no copy of your files).'
          )}
        </p>
      )}
      <label className="own-folder-toggle">
        <span>
          <input data-testid="own-images-folder" type="checkbox" checked={folder} onChange={(e) => setFolder(e.target.checked)} /> choose a folder instead of a .zip
        </span>
      </label>
      <label>
        {folder ? 'Folder of class folders' : '.zip of class folders'}
        <input
          key={folder ? 'folder' : 'zip'}
          data-testid="own-images-input"
          type="file"
          disabled={sizeProblem !== null}
          accept={folder ? undefined : '.zip,application/zip'}
          onChange={onFiles}
          {...(folder ? { webkitdirectory: '', multiple: true } : {})}
        />
      </label>
      {loading && (
        <p className="muted" data-testid="own-data-progress">
          {progress ? `${progress.stage}: ${bytes(progress.loadedBytes)}${progress.totalBytes ? ` of ${bytes(progress.totalBytes)}` : ''}` : 'reading…'}{' '}
          <button type="button" data-testid="own-data-cancel" onClick={cancelDatasetLoad}>
            Cancel
          </button>
        </p>
      )}
      {error && (
        <p className="own-error" role="alert" data-testid="own-data-error">
          {error}
        </p>
      )}
      {report && <Report report={report} />}
      <CollectPanel />
    </details>
  );
}
