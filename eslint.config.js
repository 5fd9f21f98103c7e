import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Layer boundaries from STYLE.md, enforced: core is pure, train has no DOM or React, UI never imports tfjs. */
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'public/generated', 'test-results', 'playwright-report', '**/*-tmp.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.tsx', 'src/store/**/*.ts', 'src/ui/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      ...restrict([
        { group: ['@tensorflow/*', 'react', 'react-*', 'zustand', 'recharts'], message: 'src/core is pure TypeScript.' },
        { group: ['**/train/*', '**/ui/*', '**/store/*', '**/worker/*', '**/gpu/*', '**/protocol/*'], message: 'core imports nothing above it.' },
      ]),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'self'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use core/data/rng.ts.' }],
    },
  },
  {
    files: ['src/train/**/*.ts'],
    ignores: ['src/train/**/*.test.ts'],
    rules: {
      ...restrict([
        { group: ['react', 'react-*', 'zustand', 'recharts'], message: 'src/train runs in the worker and Node.' },
        { group: ['../ui/*', '../store/*', '../worker/*', '../gpu/*'], message: 'train does not import the app.' },
        { group: ['../protocol/*'], message: 'train knows nothing of the worker protocol; the worker translates.' },
      ]),
      'no-restricted-globals': ['error', 'window', 'document'],
    },
  },
  {
    files: ['src/gpu/**/*.ts'],
    ignores: ['src/gpu/**/*.test.ts'],
    rules: {
      ...restrict([
        { group: ['@tensorflow/*', 'react', 'react-*', 'zustand', 'recharts'], message: 'src/gpu is our own WebGPU code: no tfjs, no UI.' },
        { group: ['../train/*', '../worker/*', '../store/*', '../ui/*', '../protocol/*'], message: 'gpu builds on core only.' },
      ]),
      'no-restricted-globals': ['error', 'window', 'document'],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: {
      ...restrict([
        { group: ['react', 'react-*', 'zustand', 'recharts'], message: 'The worker has no UI.' },
        { group: ['../ui/*', '../store/*'], message: 'The worker talks to the page through the protocol only.' },
      ]),
      'no-restricted-globals': ['error', 'window', 'document'],
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: restrict([
      { group: ['@tensorflow/*', 'react', 'react-*', 'zustand', 'recharts'], message: 'The protocol is plain types.' },
      {
        group: ['../train/*', '../worker/*', '../gpu/*', '../ui/*', '../store/*'],
        message: 'The protocol depends on core types only, so the UI can import it without the worker.',
      },
    ]),
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/store/**/*.ts'],
    rules: restrict([
      {
        group: ['@tensorflow/*', '../train/*'],
        message: 'The UI talks to training through the worker protocol only.',
        allowTypeImports: true,
      },
    ]),
  },
);
