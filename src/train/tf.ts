/**
 * The one entry point to TensorFlow.js for src/train. The umbrella package registers the gradients and the CPU
 * and WebGL backends that bare tfjs-core leaves out (without the gradients backprop fails with "gradient
 * function not found"); WebGPU and WASM are registered by whoever picks the backend (src/train/backend.ts).
 */
export * from '@tensorflow/tfjs';
