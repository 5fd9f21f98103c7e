/**
 * The microphone as the network hears it, live: a scrolling spectrogram of the front end's columns
 * (core/audio/frontEnd.ts frameFeatures on the 16 kHz stream: one column per hop, high bands on top), and a level
 * meter. Painted from the sample ring about ten times a second, outside React.
 */
import { useEffect, useRef } from 'react';
import { latest16k } from '../core/audio/capture';
import { CLIP_SAMPLES, FRONT_END, frameFeatures, MEL_BANDS, SAMPLE_RATE } from '../core/audio/frontEnd';
import { paintGray } from './paint';
import { Tip, tipId } from './Tip';
import { closeLiveMicrophone, onMicrophoneBlock, openLiveMicrophone, useLiveMicrophone } from './audio/liveMicrophone';

/** Columns shown: about three seconds at the front end's hop. */
const COLUMNS = Math.round((3 * SAMPLE_RATE) / FRONT_END.hopSamples);
const PAINT_INTERVAL_MS = 100;

export function LevelMeter({ levelDb }: { levelDb: number }) {
  const shown = Math.max(-60, Math.min(0, levelDb));
  return (
    <span className="level-meter" data-testid="level-meter">
      <meter min={-60} max={0} low={-40} high={-6} optimum={-20} value={shown} aria-label="microphone level" /> {levelDb <= -120 ? '−∞' : levelDb.toFixed(0)} dBFS
    </span>
  );
}

export function LiveSpectrogram() {
  const microphone = useLiveMicrophone();
  const canvas = useRef<HTMLCanvasElement>(null);
  const open = microphone.status === 'open';

  useEffect(() => {
    if (!open) return;
    let drawnFrames = 0;
    let lastPaint = 0;
    return onMicrophoneBlock((ring, sampleRate) => {
      const now = performance.now();
      const context = canvas.current?.getContext('2d');
      if (!context || now - lastPaint < PAINT_INTERVAL_MS) return;
      lastPaint = now;
      const samples16k = Math.floor((ring.written * SAMPLE_RATE) / sampleRate);
      const frames = Math.floor(samples16k / FRONT_END.hopSamples);
      const fresh = Math.min(frames - drawnFrames, Math.floor((CLIP_SAMPLES - FRONT_END.windowSamples) / FRONT_END.hopSamples), COLUMNS);
      if (fresh <= 0) return;
      drawnFrames = frames;
      // Only the samples the new columns cover: (fresh − 1) hops and one window.
      const span = (fresh - 1) * FRONT_END.hopSamples + FRONT_END.windowSamples;
      const window = latest16k(ring, sampleRate, span);
      context.drawImage(context.canvas, -fresh, 0);
      for (let j = 0; j < fresh; j++) {
        const start = j * FRONT_END.hopSamples;
        const column = frameFeatures(window.subarray(start, start + FRONT_END.windowSamples));
        context.putImageData(new ImageData(paintGray(column, MEL_BANDS), 1, MEL_BANDS), COLUMNS - fresh + j, 0);
      }
    });
  }, [open]);

  return (
    <div className="live-spectrogram">
      <div className="collect-row">
        <span className="explained">
          <button
            type="button"
            data-testid="microphone-toggle"
            aria-describedby={tipId('microphone-toggle')}
            disabled={microphone.status === 'opening'}
            onClick={() => (open ? closeLiveMicrophone() : void openLiveMicrophone())}
          >
            {open ? 'Close the microphone' : microphone.status === 'opening' ? 'Opening…' : 'Open the microphone'}
          </button>
          <Tip name="microphone-toggle">
            {open
              ? 'Stops listening to the microphone.'
              : 'Opens the microphone (echo cancellation, noise suppression and gain control off) and shows what it hears as the network does.'}
          </Tip>
        </span>
        {open && <LevelMeter levelDb={microphone.levelDb} />}
        {open && (
          <span className="muted">
            {microphone.sampleRate} Hz, {microphone.channels === 1 ? 'mono' : `${microphone.channels} channels mixed to mono`}, heard at 16 kHz
          </span>
        )}
      </div>
      {open && <canvas ref={canvas} data-testid="live-spectrogram" className="spectrogram" width={COLUMNS} height={MEL_BANDS} aria-label="Live spectrogram of the microphone: time left to right, high pitches on top" />}
    </div>
  );
}
