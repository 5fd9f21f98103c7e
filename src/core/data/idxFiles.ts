/**
 * Which file in a folder (or a user's selection) is which of the four standard MNIST-style IDX files.
 * Distributions name them differently (`train-images-idx3-ubyte`, `train-images.idx3-ubyte`, with or
 * without `.gz`), so matching goes by the stable parts of the name.
 */
import { IdxError } from './idx';

export type IdxRole = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';
const IDX_ROLES: readonly IdxRole[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];

export function idxRoleOf(fileName: string): IdxRole | null {
  const name = fileName.toLowerCase().replace(/^.*[\\/]/, '');
  const isTrain = name.startsWith('train');
  const isTest = name.startsWith('t10k') || name.startsWith('test');
  const isImages = name.includes('images') && name.includes('idx3');
  const isLabels = name.includes('labels') && name.includes('idx1');
  if (isTrain && isImages) return 'trainImages';
  if (isTrain && isLabels) return 'trainLabels';
  if (isTest && isImages) return 'testImages';
  if (isTest && isLabels) return 'testLabels';
  return null;
}

/** Picks the four files out of `names`; throws an IdxError naming what is missing or doubled. */
export function assignIdxRoles(names: readonly string[]): Record<IdxRole, string> {
  const found: Partial<Record<IdxRole, string>> = {};
  for (const name of names) {
    const role = idxRoleOf(name);
    if (!role) continue;
    if (found[role]) throw new IdxError(`Two files look like the ${role} file: ${found[role]} and ${name}.`);
    found[role] = name;
  }
  const missing = IDX_ROLES.filter((role) => !found[role]);
  if (missing.length > 0) {
    throw new IdxError(
      `Missing IDX file(s): ${missing.join(', ')}. Expected train-images-idx3-ubyte, train-labels-idx1-ubyte, ` +
        `t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (optionally .gz).`,
    );
  }
  return found as Record<IdxRole, string>;
}
