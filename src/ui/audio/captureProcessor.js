/* global AudioWorkletProcessor, registerProcessor */
/**
 * The microphone's AudioWorklet processor: averages the input's channels (downmix to mono) and posts the samples
 * to the page in blocks of BLOCK frames at the AudioContext's rate (44.1 or 48 kHz), Float32 in −1..1. It is
 * plain JavaScript because the audio thread loads it as is (Vite copies the file; it is not bundled).
 */
const BLOCK = 2048;

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(BLOCK);
    this.filled = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const frames = channels[0].length;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels.length; c++) sum += channels[c][i];
      this.block[this.filled++] = sum / channels.length;
      if (this.filled === BLOCK) {
        this.port.postMessage({ samples: this.block, channels: channels.length }, [this.block.buffer]);
        this.block = new Float32Array(BLOCK);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('bitnet-capture', CaptureProcessor);
