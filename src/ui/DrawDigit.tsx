/**
 * Draw a digit and see the ternary network's answer while drawing. Pointer events cover mouse, touch and pen;
 * strokes are kept as point lists so the last one can be undone. Preprocessing is core/data/drawing.ts; inference
 * runs in the worker (WGSL kernels, or the CPU reference without WebGPU).
 */
import { useEffect, useRef, useState, type CSSProperties, type PointerEvent } from 'react';
import { MNIST_SIDE, toMnistInput } from '../core/data/drawing';
import { channelsOf, conversionLabel, type InputConversion } from '../core/data/imageConversion';
import { colourDrawingInput, drawingBackground, drawingInput, inkCoverage, type OwnDataReport, type Rgb } from '../core/data/ownDataset';
import { areaAverage16, REDUCED_SIDE } from '../core/model/inputResolution';
import { useClassNames, useConfig, usePrediction } from '../store/hooks';
import { useAppStore } from '../store/store';
import { classifyDrawing } from '../store/workerBridge';
import type { FeatureMap } from '../protocol/messages';
import { paintFeatureMap, paintImage } from './paint';
import { Tip, tipId } from './Tip';

const CANVAS_SIDE = 280;
/** A digit drawn to fill most of the 280-pixel canvas shrinks about 10×: this width ends near MNIST's ~2.5 px pen. */
const PEN_WIDTH = 22;
const DEBOUNCE_MS = 80;

type Point = [number, number];

/** The pen an RGB own-images run starts with: a saturated colour, as the photos of such sets often are. */
const DEFAULT_PEN = '#e41a1c';

/** The canvas's colours: white ink on black, or for an RGB own-images run the pen over the set's background. */
interface Colours {
  ink: Rgb;
  background: Rgb;
}

const WHITE_ON_BLACK: Colours = { ink: [255, 255, 255], background: [0, 0, 0] };

/** "#rrggbb" (what <input type="color"> gives) -> [R, G, B]. */
function parseHex(hex: string): Rgb {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

const css = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;

/** The own-images report when the run takes RGB images (the drawing is then a colour photo), else null. */
function rgbReport(): OwnDataReport | null {
  const own = useAppStore.getState().datasetSummary?.own;
  return own && own.conversion.color === 'rgb' ? own : null;
}

/** The canvas's colours now (read from the store, as refresh runs outside React's render), with the pen chosen. */
function canvasColours(pen: string): Colours {
  const report = rgbReport();
  return report ? { ink: parseHex(pen), background: drawingBackground(report) } : WHITE_ON_BLACK;
}

function paintStrokes(canvas: HTMLCanvasElement, strokes: readonly Point[][], colours: Colours): void {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return;
  context.fillStyle = css(colours.background);
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.strokeStyle = css(colours.ink);
  context.fillStyle = css(colours.ink);
  context.lineWidth = PEN_WIDTH;
  context.lineCap = 'round';
  context.lineJoin = 'round';
  for (const stroke of strokes) {
    if (stroke.length === 1) {
      context.beginPath();
      context.arc(stroke[0]![0], stroke[0]![1], PEN_WIDTH / 2, 0, 2 * Math.PI);
      context.fill();
      continue;
    }
    context.beginPath();
    stroke.forEach(([x, y], i) => (i === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
    context.stroke();
  }
}

/** The canvas's ink as grey levels (the red channel of white-on-black). */
function readInk(canvas: HTMLCanvasElement): Uint8Array {
  const data = canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, canvas.width, canvas.height).data;
  const ink = new Uint8Array(canvas.width * canvas.height);
  for (let i = 0; i < ink.length; i++) ink[i] = data[i * 4]!;
  return ink;
}

/**
 * The drawing as the model's input: for the user's own images, converted as they were (the whole canvas,
 * area-averaged to their side, ink as high or low as theirs; for RGB the pen's colour over their background, inverted
 * as they were); for MNIST-style data, as MNIST was made (20-pixel box, centred by mass).
 */
function modelInput(canvas: HTMLCanvasElement, colours: Colours): Uint8Array | null {
  const own = useAppStore.getState().datasetSummary?.own;
  if (!own) return toMnistInput(readInk(canvas), canvas.width, canvas.height);
  const { data } = canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, canvas.width, canvas.height);
  if (own.conversion.color !== 'rgb') return drawingInput(data, canvas.width, canvas.height, own);
  return colourDrawingInput(inkCoverage(data, colours.ink, colours.background), canvas.width, canvas.height, colours.ink, own);
}

/** image: (side, side, channels) NHWC, or null for an empty preview. */
function paintPreview(canvas: HTMLCanvasElement, image: Uint8Array | null, side: number, channels = 1): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const count = side * side;
  context.putImageData(new ImageData(paintImage(image ?? new Uint8Array(count * channels), count, channels), side, side), 0, 0);
}

