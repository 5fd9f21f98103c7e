/**
 * The page's one open microphone, shared by the recorder, the live spectrogram and Listen: open or closed, its
 * error, the level of the newest block; and its feed: a ring of the last HISTORY_SECONDS at the device's rate, the
 * same stream resampled to 16 kHz as it arrives (core/audio/capture.ts StreamResampler, made once for all readers)
 * and a ring of that. Components read the state with useLiveMicrophone (useSyncExternalStore); samples go to
 * onMicrophoneBlock listeners, never through React.
 */
import { useSyncExternalStore } from 'react';
import { CAPTURE_SECONDS, SampleRing, StreamResampler } from '../../core/audio/capture';
import { SAMPLE_RATE } from '../../core/audio/frontEnd';
import { MicrophoneError, openMicrophone, type Microphone } from './microphone';

const HISTORY_SECONDS = 4;

export interface MicrophoneState {
  status: 'closed' | 'opening' | 'open';
  error: string | null;
  sampleRate: number | null;
  channels: number | null;
  levelDb: number;
}

let state: MicrophoneState = { status: 'closed', error: null, sampleRate: null, channels: null, levelDb: -120 };
let microphone: Microphone | null = null;
/** What every block brings to its listeners. */
export interface MicrophoneFeed {
  /** The device-rate stream (index: samples since the microphone opened). */
  ring: SampleRing;
  sampleRate: number;
  /** The 16 kHz samples this block completed. */
  pcm16k: Int16Array;
  /** The 16 kHz stream (index: 16 kHz samples since the microphone opened; a stretch lost in a stall is zeros). */
  ring16k: SampleRing;
}

let feed: MicrophoneFeed | null = null;
let resampler: StreamResampler | null = null;
const listeners = new Set<() => void>();
/** Called after every block (recorder waits, spectrogram and Listen read). */
const blockListeners = new Set<(feed: MicrophoneFeed) => void>();
/** Captures under way: each is answered null when the microphone closes before it is complete. */
const pendingCaptures = new Set<() => void>();

function update(next: Partial<MicrophoneState>): void {
  state = { ...state, ...next };
  listeners.forEach((listener) => listener());
}

export async function openLiveMicrophone(): Promise<boolean> {
  if (state.status === 'open') return true;
  if (state.status === 'opening') return false;
  update({ status: 'opening', error: null });
  try {
    let lastLevelUpdate = 0;
    microphone = await openMicrophone((block) => {
      if (!feed || !resampler || !microphone) return;
      feed.ring.push(block.samples);
      const pcm16k = resampler.push(feed.ring);
      // Input the device ring no longer held (a stalled page) was skipped by the resampler: zeros keep the index.
      const lost = resampler.produced - pcm16k.length - feed.ring16k.written;
      if (lost > 0) feed.ring16k.push(new Float32Array(lost));
      feed.ring16k.push(Float32Array.from(pcm16k));
      const current = { ...feed, pcm16k };
      blockListeners.forEach((listener) => listener(current));
      // The meter needs no more than ~10 updates a second.
      const now = performance.now();
      if (now - lastLevelUpdate > 100) {
        lastLevelUpdate = now;
        update({ levelDb: block.levelDb, channels: microphone.channels });
      }
    });
    resampler = new StreamResampler(microphone.sampleRate);
    feed = {
      ring: new SampleRing(Math.ceil(microphone.sampleRate * HISTORY_SECONDS)),
      sampleRate: microphone.sampleRate,
      pcm16k: new Int16Array(0),
      ring16k: new SampleRing(SAMPLE_RATE * HISTORY_SECONDS),
    };
    update({ status: 'open', sampleRate: microphone.sampleRate, channels: microphone.channels });
    return true;
  } catch (error) {
    microphone = null;
    update({ status: 'closed', error: error instanceof MicrophoneError ? error.message : String(error) });
    return false;
  }
}

export function closeLiveMicrophone(): void {
  microphone?.close();
  microphone = null;
  pendingCaptures.forEach((cancel) => cancel());
  feed = null;
  resampler = null;
  update({ status: 'closed', levelDb: -120 });
}

export function reportMicrophoneError(error: string | null): void {
  update({ error });
}

/** Calls listener after every block until the returned function is called. */
export function onMicrophoneBlock(listener: (feed: MicrophoneFeed) => void): () => void {
  blockListeners.add(listener);
  return () => blockListeners.delete(listener);
}

/** The next `seconds` of sound at the device's rate (the microphone opened first when closed), or null on a refusal. */
export async function captureSeconds(seconds = CAPTURE_SECONDS): Promise<{ samples: Float32Array; sampleRate: number } | null> {
  if (!(await openLiveMicrophone())) return null;
  const start = feed!.ring.written;
  return new Promise((resolve) => {
    const cancel = () => {
      stop();
      pendingCaptures.delete(cancel);
      resolve(null);
    };
    const stop = onMicrophoneBlock(({ ring: r, sampleRate }) => {
      const count = Math.round(seconds * sampleRate);
      if (r.written - start < count) return;
      stop();
      pendingCaptures.delete(cancel);
      resolve({ samples: r.range(start, count), sampleRate });
    });
    pendingCaptures.add(cancel);
  });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLiveMicrophone(): MicrophoneState {
  return useSyncExternalStore(subscribe, () => state);
}
