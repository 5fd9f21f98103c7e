/**
 * Per-layer histograms of the latent weights with the ±Δ lines and the three regions coloured, and the counts.
 * Drawn on canvas (geometry from paint.ts): a few hundred bars redrawn a few times a second would keep an SVG
 * chart library busy on the main thread.
 */
import { useEffect, useRef } from 'react';
import { sparsity } from '../core/quant/ternary';
import type { LayerWeightStats } from '../core/model/weightStats';
import { useWeightReport } from '../store/hooks';
import { percent } from './format';
import { cssRgb, histogramGeometry, TRIT_RGB } from './paint';

const REGION_FILL = { [-1]: cssRgb(TRIT_RGB[-1]), 0: '#9a9a9a', 1: cssRgb(TRIT_RGB[1]) } as const;
const CANVAS_WIDTH = 480;
const CANVAS_HEIGHT = 110;
const AXIS_HEIGHT = 14;

function LayerHistogram({ layer, index }: { layer: LayerWeightStats; index: number }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    const plotHeight = CANVAS_HEIGHT - AXIS_HEIGHT;
    const integer = layer.weights !== 'ternary';
    const { bars, thresholdX } = histogramGeometry(layer.histogram, layer.threshold, CANVAS_WIDTH, plotHeight);
    context.clearRect(0, 0, CANVAS_WIDTH, CANVAS_HEIGHT);
    for (const bar of bars) {
      context.fillStyle = REGION_FILL[bar.region];
      context.fillRect(bar.x, bar.y, Math.max(1, bar.width - 0.5), bar.height);
    }
    context.strokeStyle = '#222';
    context.setLineDash([4, 3]);
    for (const x of integer ? [] : thresholdX) {
      context.beginPath();
      context.moveTo(x, 0);
      context.lineTo(x, plotHeight);
      context.stroke();
    }
    context.setLineDash([]);
    context.fillStyle = '#4a5363';
    context.font = '11px system-ui, sans-serif';
    context.textAlign = 'left';
    context.fillText(layer.histogram.min.toFixed(3), 0, CANVAS_HEIGHT - 2);
    context.textAlign = 'right';
    context.fillText(layer.histogram.max.toFixed(3), CANVAS_WIDTH, CANVAS_HEIGHT - 2);
    context.textAlign = 'center';
    context.fillText(
      integer ? `${layer.weights} codes: no threshold` : `${layer.perChannel ? 'mean ' : ''}Δ = ${layer.threshold.toFixed(3)}`,
      CANVAS_WIDTH / 2,
      CANVAS_HEIGHT - 2,
    );
  }, [layer]);
  const total = layer.codes.length;
  const c = layer.counts;
  const [minus, plus] = layer.weights === 'ternary' ? ['−1', '+1'] : [`${layer.weights} < 0`, '> 0'];
  return (
    <div className="layer-histogram" data-layer={index} data-zero-share={sparsity(c).toFixed(4)}>
      <div className="histogram-title">
        Layer {index + 1} ({layer.inputSize}→{layer.outputSize}): {minus} {c.minus} ({percent(c.minus / total)}), 0 {c.zero} (
        {percent(c.zero / total)}), {plus} {c.plus} ({percent(c.plus / total)})
      </div>
      <canvas ref={canvasRef} width={CANVAS_WIDTH} height={CANVAS_HEIGHT} className="histogram-canvas" />
    </div>
  );
}

/** The sparsity the current t gives, and how many weights flipped: beside the threshold slider in the core loop. */
export function SparsityFigure() {
  const report = useWeightReport();
  return (
    <p className="sparsity-figure">
      Sparsity (share of zero weights): <strong data-testid="sparsity-value">{report ? percent(report.sparsity, 1) : '—'}</strong>
      <br />
      <span className="muted">
        Flipped since the last report: <strong data-testid="flip-ratio">{report && report.flipRatio !== null ? percent(report.flipRatio, 2) : '—'}</strong>
      </span>
    </p>
  );
}

/** Per-layer histograms of the latent weights, under Inspect. */
export function SparsityPanel() {
  const report = useWeightReport();
  return (
    <figure className="chart sparsity-panel">
      <figcaption>
        Latent weights per layer: the ±Δ lines split them into −1, 0 and +1
        {report?.quantizer && <span className="muted"> · quantizer {report.quantizer}, t = {report.threshold.toFixed(2)}</span>}
      </figcaption>
      {!report && <p className="muted">Train or step once to see the weights.</p>}
      <div data-testid="sparsity-histogram" data-step={report?.globalStep ?? -1} data-threshold={report?.threshold ?? ''}>
        {report?.layers.map((layer, i) => <LayerHistogram key={i} layer={layer} index={i} />)}
      </div>
    </figure>
  );
}
