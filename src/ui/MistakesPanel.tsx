/**
 * What the model gets wrong on the validation split, refreshed at each epoch end or on demand: the confusion
 * matrix (rows: true class, columns: predicted; cells shaded by their share of the row) and the images it
 * misclassified with the most confidence, with the predicted and true class (and, for keywords, a button playing the
 * clip).
 */
import { useEffect, useRef } from 'react';
import { matrixAccuracy } from '../core/run/mistakes';
import type { MistakeAnalysis } from '../protocol/messages';
import { useClassNames, useMistakeAnalysis, useStatus } from '../store/hooks';
import { analyzeMistakes } from '../store/workerBridge';
import { percent } from './format';
import { PlayButton } from './audio/clipViews';
import { paintImage } from './paint';
import { Tip, tipId } from './Tip';

function MistakeImage({ analysis, position, names }: { analysis: MistakeAnalysis; position: number; names: readonly string[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const channels = analysis.channels ?? 1;
    const count = analysis.rows * analysis.cols;
    const size = count * channels;
    // Dark ink on white, as people write (RGB: the colours of an image loaded ink-dark, inverted back).
    const pixels = analysis.images.subarray(position * size, (position + 1) * size);
    context.putImageData(new ImageData(paintImage(pixels, count, channels, true), analysis.cols, analysis.rows), 0, 0);
  }, [analysis, position]);
  const mistake = analysis.mistakes[position]!;
  const clip = analysis.clips?.[position];
  const predicted = names[mistake.predicted] ?? String(mistake.predicted);
  const truth = names[mistake.label] ?? String(mistake.label);
  return (
    <figure className="mistake" data-testid="misclassified-item" title={`validation example ${mistake.index}`}>
      <canvas ref={canvas} width={analysis.cols} height={analysis.rows} />
      <figcaption>
        <strong>{predicted}</strong> ({percent(mistake.confidence, 0)}), true {truth}
        {clip && <PlayButton pcm={clip} label={`play the clip heard as ${predicted}, said ${truth}`} />}
      </figcaption>
    </figure>
  );
}

/** A column header fits a narrow cell: the first six characters of a long class name (the full name is its title). */
function shortName(name: string): string {
  return [...name].length > 6 ? `${[...name].slice(0, 5).join('')}…` : name;
}

function ConfusionMatrix({ analysis, names }: { analysis: MistakeAnalysis; names: readonly string[] }) {
  const classes = Array.from({ length: analysis.classCount }, (_, i) => i);
  const rowTotals = classes.map((t) => classes.reduce((sum, p) => sum + analysis.matrix[t * analysis.classCount + p]!, 0));
  return (
    <table className="confusion" data-testid="confusion-matrix" data-total={rowTotals.reduce((a, b) => a + b, 0)}>
      <thead>
        <tr>
          <th title="true class ↓, predicted →">true \ pred</th>
          {classes.map((p) => (
            <th key={p} title={names[p]}>
              {shortName(names[p] ?? String(p))}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {classes.map((t) => (
          <tr key={t}>
            <th title={names[t]}>{names[t] ?? t}</th>
            {classes.map((p) => {
              const count = analysis.matrix[t * analysis.classCount + p]!;
              const share = rowTotals[t]! > 0 ? count / rowTotals[t]! : 0;
              // Correct cells in blue, mistakes in vermillion, stronger for a larger share of the row.
              const colour = t === p ? `rgba(0, 114, 178, ${0.1 + 0.6 * share})` : count > 0 ? `rgba(213, 94, 0, ${0.15 + 0.85 * Math.min(1, share * 5)})` : 'transparent';
              return (
                <td key={p} style={{ background: colour }} title={`true ${names[t] ?? t}, predicted ${names[p] ?? p}: ${count}`}>
                  {count}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MistakesPanel() {
  const analysis = useMistakeAnalysis();
  const names = useClassNames();
  const { status } = useStatus();
  return (
    <section className="chart">
      <h2 className="section-title">What the model gets wrong</h2>
      <p className="muted">
        {analysis
          ? `Validation split, ${analysis.count.toLocaleString('en-US')} images, step ${analysis.globalStep}: ${percent(matrixAccuracy(analysis.matrix, analysis.classCount), 2)} correct. Refreshed at each epoch end.`
          : 'Shown at each epoch end, or now:'}{' '}
        <span className="explained">
          <button type="button" data-testid="analyze-now" aria-describedby={tipId('analyze')} disabled={status === 'loading'} onClick={analyzeMistakes}>
            Analyse now
          </button>
          <Tip name="analyze">Classifies the whole validation split with the current weights and shows the confusion matrix and the worst mistakes.</Tip>
        </span>
      </p>
      {analysis && (
        <div className="mistakes-row">
          <div className="table-scroll">
            <ConfusionMatrix analysis={analysis} names={names} />
          </div>
          <div>
            <div className="histogram-title">Most confidently misclassified: predicted (confidence), true class</div>
            <div className="mistake-grid" data-testid="misclassified" data-count={analysis.mistakes.length}>
              {analysis.mistakes.map((mistake, position) => (
                <MistakeImage key={`${analysis.globalStep}-${mistake.index}`} analysis={analysis} position={position} names={names} />
              ))}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
