/**
 * Lets Node scripts run by tsx import files as text the way Vite does: `import text from './c/bitnet.h?raw'` gives
 * the file's contents as the module's default export (src/core/export/cEngine.ts reads the C engine so). Register
 * it before the script: `tsx --import ./scripts/rawImports.ts bench/mcu.ts`. The app and vitest need nothing: Vite
 * resolves `?raw` itself.
 */
import { register } from 'node:module';

register('./rawImportHooks.ts', import.meta.url);
