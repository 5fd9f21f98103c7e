/**
 * Bundles a benchmark that imports the GPU kernels (whose WGSL comes in as Vite `?raw` modules) into one ES module
 * that Node runs as it is: `tsx bench/bundleForNode.ts bench/dawn.ts bench-results/dawn.mjs`. Vite builds it, so
 * the WGSL is loaded exactly as in the app. Everything is inlined but Node's built-ins and modules imported by a
 * computed name (the `webgpu` package, which dawn.ts finds at run time), so the bundle also runs on a machine
 * without this project's node_modules, such as a borrowed GPU machine.
 */
import { basename, dirname, resolve } from 'node:path';
import { build } from 'vite';

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: tsx bench/bundleForNode.ts ENTRY.ts OUT.mjs');
  process.exit(2);
}

await build({
  configFile: false,
  logLevel: 'warn',
  // The app's public/ (datasets) is not part of a Node script.
  publicDir: false,
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: resolve(entry),
    outDir: dirname(resolve(outfile)),
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { format: 'es', entryFileNames: basename(outfile), codeSplitting: false } },
  },
});
console.error(`bundled ${entry} into ${outfile}`);
