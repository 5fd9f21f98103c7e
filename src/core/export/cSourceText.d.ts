/**
 * C sources imported as text (`./c/bitnet_engine.c?raw`). Only these patterns: core does not take Vite's
 * client types, and a narrower declaration does not collide with `*?raw` where a layer has them.
 */
declare module '*.c?raw' {
  const text: string;
  export default text;
}

declare module '*.h?raw' {
  const text: string;
  export default text;
}

declare module '*.inc?raw' {
  const text: string;
  export default text;
}
