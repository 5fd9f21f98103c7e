/**
 * Collect mode: make a data set by drawing. Name a class, draw samples on the canvas (mouse, pen or touch), keep
 * each with "Add drawing", click a thumbnail to delete it; every class needs MIN_SAMPLES_PER_CLASS drawings to
 * train. The drawings are grey PNGs (dark ink on white, as drawn), kept in IndexedDB (store/collectStorage.ts),
 * downloadable as a zip in the image-folder layout, and trained on by loading that zip like any own images.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { DEFAULT_CONVERSION } from '../core/data/imageConversion';
import { classNameProblem, collectedSetZip, MIN_SAMPLES_PER_CLASS, readinessProblem, type CollectedClass } from '../core/data/collectedSet';
import { encodePng } from '../core/data/png';
import { readCollectedSet, writeCollectedSet } from '../store/collectStorage';
import { saveFile } from '../store/download';
import { loadOwnImages } from '../store/workerBridge';

const CANVAS_SIDE = 280;
const PEN_WIDTH = 22;
const THUMBNAIL_SIDE = 28;

type Point = [number, number];

function paintStrokes(canvas: HTMLCanvasElement, strokes: readonly Point[][]): void {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.strokeStyle = '#000';
  context.fillStyle = '#000';
  context.lineWidth = PEN_WIDTH;
  context.lineCap = 'round';
  context.lineJoin = 'round';
  for (const stroke of strokes) {
    context.beginPath();
    if (stroke.length === 1) {
      context.arc(stroke[0]![0], stroke[0]![1], PEN_WIDTH / 2, 0, 2 * Math.PI);
      context.fill();
      continue;
    }
    stroke.forEach(([x, y], i) => (i === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
    context.stroke();
  }
}

/**
 * The drawing as a grey PNG, encoded at once by core's codec (canvas.toBlob encodes in idle time, which a busy
 * page may not have for seconds).
 */
function canvasPng(canvas: HTMLCanvasElement): Uint8Array {
  const { data } = canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, canvas.width, canvas.height);
  const grey = new Uint8Array(canvas.width * canvas.height);
  for (let p = 0; p < grey.length; p++) grey[p] = data[4 * p]!;
  return encodePng(grey, canvas.width, canvas.height, 1);
}

/** A drawing's thumbnail: its PNG decoded and drawn small. */
function Thumbnail({ png, title, onClick }: { png: Uint8Array; title: string; onClick: () => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let live = true;
    void createImageBitmap(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' })).then((bitmap) => {
      const context = ref.current?.getContext('2d');
      if (live && context) context.drawImage(bitmap, 0, 0, THUMBNAIL_SIDE, THUMBNAIL_SIDE);
      bitmap.close();
    });
    return () => {
      live = false;
    };
  }, [png]);
  return <canvas ref={ref} width={THUMBNAIL_SIDE} height={THUMBNAIL_SIDE} title={title} aria-label={title} onClick={onClick} />;
}

