/**
 * The microphone as the network hears it, live: a scrolling spectrogram of the front end's columns
 * (core/audio/frontEnd.ts frameFeatures on the microphone's 16 kHz stream: one column per hop, high bands on top),
 * and a level meter. Painted from the 16 kHz ring about ten times a second, outside React.
 */
import { useEffect, useRef } from 'react';
import { FRONT_END, frameFeatures, MEL_BANDS, SAMPLE_RATE } from '../core/audio/frontEnd';
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
    /** Frames painted so far; frame f covers 16 kHz samples [f·hop, f·hop + window) of the microphone's stream. */
    let painted = 0;
    let lastPaint = 0;
    return onMicrophoneBlock(({ ring16k }) => {
      const now = performance.now();
      const context = canvas.current?.getContext('2d');
      if (!context || now - lastPaint < PAINT_INTERVAL_MS) return;
      lastPaint = now;
      const frames = Math.floor((ring16k.written - FRONT_END.windowSamples) / FRONT_END.hopSamples) + 1;
      const first = Math.max(painted, frames - COLUMNS);
      if (frames <= first) return;
      context.drawImage(context.canvas, -(frames - first), 0);
      for (let f = first; f < frames; f++) {
        const window = Int16Array.from(ring16k.range(f * FRONT_END.hopSamples, FRONT_END.windowSamples));
        context.putImageData(new ImageData(paintGray(frameFeatures(window), MEL_BANDS), 1, MEL_BANDS), COLUMNS - (frames - f), 0);
      }
      painted = frames;
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
