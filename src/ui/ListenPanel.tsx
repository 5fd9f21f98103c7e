/**
 * Listen: the trained keyword model on the microphone, live. The microphone's stream, resampled to 16 kHz as it
 * arrives (ui/audio/liveMicrophone.ts), is cut into feature windows exactly as the C detector cuts them
 * (core/audio/detector.ts FeatureStream: the last second, every stride of about 250 ms); each window goes to the
 * worker as the "image" of the ordinary classify request, and the answers, as log-probability scores, feed the same
 * KeywordDetector the C runs (averaging over a few windows, a confidence threshold, a refractory time). A detection
 * shows the word, its confidence and its latency: from the end of the word (where the window's energy falls,
 * capture.ts soundEnd) to the answer on screen.
 */
import { useEffect, useRef, useState } from 'react';
import { soundEnd } from '../core/audio/capture';
import { FeatureStream, KeywordDetector } from '../core/audio/detector';
import { CLIP_SAMPLES, SAMPLE_RATE } from '../core/audio/frontEnd';
import { useClassNames, useStatus } from '../store/hooks';
import { checklistStepDone } from '../store/layout';
import { useAppStore } from '../store/store';
import { classifyDrawing } from '../store/workerBridge';
import { FeatureImage } from './audio/clipViews';
import { onMicrophoneBlock, openLiveMicrophone, useLiveMicrophone } from './audio/liveMicrophone';
import { LevelMeter } from './LiveSpectrogram';
import { Tip, tipId } from './Tip';

/** The detector takes fixed-point scores: log-probabilities · 2^SCORE_BITS (differences of logits, as the C's). */
const SCORE_BITS = 10;
const LOWEST_PROBABILITY = 1e-30;

interface Detection {
  word: string;
  confidence: number;
  latencyMs: number;
}

/** Probabilities -> the detector's int32 scores (log p differs from the logit by the same amount for every class). */
function scoresOf(probabilities: Float32Array): Int32Array {
  return Int32Array.from(probabilities, (p) => Math.round(Math.log(Math.max(p, LOWEST_PROBABILITY)) * 2 ** SCORE_BITS));
}

export function ListenPanel() {
  const classNames = useClassNames();
  const { status } = useStatus();
  const microphone = useLiveMicrophone();
  const [listening, setListening] = useState(false);
  const [detected, setDetected] = useState<Detection | null>(null);
  const [best, setBest] = useState<{ word: string; probability: number } | null>(null);
  const [features, setFeatures] = useState<Uint8Array | null>(null);
  /** Where the newest window's sound ended, on performance.now()'s clock. */
  const soundEndAt = useRef<number | null>(null);
  const trained = status === 'paused' || status === 'done' || status === 'training';

  // Closing the microphone (the spectrogram's button) ends listening.
  const active = listening && microphone.status === 'open';

  useEffect(() => {
    if (!active) return;
    const detector = new KeywordDetector(classNames, SCORE_BITS);
    const windows = new FeatureStream();
    /** 16 kHz samples pushed to `windows`: its windows' ends count from the first of them. */
    let pushed = 0;
    const stopBlocks = onMicrophoneBlock(({ ring, sampleRate, pcm16k, ring16k }) => {
      if (pcm16k.length === 0) return;
      const now = performance.now();
      // When 16 kHz sample k was heard: device sample k·rate/16000 arrived (written − that) samples before the
      // newest, which is now (so the resampler's delay counts).
      const heardAt = (k: number) => now - ((ring.written - (k * sampleRate) / SAMPLE_RATE) * 1000) / sampleRate;
      // The windows' sample k is the stream's k + offset (the stream began before Listen did).
      const offset = ring16k.written - pushed - pcm16k.length;
      pushed += pcm16k.length;
      for (const window of windows.push(pcm16k)) {
        const end = window.endSample + offset;
        const heard = Int16Array.from(ring16k.range(end - CLIP_SAMPLES, CLIP_SAMPLES));
        soundEndAt.current = heardAt(end - CLIP_SAMPLES + soundEnd(heard));
        setFeatures(window.features);
        classifyDrawing(window.features);
      }
    });
    const stopAnswers = useAppStore.subscribe((state, previous) => {
      const prediction = state.prediction;
      if (!prediction || prediction === previous.prediction) return;
      checklistStepDone('listened');
      let top = 0;
      prediction.probabilities.forEach((p, c) => p > prediction.probabilities[top]! && (top = c));
      setBest({ word: classNames[top] ?? String(top), probability: prediction.probabilities[top]! });
      const detection = detector.push(scoresOf(prediction.probabilities));
      if (detection && soundEndAt.current !== null) {
        setDetected({ word: classNames[detection.classIndex] ?? String(detection.classIndex), confidence: detection.confidence / 1000, latencyMs: performance.now() - soundEndAt.current });
      }
    });
    return () => {
      stopBlocks();
      stopAnswers();
      classifyDrawing(null);
    };
  }, [active, classNames]);

  const toggle = async () => {
    if (active) return setListening(false);
    if (await openLiveMicrophone()) setListening(true);
  };

  return (
    <div className="listen" data-testid="listen-panel">
      <p className="muted">Say one of the words: the model hears the last second of the microphone four times a second, and names a word when it is sure.</p>
      <div className="collect-row">
        <button type="button" data-testid="listen-toggle" aria-pressed={active} aria-describedby={tipId('listen')} disabled={!active && !trained} onClick={() => void toggle()}>
          {active ? 'Stop listening' : 'Listen'}
        </button>
        <Tip name="listen">{trained ? 'Opens the microphone and classifies what it hears, live.' : 'Train on keywords first: Listen uses the trained model.'}</Tip>
        {active && <LevelMeter levelDb={microphone.levelDb} />}
      </div>
      {microphone.error && (
        <p className="own-error" role="alert" data-testid="listen-error">
          {microphone.error}
        </p>
      )}
      <p className="listen-word" data-testid="detected-word" data-word={detected?.word ?? ''} data-latency-ms={detected ? Math.max(0, Math.round(detected.latencyMs)) : undefined} aria-live="polite">
        {detected ? (
          <>
            {detected.word}{' '}
            <span className="listen-detail muted">
              {Math.round(detected.confidence * 100)} % sure · answered {Math.max(0, detected.latencyMs).toFixed(0)} ms after the word ended
            </span>
          </>
        ) : active ? (
          <span className="listen-detail muted">listening…</span>
        ) : null}
      </p>
      {active && (
        <div className="collect-row muted" data-testid="listen-current">
          {features && <FeatureImage features={features} title="what the model hears now" />}
          {best && (
            <span>
              now: {best.word} {Math.round(best.probability * 100)} %
            </span>
          )}
        </div>
      )}
    </div>
  );
}
