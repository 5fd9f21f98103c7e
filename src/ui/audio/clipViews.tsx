/**
 * Small views of a 1 s keyword clip: its features as the network sees them (core/audio/frontEnd.ts clipFeatures:
 * 28 mel bands × 28 frames, high bands on top, time left to right, loud bright) and a play button.
 */
import { useEffect, useMemo, useRef } from 'react';
import { clipFeatures, FEATURE_FRAMES, MEL_BANDS, SAMPLE_RATE } from '../../core/audio/frontEnd';
import { paintGray } from '../paint';

/** A features image (MEL_BANDS × FEATURE_FRAMES uint8, [band][frame]) on a small canvas. */
export function FeatureImage({ features, title }: { features: Uint8Array; title: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = ref.current?.getContext('2d');
    if (context) context.putImageData(new ImageData(paintGray(features, MEL_BANDS * FEATURE_FRAMES), FEATURE_FRAMES, MEL_BANDS), 0, 0);
  }, [features]);
  return <canvas ref={ref} className="clip-features" width={FEATURE_FRAMES} height={MEL_BANDS} title={title} aria-label={title} />;
}

/** The clip's features image, computed once per clip. */
export function ClipFeatures({ pcm, title }: { pcm: Int16Array; title: string }) {
  const features = useMemo(() => clipFeatures(pcm), [pcm]);
  return <FeatureImage features={features} title={title} />;
}

let playback: AudioContext | null = null;

/** Plays 16 kHz PCM through the speakers (the browser resamples the buffer to its output rate). */
export function playPcm(pcm: Int16Array): void {
  playback ??= new AudioContext();
  const buffer = playback.createBuffer(1, pcm.length, SAMPLE_RATE);
  const channel = buffer.getChannelData(0);
  for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i]! / 32768;
  const source = playback.createBufferSource();
  source.buffer = buffer;
  source.connect(playback.destination);
  void playback.resume().then(() => source.start());
}

export function PlayButton({ pcm, label, describedBy }: { pcm: Int16Array; label: string; describedBy?: string }) {
  return (
    <button type="button" className="clip-play" aria-label={label} aria-describedby={describedBy} onClick={() => playPcm(pcm)}>
      ▶
    </button>
  );
}
