/**
 * Fetches and parses datasets inside the worker: the embedded 10k subset, folders exposed by the dev server,
 * the four standard files from a URL (cached with the Cache Storage API), files the user picked, or the user's
 * own images (a zip or a folder, decoded here with the browser's decoders).
 * Parsing and validation live in core (idx.ts, dataset.ts); this file only moves bytes.
 */
import {
  builtInClassNames,
  imageSetFromIdx,
  splitEmbedded,
  splitFull,
  type DatasetId,
  type SplitDataset,
} from '../core/data/dataset';
import { IdxError } from '../core/data/idx';
import { assignIdxRoles, type IdxRole } from '../core/data/idxFiles';
import type { DatasetSource, KeywordFilesInput } from '../protocol/messages';
import { keywordDatasetFromClips, loadKeywordDataset, type KeywordClip } from '../core/audio/keywordDataset';
import { loadOwnDataset, type ImageFolderInput } from '../core/data/ownDataset';
import { decodeWithBrowser } from './imageDecoder';

export type ProgressCallback = (stage: string, loadedBytes: number, totalBytes: number | null) => void;

const CACHE_NAME = 'bitnet-playground-datasets-v1';
const EMBEDDED_FILES = { images: 'mnist-10k-images.idx.gz', labels: 'mnist-10k-labels.idx.gz' } as const;

function joinUrl(base: string, file: string): string {
  return base.endsWith('/') ? base + file : `${base}/${file}`;
}

/** Reads a response body chunk by chunk so the UI can show a progress bar. */
async function readWithProgress(response: Response, onBytes: (loaded: number, total: number | null) => void): Promise<Uint8Array> {
  const lengthHeader = response.headers.get('content-length');
  // With content-encoding the header counts compressed bytes, so it is no use as a total.
  const total = lengthHeader && !response.headers.get('content-encoding') ? Number(lengthHeader) : null;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onBytes(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

async function fetchBytes(url: string, label: string, onProgress: ProgressCallback, cache: Cache | null): Promise<Uint8Array> {
  const cached = cache ? await cache.match(url) : undefined;
  let response: Response;
  try {
    response = cached ?? (await fetch(url));
  } catch (error) {
    throw new IdxError(`Could not download ${label} from ${url}: ${(error as Error).message}. Are you offline?`);
  }
  if (!response.ok) throw new IdxError(`Could not download ${label} from ${url}: HTTP ${response.status}.`);
  const bytes = await readWithProgress(response, (loaded, total) => onProgress(`downloading ${label}`, loaded, total));
  if (cache && !cached) {
    await cache.put(url, new Response(bytes.slice().buffer)).catch(() => undefined);
  }
  return bytes;
}

async function openCache(): Promise<Cache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME);
  } catch {
    return null;
  }
}

function splitFromRoles(bytes: Record<IdxRole, Uint8Array>, name: DatasetId): SplitDataset {
  return splitFull(
    imageSetFromIdx(bytes.trainImages, bytes.trainLabels, `${name} train`),
    imageSetFromIdx(bytes.testImages, bytes.testLabels, `${name} test`),
    builtInClassNames(name),
  );
}

async function fetchRoles(
  baseUrl: string,
  names: Record<IdxRole, string>,
  onProgress: ProgressCallback,
  cache: Cache | null,
): Promise<Record<IdxRole, Uint8Array>> {
  const result: Partial<Record<IdxRole, Uint8Array>> = {};
  for (const [role, name] of Object.entries(names) as [IdxRole, string][]) {
    result[role] = await fetchBytes(joinUrl(baseUrl, name), name, onProgress, cache);
  }
  return result as Record<IdxRole, Uint8Array>;
}

const STANDARD_GZ_NAMES: Record<IdxRole, string> = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
};

/** A zip or a chosen folder's files as core's loaders read them (a file's bytes are read when it is its turn). */
async function folderInput(source: KeywordFilesInput): Promise<ImageFolderInput> {
  return source.zip
    ? { kind: 'zip', name: source.name, bytes: new Uint8Array(await source.zip.arrayBuffer()) }
    : {
        kind: 'files',
        name: source.name,
        files: source.files.map(({ path, file }) => ({ path, size: file.size, read: async () => new Uint8Array(await file.arrayBuffer()) })),
      };
}

export async function loadDataset(source: DatasetSource, onProgress: ProgressCallback, cancelled: () => boolean = () => false): Promise<SplitDataset> {
  switch (source.kind) {
    case 'embedded': {
      const images = await fetchBytes(joinUrl(source.baseUrl, EMBEDDED_FILES.images), 'embedded images', onProgress, null);
      const labels = await fetchBytes(joinUrl(source.baseUrl, EMBEDDED_FILES.labels), 'embedded labels', onProgress, null);
      onProgress('parsing', 0, null);
      return splitEmbedded(imageSetFromIdx(images, labels, 'MNIST 10k subset'));
    }
    case 'server': {
      const bytes = await fetchRoles(source.baseUrl, assignIdxRoles(source.fileNames), onProgress, null);
      onProgress('parsing', 0, null);
      return splitFromRoles(bytes, source.id);
    }
    case 'url': {
      const bytes = await fetchRoles(source.baseUrl, STANDARD_GZ_NAMES, onProgress, await openCache());
      onProgress('parsing', 0, null);
      return splitFromRoles(bytes, source.id);
    }
    case 'images': {
      const { conversion } = source;
      const onImages = (done: number, total: number) => onProgress('decoding images', done, total);
      return loadOwnDataset(await folderInput(source), { conversion, decode: decodeWithBrowser, onProgress: onImages, cancelled });
    }
    case 'keywords':
      return loadKeywordDataset(await folderInput(source.input), { onProgress: (done, total) => onProgress('reading clips', done, total), cancelled });
    case 'keyword-clips': {
      onProgress('computing features', 0, null);
      const clips = source.clips.map((clip, k): KeywordClip => ({ word: clip.word, pcm: clip.pcm, path: `${clip.word}/recording_${String(k).padStart(5, '0')}.wav`, speaker: 'you' }));
      return keywordDatasetFromClips(clips, source.background, source.name);
    }
    case 'files': {
      const roles = assignIdxRoles(source.files.map((file) => file.name));
      const byName = new Map(source.files.map((file) => [file.name, new Uint8Array(file.bytes)]));
      onProgress('parsing', 0, null);
      const bytes = Object.fromEntries(
        Object.entries(roles).map(([role, name]) => [role, byName.get(name)!]),
      ) as Record<IdxRole, Uint8Array>;
      return splitFromRoles(bytes, source.id);
    }
  }
}