export function CollectPanel() {
  const [open, setOpen] = useState(false);
  const [classes, setClasses] = useState<CollectedClass[]>([]);
  const [current, setCurrent] = useState(0);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [strokeCount, setStrokeCount] = useState(0);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const strokesRef = useRef<Point[][]>([]);
  const drawingRef = useRef(false);

  useEffect(() => {
    let live = true;
    void readCollectedSet().then(({ classes: kept, problem }) => {
      if (!live) return;
      setClasses((now) => (now.length === 0 ? kept : now));
      if (problem) setMessage(problem);
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (open && canvasRef.current) paintStrokes(canvasRef.current, strokesRef.current);
  }, [open]);

  const update = (next: CollectedClass[]) => {
    setClasses(next);
    void writeCollectedSet(next).then((problem) => problem && setMessage(problem));
  };

  const addClass = () => {
    const problem = classNameProblem(name, classes);
    setMessage(problem);
    if (problem) return;
    update([...classes, { name: name.trim(), samples: [] }]);
    setCurrent(classes.length);
    setName('');
  };

  const clear = () => {
    strokesRef.current = [];
    setStrokeCount(0);
    if (canvasRef.current) paintStrokes(canvasRef.current, []);
  };

  const addDrawing = () => {
    const canvas = canvasRef.current;
    const target = classes[current];
    if (!canvas || !target || strokesRef.current.length === 0) return;
    const png = canvasPng(canvas);
    update(classes.map((c, i) => (i === current ? { ...c, samples: [...c.samples, png] } : c)));
    clear();
  };

  const deleteDrawing = (classIndex: number, sample: number) =>
    update(classes.map((c, i) => (i === classIndex ? { ...c, samples: c.samples.filter((_, k) => k !== sample) } : c)));

  const deleteClass = (classIndex: number) => {
    update(classes.filter((_, i) => i !== classIndex));
    setCurrent(0);
  };

  const pointOf = (event: PointerEvent<HTMLCanvasElement>): Point => {
    const box = event.currentTarget.getBoundingClientRect();
    return [((event.clientX - box.left) / box.width) * CANVAS_SIDE, ((event.clientY - box.top) / box.height) * CANVAS_SIDE];
  };

  const ready = readinessProblem(classes);
  const useSet = () => {
    const zip = collectedSetZip(classes);
    loadOwnImages({ zip: new File([zip as Uint8Array<ArrayBuffer>], 'collected.zip', { type: 'application/zip' }) }, DEFAULT_CONVERSION);
  };

  return (
    <div className="collect">
      <label className="own-folder-toggle">
        <span>
          <input data-testid="collect-mode" type="checkbox" checked={open} onChange={(e) => setOpen(e.target.checked)} /> collect mode: draw your own classes
        </span>
      </label>
      {open && (
        <>
          <p className="muted">
            Name a class, draw a sample, keep it with &quot;Add drawing&quot;; click a thumbnail to delete it. Each class needs {MIN_SAMPLES_PER_CLASS} drawings. They
            are kept in this browser.
          </p>
          <div className="collect-row">
            <input data-testid="collect-class-name" type="text" aria-label="New class name" placeholder="class name, e.g. circle" value={name} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && addClass()} />
            <button type="button" data-testid="collect-add-class" onClick={addClass}>
              Add class
            </button>
          </div>
          {classes.length > 0 && (
            <ul className="collect-classes">
              {classes.map((c, i) => (
                <li key={c.name}>
                  <button type="button" data-testid="collect-class" data-class={c.name} className={i === current ? 'active' : ''} onClick={() => setCurrent(i)}>
                    {c.name} ({c.samples.length})
                  </button>{' '}
                  <button type="button" title={`delete the class ${c.name} and its drawings`} onClick={() => deleteClass(i)}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div className="collect-row">
            <canvas
              ref={canvasRef}
              data-testid="collect-canvas"
              aria-label="Drawing canvas for the selected class"
              className="collect-canvas"
              width={CANVAS_SIDE}
              height={CANVAS_SIDE}
              onPointerDown={(event) => {
                event.preventDefault();
                event.currentTarget.setPointerCapture(event.pointerId);
                drawingRef.current = true;
                strokesRef.current = [...strokesRef.current, [pointOf(event)]];
                setStrokeCount(strokesRef.current.length);
                paintStrokes(event.currentTarget, strokesRef.current);
              }}
              onPointerMove={(event) => {
                if (!drawingRef.current) return;
                strokesRef.current[strokesRef.current.length - 1]!.push(pointOf(event));
                paintStrokes(event.currentTarget, strokesRef.current);
              }}
              onPointerUp={() => (drawingRef.current = false)}
              onPointerCancel={() => (drawingRef.current = false)}
            />
            <div className="collect-buttons">
              <button type="button" data-testid="collect-add-sample" disabled={strokeCount === 0 || classes[current] === undefined} onClick={addDrawing}>
                Add drawing{classes[current] ? ` to "${classes[current].name}"` : ''}
              </button>{' '}
              <button type="button" onClick={clear}>
                Clear
              </button>
            </div>
          </div>
          <div data-testid="collect-samples">
            {classes.map((c, i) => (
              <div key={c.name} className="collect-samples" data-class={c.name} data-count={c.samples.length}>
                {c.samples.map((png, k) => (
                  <Thumbnail key={k} png={png} title={`${c.name} ${k + 1}: click to delete`} onClick={() => deleteDrawing(i, k)} />
                ))}
              </div>
            ))}
          </div>
          <div className="collect-row">
            <button type="button" data-testid="collect-use" disabled={ready !== null} title={ready ?? 'train on these drawings'} onClick={useSet}>
              Use these drawings
            </button>
            <button type="button" data-testid="collect-download" disabled={classes.length === 0} onClick={() => saveFile('collected.zip', collectedSetZip(classes), 'application/zip')}>
              Download as .zip
            </button>
          </div>
          {(message ?? ready) && (
            <p className="muted" data-testid="collect-message">
              {message ?? ready}
            </p>
          )}
        </>
      )}
    </div>
  );
}
