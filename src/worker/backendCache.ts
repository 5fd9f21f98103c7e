/**
 * The measured backend timings, remembered per device (adapter, core count, browser) in IndexedDB through
 * idb-keyval, so only the first page load on a device spends seconds measuring. A cache that cannot be read or
 * written only means measuring again.
 */
import { get, set } from 'idb-keyval';
import type { BackendTiming } from '../train/backendChoice';

const CACHE_KEY = 'bitnet-playground/backend-timings';
/** Measurements older than this are taken again (browsers and drivers change). */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

interface CachedChoice {
  deviceKey: string;
  measuredAt: number;
  timings: BackendTiming[];
}

export async function readBackendChoice(deviceKey: string): Promise<BackendTiming[] | null> {
  try {
    const cached = (await get(CACHE_KEY)) as CachedChoice | undefined;
    if (!cached || cached.deviceKey !== deviceKey || Date.now() - cached.measuredAt > MAX_AGE_MS) return null;
    return cached.timings;
  } catch {
    return null;
  }
}

export async function writeBackendChoice(deviceKey: string, timings: BackendTiming[]): Promise<void> {
  try {
    await set(CACHE_KEY, { deviceKey, measuredAt: Date.now(), timings } satisfies CachedChoice);
  } catch {
    // Storage refused: the next page load measures again.
  }
}
