/**
 * The C sources that do not depend on the weights, kept as real files under c/ so they can be read, diffed and
 * compiled as C (src/core/export/cEngine.test.ts builds them on their own with the strict flags):
 *   c/bitnet.h                the public header; its API is a contract that tests and users compile against
 *   c/bitnet_engine.c         the integer engine, the C twin of integerForward (model/integerModel.ts) step for
 *                             step, which walks the layer table of the generated bitnet_model.c; what varies by
 *                             model (packing, conv, int4/int8 decoders, 16×16 input, shift averaging) it selects
 *                             with the preprocessor on the BITNET_* macros of the generated bitnet_model.h
 *   c/bitnet_engine_*.inc     parts of the engine it #includes: weight decoders, conv layers, the input stage
 *   c/examples/main.c         the export's example, which checks the generated examples/test_images.h
 *   c/bitnet_kws.h, .c        the keyword front end and detector, and c/examples/kws_main.c their example, shipped
 *                             when the export has a front end (kwsEmitter.ts)
 * They come in as text through `?raw` imports: Vite and vitest resolve those, and Node scripts run by tsx register
 * scripts/rawImports.ts (`tsx --import ./scripts/rawImports.ts`), so the export stays one pure function of the model.
 */
import bitnetHeader from './c/bitnet.h?raw';
import engineSource from './c/bitnet_engine.c?raw';
import engineConv from './c/bitnet_engine_conv.inc?raw';
import engineDecode from './c/bitnet_engine_decode.inc?raw';
import engineInput from './c/bitnet_engine_input.inc?raw';
import exampleMain from './c/examples/main.c?raw';
import kwsHeader from './c/bitnet_kws.h?raw';
import kwsSource from './c/bitnet_kws.c?raw';
import kwsMain from './c/examples/kws_main.c?raw';

const ENGINE_PARTS: Readonly<Record<string, string>> = {
  'bitnet_engine_conv.inc': engineConv,
  'bitnet_engine_decode.inc': engineDecode,
  'bitnet_engine_input.inc': engineInput,
};

/**
 * The engine as the one file the export ships: each `#include "bitnet_engine_*.inc"` line replaced by that part,
 * which is what the preprocessor does when the tree's file is compiled.
 */
export function spliceEngineParts(source: string, parts: Readonly<Record<string, string>> = ENGINE_PARTS): string {
  return source.replace(/^#include "(bitnet_engine_\w+\.inc)"\n/gm, (_line, name: string) => {
    const part = parts[name];
    if (part === undefined) throw new Error(`bitnet_engine.c includes ${name}, which is not one of the engine's parts`);
    return part;
  });
}

export const BITNET_H: string = bitnetHeader;
export const BITNET_ENGINE_C: string = spliceEngineParts(engineSource);
export const EXAMPLE_MAIN_C: string = exampleMain;
export const BITNET_KWS_H: string = kwsHeader;
export const BITNET_KWS_C: string = kwsSource;
export const KWS_MAIN_C: string = kwsMain;
