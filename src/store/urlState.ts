/**
 * The address bar holds the setup (core/app/shareLink.ts): written as the user edits, read once when the page opens.
 * Debug parameters already in the address bar stay there; `copy-link` copies the setup without them.
 */
import { validateConfig, ConfigError } from '../core/model/config';
import { addressBarParams, shareParams, type QueryParams, type SharedSetup } from '../core/app/shareLink';
import { isUserDataset } from '../core/data/dataset';
import { useAppStore, type AppState } from './store';

/** Slider drags change the threshold many times a second; browsers throttle history updates that come faster. */
const ADDRESS_BAR_DELAY_MS = 300;

/** The store's setup, or why its config is not valid (a half-typed value is not written to the address bar). */
function currentSetup(state: AppState): SharedSetup | { problem: string } {
  try {
    const classNames = isUserDataset(state.datasetId) ? state.datasetSummary?.classNames : undefined;
    return { preset: state.presetId, datasetId: state.datasetId, ...(classNames ? { classNames } : {}), config: validateConfig(state.config) };
  } catch (error) {
    if (error instanceof ConfigError) return { problem: error.message };
    throw error;
  }
}

/** A query string as [name, value] pairs, decoded. */
export function queryParams(search: string): QueryParams {
  return [...new URLSearchParams(search).entries()];
}

/** Keeps the address bar in step with the form and the dataset from now on. */
export function followSetupInAddressBar(): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  useAppStore.subscribe((state, previous) => {
    if (state.config === previous.config && state.presetId === previous.presetId && state.datasetSummary === previous.datasetSummary && state.datasetId === previous.datasetId) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const setup = currentSetup(useAppStore.getState());
      if ('problem' in setup) return;
      const params = addressBarParams(queryParams(window.location.search), setup);
      window.history.replaceState(window.history.state, '', `?${new URLSearchParams(params).toString()}`);
    }, ADDRESS_BAR_DELAY_MS);
  });
}

/** Copies a link to this setup (no debug parameters) to the clipboard, and shows it in the page either way. */
/** How long the link waits for the clipboard before it is shown to copy by hand. */
const CLIPBOARD_WAIT_MS = 1500;

export async function copyShareLink(): Promise<void> {
  const store = useAppStore.getState();
  const setup = currentSetup(store);
  if ('problem' in setup) {
    store.errorOccurred(`The link cannot be made while a setting is invalid: ${setup.problem}`);
    return;
  }
  const url = `${window.location.origin}${window.location.pathname}?${new URLSearchParams(shareParams(setup)).toString()}`;
  let copied = false;
  try {
    // A clipboard that never answers (a permission prompt nobody sees) must not hold the link back.
    copied = await Promise.race([
      navigator.clipboard.writeText(url).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CLIPBOARD_WAIT_MS)),
    ]);
  } catch {
    // No clipboard permission (an insecure page, a denied prompt): the link is shown to copy by hand.
  }
  store.shareLinkMade(url, copied);
}
