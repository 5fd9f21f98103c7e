/**
 * The microphone: getUserMedia with Chromium's voice processing off (echo cancellation, noise suppression and
 * automatic gain change what a model hears), an AudioContext at the device's own rate (44.1 or 48 kHz), and an
 * AudioWorklet (captureProcessor.js) that downmixes to mono and posts blocks. A refusal becomes a MicrophoneError
 * whose message says what happened and what to do. Resampling to 16 kHz is core/audio/resample.ts; this file only
 * captures.
 */

export class MicrophoneError extends Error {}

export interface MicrophoneBlock {
  /** Mono samples at the context's rate, −1..1. */
  samples: Float32Array;
  /** RMS level of the block in dBFS (−120 for digital silence). */
  levelDb: number;
}

export interface Microphone {
  readonly sampleRate: number;
  /** The channels the device delivers (averaged to mono). */
  readonly channels: number;
  close(): void;
}

const CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  video: false,
};

/** The message for a getUserMedia refusal (a DOMException by name). */
export function microphoneProblem(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Permission to use the microphone was denied. Allow it for this page (the icon in the address bar) and try again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Plug one in (or choose one in the system settings) and try again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone could not be opened: another application may be using it.';
    default:
      return `The microphone could not be opened (${error instanceof Error ? error.message : String(error)}).`;
  }
}

export function levelDb(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  return rms > 1e-6 ? 20 * Math.log10(rms) : -120;
}

/** Opens the microphone; onBlock receives every block of mono samples until close(). */
export async function openMicrophone(onBlock: (block: MicrophoneBlock) => void): Promise<Microphone> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new MicrophoneError('This browser gives no microphone to this page (a microphone needs https or localhost).');
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia(CONSTRAINTS);
  } catch (error) {
    throw new MicrophoneError(microphoneProblem(error));
  }
  const track = stream.getAudioTracks()[0];
  if (!track) {
    stream.getTracks().forEach((t) => t.stop());
    throw new MicrophoneError('No microphone was found. Plug one in and try again.');
  }
  const context = new AudioContext();
  try {
    await context.audioWorklet.addModule(new URL('./captureProcessor.js', import.meta.url));
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'bitnet-capture', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
    let channels = track.getSettings().channelCount ?? 1;
    node.port.onmessage = (message: MessageEvent<{ samples: Float32Array; channels: number }>) => {
      channels = message.data.channels;
      onBlock({ samples: message.data.samples, levelDb: levelDb(message.data.samples) });
    };
    // A node that reaches no destination may never be pulled: it goes to the speakers through a muted gain.
    const mute = context.createGain();
    mute.gain.value = 0;
    source.connect(node).connect(mute).connect(context.destination);
    if (context.state === 'suspended') await context.resume();
    return {
      sampleRate: context.sampleRate,
      get channels() {
        return channels;
      },
      close() {
        node.port.onmessage = null;
        source.disconnect();
        node.disconnect();
        stream.getTracks().forEach((t) => t.stop());
        void context.close();
      },
    };
  } catch (error) {
    stream.getTracks().forEach((t) => t.stop());
    void context.close();
    throw new MicrophoneError(`The microphone's audio could not be processed (${error instanceof Error ? error.message : String(error)}).`);
  }
}
