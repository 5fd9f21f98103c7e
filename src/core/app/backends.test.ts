import { describe, expect, it } from 'vitest';
import { isBackendName, isSoftwareAdapter } from './backends';

describe('isSoftwareAdapter', () => {
  it('names the CPU implementations of WebGPU from the adapter info', () => {
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', description: '' }, false)).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, false)).toBe(true);
    expect(isSoftwareAdapter({ description: 'Microsoft Basic Render Driver' }, false)).toBe(true);
  });

  it('trusts isFallbackAdapter even when the info names nothing', () => {
    expect(isSoftwareAdapter({}, true)).toBe(true);
  });

  it('leaves hardware adapters alone', () => {
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' }, false)).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3' }, false)).toBe(false);
    expect(isSoftwareAdapter({}, false)).toBe(false);
  });
});

describe('isBackendName', () => {
  it('accepts the four tfjs backends and nothing else', () => {
    expect(['webgpu', 'webgl', 'wasm', 'cpu'].every(isBackendName)).toBe(true);
    expect(isBackendName('WebGPU')).toBe(false);
    expect(isBackendName(undefined)).toBe(false);
  });
});
