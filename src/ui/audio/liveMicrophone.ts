/**
 * The page's one open microphone, shared by the recorder, the live spectrogram and Listen: open or closed, its
 * error, the level of the newest block, and a ring of the last HISTORY_SECONDS at the device's rate
 * (core/audio/capture.ts). Components read its state with useLiveMicrophone (useSyncExternalStore); samples are
 * read from the ring when needed, never through React.
 */
import { useSyncExternalStore } from 'react';
import { CAPTURE_SECONDS, SampleRing } from '../../core/audio/capture';
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
let ring: SampleRing | null = null;
const listeners = new Set<() => void>();
/** Called after every block with the ring (recorder waits, spectrogram and Listen read). */
const blockListeners = new Set<(ring: SampleRing, sampleRate: number) => void>();
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
      if (!ring || !microphone) return;
      ring.push(block.samples);
      blockListeners.forEach((listener) => listener(ring!, microphone!.sampleRate));
      // The meter needs no more than ~10 updates a second.
      const now = performance.now();
      if (now - lastLevelUpdate > 100) {
        lastLevelUpdate = now;
        update({ levelDb: block.levelDb, channels: microphone.channels });
      }
    });
    ring = new SampleRing(Math.ceil(microphone.sampleRate * HISTORY_SECONDS));
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
  ring = null;
  update({ status: 'closed', levelDb: -120 });
}

export function reportMicrophoneError(error: string | null): void {
  update({ error });
}

/** Calls listener after every block until the returned function is called. */
export function onMicrophoneBlock(listener: (ring: SampleRing, sampleRate: number) => void): () => void {
  blockListeners.add(listener);
  return () => blockListeners.delete(listener);
}

/** The next `seconds` of sound at the device's rate (the microphone opened first when closed), or null on a refusal. */
export async function captureSeconds(seconds = CAPTURE_SECONDS): Promise<{ samples: Float32Array; sampleRate: number } | null> {
  if (!(await openLiveMicrophone())) return null;
  const start = ring!.written;
  return new Promise((resolve) => {
    const cancel = () => {
      stop();
      pendingCaptures.delete(cancel);
      resolve(null);
    };
    const stop = onMicrophoneBlock((r, sampleRate) => {
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
