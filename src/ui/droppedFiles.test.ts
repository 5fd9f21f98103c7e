import { describe, expect, it } from 'vitest';
import { filesOfEntries, type DroppedEntry } from './droppedFiles';

const file = (fullPath: string): DroppedEntry => ({
  isFile: true,
  isDirectory: false,
  fullPath,
  file: (success) => success(new File([fullPath], fullPath.split('/').at(-1)!)),
});

/** A directory whose reader hands out its children two at a time, then an empty batch. */
const directory = (fullPath: string, children: DroppedEntry[]): DroppedEntry => ({
  isFile: false,
  isDirectory: true,
  fullPath,
  createReader: () => {
    let at = 0;
    return {
      readEntries: (success) => {
        success(children.slice(at, at + 2));
        at += 2;
      },
    };
  },
});

describe('dropped files', () => {
  it('walks dropped folders through every batch of their readers, keeping paths relative to the drop', async () => {
    const tree = directory('/shapes', [
      directory('/shapes/circle', [file('/shapes/circle/1.png'), file('/shapes/circle/2.png'), file('/shapes/circle/3.png')]),
      directory('/shapes/square', [file('/shapes/square/1.png')]),
      file('/shapes/notes.txt'),
    ]);
    const files = await filesOfEntries([tree, file('/loose.png')]);
    expect(files.map((f) => f.path)).toEqual(['shapes/circle/1.png', 'shapes/circle/2.png', 'shapes/circle/3.png', 'shapes/square/1.png', 'shapes/notes.txt', 'loose.png']);
    expect(await files[0]!.file.text()).toBe('/shapes/circle/1.png');
  });
});
