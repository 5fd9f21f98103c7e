/** Number formatting shared by the views. */
export function percent(fraction: number | null, digits = 1): string {
  return fraction === null || Number.isNaN(fraction) ? '—' : `${(fraction * 100).toFixed(digits)} %`;
}

export { bytes, limitBytes } from '../core/export/byteSize';
