/**
 * A Vite plugin that exposes full datasets from the folders named by MNIST_DIR and FASHION_MNIST_DIR to the page,
 * for both `vite` (dev) and `vite preview`:
 *   GET /datasets/index.json            -> { datasets: [{ id, fileNames }] } for each folder that holds the 4 files
 *   GET /datasets/<id>/<file name>      -> that file's bytes (only the four listed names; nothing else is served)
 * Read when the server starts, as the README says.
 */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { assignIdxRoles } from '../src/core/data/idxFiles';

interface ServedDataset {
  id: 'mnist' | 'fashion-mnist';
  dir: string;
  fileNames: string[];
}

function discover(env: NodeJS.ProcessEnv): ServedDataset[] {
  const candidates: [ServedDataset['id'], string | undefined][] = [
    ['mnist', env.MNIST_DIR],
    ['fashion-mnist', env.FASHION_MNIST_DIR],
  ];
  const found: ServedDataset[] = [];
  for (const [id, dir] of candidates) {
    if (!dir) continue;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      console.warn(`[datasets] ${id}: ${dir} is not a folder; not offered.`);
      continue;
    }
    try {
      const roles = assignIdxRoles(readdirSync(dir));
      found.push({ id, dir, fileNames: Object.values(roles) });
    } catch (error) {
      console.warn(`[datasets] ${id}: ${(error as Error).message}`);
    }
  }
  return found;
}

export function datasetServer(): Plugin {
  const datasets = discover(process.env);
  const middleware = (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const url = (request.url ?? '').split('?')[0]!;
    if (url === '/datasets/index.json') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ datasets: datasets.map(({ id, fileNames }) => ({ id, fileNames })) }));
      return;
    }
    const match = /^\/datasets\/([a-z-]+)\/([^/]+)$/.exec(url);
    const dataset = match ? datasets.find((d) => d.id === match[1]) : undefined;
    const fileName = match ? decodeURIComponent(match[2]!) : '';
    if (!dataset || !dataset.fileNames.includes(fileName)) {
      next();
      return;
    }
    const path = join(dataset.dir, fileName);
    response.setHeader('content-type', 'application/octet-stream');
    response.setHeader('content-length', String(statSync(path).size));
    createReadStream(path).pipe(response);
  };
  return {
    name: 'bitnet-dataset-server',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}
