/**
 * Ternary weight heatmap on one canvas (an int4/int8 layer's codes shaded by magnitude). Repainted from the store by subscription (a few times a second while
 * training), never by React re-rendering; React only handles the layer choice and the hover read-out.
 */
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { useAppStore } from '../store/store';
import { useDataImageShape } from '../store/hooks';
import { maxWeightCode } from '../core/quant/weightFormats';
import type { LayerWeightStats } from '../core/model/weightStats';
import { convHeatmapLayout, cssRgb, heatmapLayout, hitTest, paintTrits, TRIT_RGB, type HeatmapLayout } from './paint';

interface Hover {
  unit: number;
  input: number;
  /** The trit or int4/int8 code under the pointer. */
  code: number;
  value: number;
  integer: string | null;
}

/** One layer's shape as text (inputs x units x kernel x channels), so React re-renders only when shapes change. */
function shapeKey(layer: LayerWeightStats): string {
  return [layer.inputSize, layer.outputSize, layer.conv?.kernel ?? 0, layer.conv?.input.channels ?? 0].join('x');
}

/** imageChannels: the channels of a dense first layer's image input (3 for RGB own images), else 1. */
function layoutOf(layer: { inputSize: number; outputSize: number; conv: { kernel: number; input: { channels: number } } | null }, channel: number, imageChannels: number): HeatmapLayout {
  return layer.conv ? convHeatmapLayout(layer.conv.kernel, layer.conv.input.channels, layer.outputSize, channel) : heatmapLayout(layer.inputSize, layer.outputSize, imageChannels, channel);
}

export function WeightHeatmap() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const layoutRef = useRef<HeatmapLayout | null>(null);
  const [layerIndex, setLayerIndex] = useState(0);
  const [channel, setChannel] = useState(0);
  // A string, so React re-renders only when the layer shapes change, not on every report.
  const shapes = useAppStore((s) => s.weightReport?.layers.map(shapeKey).join(',') ?? '');
  const layerShapes = shapes ? shapes.split(',').map((shape) => shape.split('x').map(Number) as [number, number, number, number]) : [];
  const [hover, setHover] = useState<Hover | null>(null);
  const dataChannels = useDataImageShape().channels;
  const shape = layerShapes[layerIndex];
  const [kernel, channels] = shape ? [shape[2], shape[3]] : [0, 0];
  const isConv = kernel > 0;
  // A dense first layer on RGB input: its inputs are pixels × 3 channels, shown one channel at a time as conv is.
  const imageChannels = layerIndex === 0 && !isConv ? dataChannels : 1;

  useEffect(() => {
    const paint = () => {
      const canvas = canvasRef.current;
      const layer = useAppStore.getState().weightReport?.layers[layerIndex];
      if (!canvas || !layer) return;
      const layout = layoutOf(layer, channel, imageChannels);
      layoutRef.current = layout;
      if (canvas.width !== layout.width || canvas.height !== layout.height) {
        canvas.width = layout.width;
        canvas.height = layout.height;
      }
      const image = new ImageData(paintTrits(layer.codes, layout, maxWeightCode(layer.weights)), layout.width, layout.height);
      canvas.getContext('2d')?.putImageData(image, 0, 0);
      canvas.dataset.step = String(useAppStore.getState().weightReport?.globalStep ?? 0);
      canvas.dataset.zeros = String(layer.counts.zero);
    };
    paint();
    return useAppStore.subscribe((state, previous) => {
      if (state.weightReport !== previous.weightReport) paint();
    });
  }, [layerIndex, channel, imageChannels]);

  const onMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const canvas = canvasRef.current;
    const layout = layoutRef.current;
    const layer = useAppStore.getState().weightReport?.layers[layerIndex];
    if (!canvas || !layout || !layer) return;
    const box = canvas.getBoundingClientRect();
    const hit = hitTest(
      layout,
      ((event.clientX - box.left) / box.width) * layout.width,
      ((event.clientY - box.top) / box.height) * layout.height,
    );
    if (!hit) {
      setHover(null);
      return;
    }
    const code = layer.codes[hit.input * layer.outputSize + hit.unit]!;
    setHover({ ...hit, code, value: code * (layer.scales[hit.unit] ?? 0), integer: layer.weights === 'ternary' ? null : layer.weights });
  };

  const imageLayout = shape && !isConv ? heatmapLayout(shape[0], shape[1], imageChannels) : null;
  const isImageLayer = imageLayout?.kind === 'tiles';
  const imageSide = imageLayout?.kind === 'tiles' ? imageLayout.side : 0;
  const channelChoices = isConv ? channels : isImageLayer ? imageChannels : 1;
  const describe = ([inputs, units, k, c]: [number, number, number, number]) => (k > 0 ? `conv ${k}×${k}×${c}→${units}` : `${inputs}→${units}`);
  return (
    <figure className="chart heatmap">
      <figcaption>
        Ternary weights{' '}
        <select
          value={layerIndex}
          onChange={(e) => {
            setLayerIndex(Number(e.target.value));
            setChannel(0);
          }}
          aria-label="Layer"
        >
          {layerShapes.map((layerShape, i) => (
            <option key={i} value={i}>
              layer {i + 1} ({describe(layerShape)})
            </option>
          ))}
        </select>{' '}
        {channelChoices > 1 && (
          <select data-testid="heatmap-channel" value={channel} onChange={(e) => setChannel(Number(e.target.value))} aria-label="Input channel">
            {Array.from({ length: channelChoices }, (_, c) => (
              <option key={c} value={c}>
                input channel {c + 1} of {channelChoices}
              </option>
            ))}
          </select>
        )}{' '}
        <span className="legend">
          <span style={{ background: cssRgb(TRIT_RGB[-1]) }} /> −1 <span style={{ background: cssRgb(TRIT_RGB[0]) }} /> 0{' '}
          <span style={{ background: cssRgb(TRIT_RGB[1]) }} /> +1
        </span>
      </figcaption>
      <p className="muted">
        {isConv
          ? `One ${kernel}×${kernel} filter per output channel${channels > 1 ? ', for the chosen input channel' : ''}: what it adds (+1) or subtracts (−1) around each position.`
          : isImageLayer
            ? `One ${imageSide}×${imageSide} receptive field per hidden unit${imageChannels > 1 ? ' for the chosen input channel (R, G, B)' : ''}: what each unit adds (+1) or subtracts (−1) from the image.`
            : 'One row per unit, one column per input.'}
      </p>
      <canvas
        ref={canvasRef}
        data-testid="weight-heatmap"
        className="heatmap-canvas"
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
      />
      <div className="hover-readout" data-testid="heatmap-hover">
        {hover
          ? (isConv
              ? `filter ${hover.unit}, input channel ${(hover.input % channels) + 1}, row ${Math.floor(Math.floor(hover.input / channels) / kernel)}, col ${Math.floor(hover.input / channels) % kernel}: `
              : `unit ${hover.unit}, input ${hover.input}${isImageLayer ? ` (row ${Math.floor(Math.floor(hover.input / imageChannels) / imageSide)}, col ${Math.floor(hover.input / imageChannels) % imageSide}${imageChannels > 1 ? `, channel ${(hover.input % imageChannels) + 1}` : ''})` : ''}: `) +
            (hover.integer ? `${hover.integer} code ${hover.code}` : `trit ${hover.code > 0 ? '+1' : hover.code < 0 ? '−1' : '0'}`) +
            `, value ${hover.value.toFixed(4)}`
          : 'Hover over the map to read a weight.'}
      </div>
    </figure>
  );
}
