/**
 * Node module hooks (registered by scripts/rawImports.ts): a relative or absolute specifier ending in `?raw`
 * resolves to its file URL with the query kept, and loads as an ES module whose default export is the file's text.
 * Every other specifier goes on to the next hooks (tsx's, then Node's).
 */
import { readFile } from 'node:fs/promises';
import type { LoadHook, ResolveHook } from 'node:module';

const RAW_QUERY = '?raw';

export const resolve: ResolveHook = (specifier, context, nextResolve) => {
  if (!specifier.endsWith(RAW_QUERY) || context.parentURL === undefined) return nextResolve(specifier, context);
  return { url: new URL(specifier, context.parentURL).href, shortCircuit: true };
};

export const load: LoadHook = async (url, context, nextLoad) => {
  const file = new URL(url);
  if (file.protocol !== 'file:' || file.search !== RAW_QUERY) return nextLoad(url, context);
  file.search = '';
  const text = await readFile(file, 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};\n`, shortCircuit: true };
};