/** The image the model takes from a drawing: the own images' side and channels, else MNIST's 28×28 grey. */
function inputImage(conversion: InputConversion | null | undefined): { side: number; channels: number } {
  return conversion ? { side: conversion.side, channels: channelsOf(conversion.color) } : { side: MNIST_SIDE, channels: 1 };
}

/** One conv layer's feature maps for the drawn digit: a grey tile per channel. */
function FeatureMapView({ map }: { map: FeatureMap }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const { pixels, width, height } = paintFeatureMap(map.values, map.height, map.width, map.channels);
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d')?.putImageData(new ImageData(pixels, width, height), 0, 0);
  }, [map]);
  return (
    <figure className="feature-map" data-testid="feature-map" data-layer={map.layer} data-channels={map.channels}>
      <canvas ref={ref} className="feature-map-canvas" />
      <figcaption className="muted">
        layer {map.layer + 1}: {map.channels} maps of {map.height}×{map.width}
      </figcaption>
    </figure>
  );
}

export function DrawDigit() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const previewRef = useRef<HTMLCanvasElement>(null);
  /** At a 16×16 input: the area average the network takes (core/model/inputResolution.ts), beside the 28×28 image. */
  const reducedRef = useRef<HTMLCanvasElement>(null);
  const conversion = useAppStore((s) => s.datasetSummary?.own?.conversion ?? null);
  const image = inputImage(conversion);
  // The 16×16 area average exists for 28×28 grey images only (training refuses it for others).
  const reduced = useConfig().config.inputResolution === REDUCED_SIDE && image.side === MNIST_SIDE && image.channels === 1;
  const strokesRef = useRef<Point[][]>([]);
  const drawingRef = useRef(false);
  const timerRef = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inputRef = useRef<Uint8Array | null>(null);
  const [strokeCount, setStrokeCount] = useState(0);
  const [pen, setPen] = useState(DEFAULT_PEN);
  const penRef = useRef(DEFAULT_PEN);
  const prediction = usePrediction();

  const refresh = () => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const now = canvasColours(penRef.current);
    paintStrokes(canvas, strokesRef.current, now);
    const image = strokesRef.current.length > 0 ? modelInput(canvas, now) : null;
    inputRef.current = image;
    const shown = inputImage(useAppStore.getState().datasetSummary?.own?.conversion);
    if (previewRef.current) paintPreview(previewRef.current, image, shown.side, shown.channels);
    if (reducedRef.current) paintPreview(reducedRef.current, image && areaAverage16(image, 1), REDUCED_SIDE);
    classifyDrawing(image);
  };

  const scheduleRefresh = () => {
    if (timerRef.current) clearTimeout(timerRef.current);
    timerRef.current = setTimeout(refresh, DEBOUNCE_MS);
  };

  useEffect(() => {
    refresh();
    // New weights (training goes on, threshold moved): classify the same drawing again.
    const unsubscribe = useAppStore.subscribe((state, previous) => {
      if (state.weightReport !== previous.weightReport && inputRef.current) classifyDrawing(inputRef.current);
    });
    return () => {
      unsubscribe();
      if (timerRef.current) clearTimeout(timerRef.current);
    };
  }, []);

  const pointOf = (event: PointerEvent<HTMLCanvasElement>): Point => {
    const box = event.currentTarget.getBoundingClientRect();
    return [((event.clientX - box.left) / box.width) * CANVAS_SIDE, ((event.clientY - box.top) / box.height) * CANVAS_SIDE];
  };

  const onDown = (event: PointerEvent<HTMLCanvasElement>) => {
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drawingRef.current = true;
    strokesRef.current = [...strokesRef.current, [pointOf(event)]];
    setStrokeCount(strokesRef.current.length);
    scheduleRefresh();
  };
  const onMove = (event: PointerEvent<HTMLCanvasElement>) => {
    if (!drawingRef.current) return;
    strokesRef.current[strokesRef.current.length - 1]!.push(pointOf(event));
    if (canvasRef.current) paintStrokes(canvasRef.current, strokesRef.current, canvasColours(penRef.current));
    scheduleRefresh();
  };
  const onUp = () => {
    if (!drawingRef.current) return;
    drawingRef.current = false;
    if (timerRef.current) clearTimeout(timerRef.current);
    refresh();
  };

  const clear = () => {
    strokesRef.current = [];
    setStrokeCount(0);
    refresh();
  };
  const undo = () => {
    strokesRef.current = strokesRef.current.slice(0, -1);
    setStrokeCount(strokesRef.current.length);
    refresh();
  };

  const classNames = useClassNames();
  const probabilities = strokeCount > 0 && prediction ? Array.from(prediction.probabilities) : null;
  const predicted = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : null;
  const digits = classNames.length === 10 && classNames.every((name, i) => name === String(i));
  return (
    <figure className="chart draw-digit">
      <figcaption>
        {digits ? 'Draw a digit (0–9)' : `Draw one of ${classNames.length <= 12 ? classNames.join(', ') : `${classNames.length} classes`}`}: the ternary network answers while you draw
      </figcaption>
      <div className="draw-row">
        <canvas
          ref={canvasRef}
          data-testid="draw-canvas"
          className="draw-canvas"
          width={CANVAS_SIDE}
          height={CANVAS_SIDE}
          onPointerDown={onDown}
          onPointerMove={onMove}
          onPointerUp={onUp}
          onPointerCancel={onUp}
        />
        <div className="draw-side">
          <div className="muted">
            {reduced
              ? 'The 28×28 image (MNIST-style: 20-pixel box, centred by mass) and the 16×16 area average the network sees'
              : conversion
                ? `What the network sees (${conversionLabel(conversion)}, the whole canvas converted as your images were)`
                : 'What the network sees (28×28, MNIST-style: 20-pixel box, centred by mass)'}
          </div>
          <canvas ref={previewRef} data-testid="model-input" className="model-input" width={image.side} height={image.side} data-channels={image.channels} />
          {reduced && (
            <canvas
              ref={(canvas) => {
                reducedRef.current = canvas;
                if (canvas) paintPreview(canvas, inputRef.current && areaAverage16(inputRef.current, 1), REDUCED_SIDE);
              }}
              data-testid="model-input-16"
              className="model-input"
              width={REDUCED_SIDE}
              height={REDUCED_SIDE}
            />
          )}
          <div className="prediction-line">
            Prediction: <strong data-testid="prediction" className="prediction">{predicted === null ? '' : (classNames[predicted] ?? String(predicted))}</strong>
          </div>
          <div className="muted" data-testid="prediction-path" data-round-trip-ms={prediction ? Math.round(prediction.roundTripMs) : undefined}>
            {prediction && probabilities
              ? `${prediction.path === 'webgpu' ? 'WGSL ternary kernels' : 'CPU reference'} · ${prediction.milliseconds.toFixed(1)} ms · answered ${prediction.roundTripMs.toFixed(0)} ms after asking`
              : strokeCount > 0
                ? 'classifying…'
                : 'Nothing drawn yet.'}
          </div>
          {conversion?.color === 'rgb' && (
            <label className="draw-pen">
              Pen colour{' '}
              <input
                type="color"
                data-testid="draw-pen-color"
                value={pen}
                onChange={(event) => {
                  penRef.current = event.target.value;
                  setPen(event.target.value);
                  refresh();
                }}
              />
            </label>
          )}
          <div className="draw-buttons">
            <span className="explained">
              <button type="button" data-testid="clear-canvas" aria-describedby={tipId('clear-canvas')} onClick={clear}>
                Clear
              </button>
              <Tip name="clear-canvas">Wipes the canvas to draw another digit.</Tip>
            </span>
            <span className="explained">
              <button type="button" data-testid="undo-stroke" aria-describedby={tipId('undo-stroke')} onClick={undo} disabled={strokeCount === 0}>
                Undo
              </button>
              <Tip name="undo-stroke">{strokeCount === 0 ? 'Nothing drawn yet to undo.' : 'Removes the last stroke; the network answers again.'}</Tip>
            </span>
          </div>
        </div>
        {/* The name column fits the longest class name (digits: one character), up to 10em, the rest ellipsised. */}
        <div className="probabilities" data-testid="probabilities" style={{ '--class-name-width': `${Math.min(10, Math.max(1.2, 0.62 * Math.max(...classNames.map((n) => n.length))))}em` } as CSSProperties}>
          {classNames.map((name, digit) => {
            const p = probabilities?.[digit] ?? 0;
            return (
              <div key={digit} className="probability-row" data-digit={digit} data-probability={probabilities ? p.toFixed(4) : ''}>
                <span className="digit" title={name}>
                  {name}
                </span>
                <span className="bar" style={{ width: `${p * 100}%`, background: digit === predicted ? '#0072B2' : '#9ab' }} />
                <span className="value">{probabilities ? `${(p * 100).toFixed(1)} %` : ''}</span>
              </div>
            );
          })}
        </div>
      </div>
      {strokeCount > 0 && prediction && prediction.featureMaps.length > 0 && (
        <div className="feature-maps" data-testid="feature-maps">
          <div className="muted">What each conv filter responds to in your {conversion ? 'drawing' : 'digit'} (after ReLU and pooling; white = strongest):</div>
          {prediction.featureMaps.map((map) => (
            <FeatureMapView key={map.layer} map={map} />
          ))}
        </div>
      )}
    </figure>
  );
}
