/**
 * WAV (RIFF/WAVE) decode and a 16-bit PCM encode, as pure codecs. Decode takes what recorders and data sets write:
 * 8-bit unsigned, 16/24/32-bit signed PCM, 32/64-bit IEEE float, WAVE_FORMAT_EXTENSIBLE of either, any number of
 * channels (averaged to mono), unknown chunks skipped (LIST, fact, cue…). Strict on structure: a file that is not
 * RIFF/WAVE, has no fmt or data chunk, or whose data chunk runs past the end throws a WavError naming the file.
 * Resampling to 16 kHz is resample.ts's job.
 */

export class WavError extends Error {
  constructor(name: string, problem: string) {
    super(`${name}: ${problem}`);
    this.name = 'WavError';
  }
}

export interface DecodedWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  encoding: 'pcm' | 'float';
  /** (frames) the channels averaged, in −1..1 (PCM divided by 2^(bits − 1)). */
  mono: Float32Array;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
/** A data chunk written while streaming, before its length was known. */
const UNKNOWN_LENGTH = 0xffffffff;

const tag = (bytes: Uint8Array, at: number): string => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);

export function parseWav(bytes: Uint8Array, name: string): DecodedWav {
  if (bytes.length === 0) throw new WavError(name, 'the file is empty');
  if (bytes.length < 12 || tag(bytes, 0) !== 'RIFF' || tag(bytes, 8) !== 'WAVE') throw new WavError(name, 'not a WAV file (no RIFF/WAVE header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: { encoding: 'pcm' | 'float'; channels: number; sampleRate: number; bitsPerSample: number; blockAlign: number } | null = null;
  let data: Uint8Array | null = null;
  let at = 12;
  while (at + 8 <= bytes.length && data === null) {
    const id = tag(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'data') {
      if (size === UNKNOWN_LENGTH) data = bytes.subarray(body);
      else if (body + size > bytes.length) throw new WavError(name, `truncated: the data chunk holds ${size} bytes, the file ends after ${bytes.length - body}`);
      else data = bytes.subarray(body, body + size);
      break;
    }
    if (body + size > bytes.length) throw new WavError(name, `truncated in its "${id}" chunk`);
    if (id === 'fmt ') {
      if (size < 16) throw new WavError(name, 'the fmt chunk is too short');
      let code = view.getUint16(body, true);
      if (code === FORMAT_EXTENSIBLE) {
        if (size < 40) throw new WavError(name, 'the extensible fmt chunk is too short');
        code = view.getUint16(body + 24, true); // the sub-format GUID's first two bytes
      }
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const blockAlign = view.getUint16(body + 12, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      const encoding = code === FORMAT_PCM ? 'pcm' : code === FORMAT_FLOAT ? 'float' : null;
      if (encoding === null) throw new WavError(name, `unsupported WAV encoding (format code ${code}); PCM or IEEE float only`);
      const supported = encoding === 'pcm' ? [8, 16, 24, 32] : [32, 64];
      if (!supported.includes(bitsPerSample)) throw new WavError(name, `unsupported ${bitsPerSample}-bit ${encoding === 'pcm' ? 'PCM' : 'float'}`);
      if (channels === 0 || sampleRate === 0) throw new WavError(name, `invalid format: ${channels} channels at ${sampleRate} Hz`);
      if (blockAlign !== (channels * bitsPerSample) / 8) throw new WavError(name, `invalid format: ${blockAlign} bytes per frame for ${channels} × ${bitsPerSample} bits`);
      format = { encoding, channels, sampleRate, bitsPerSample, blockAlign };
    }
    at = body + size + (size & 1); // chunks are padded to even lengths
  }
  if (format === null) throw new WavError(name, data === null ? 'truncated: no fmt and no data chunk' : 'no fmt chunk before the data');
  if (data === null) throw new WavError(name, 'truncated: no data chunk');
  const frames = Math.floor(data.length / format.blockAlign);
  if (frames === 0) throw new WavError(name, 'the data chunk holds no samples');
  const mono = new Float32Array(frames);
  const samples = new DataView(data.buffer, data.byteOffset, frames * format.blockAlign);
  const bytesPer = format.bitsPerSample / 8;
  const read = sampleReader(samples, format.encoding, format.bitsPerSample);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < format.channels; c++) sum += read((f * format.channels + c) * bytesPer);
    mono[f] = sum / format.channels;
  }
  return { sampleRate: format.sampleRate, channels: format.channels, bitsPerSample: format.bitsPerSample, encoding: format.encoding, mono };
}

function sampleReader(view: DataView, encoding: 'pcm' | 'float', bits: number): (at: number) => number {
  if (encoding === 'float') return bits === 32 ? (at) => view.getFloat32(at, true) : (at) => view.getFloat64(at, true);
  switch (bits) {
    case 8:
      return (at) => (view.getUint8(at) - 128) / 128;
    case 16:
      return (at) => view.getInt16(at, true) / 32768;
    case 24:
      return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
    default:
      return (at) => view.getInt32(at, true) / 2147483648;
  }
}

/** 16-bit mono PCM -> a canonical 44-byte-header WAV file. */
export function encodeWav16(pcm: Int16Array, sampleRate = 16000): Uint8Array {
  const bytes = new Uint8Array(44 + 2 * pcm.length);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < 4; i++) bytes[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + 2 * pcm.length, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, 2 * pcm.length, true);
  for (let i = 0; i < pcm.length; i++) view.setInt16(44 + 2 * i, pcm[i]!, true);
  return bytes;
}
