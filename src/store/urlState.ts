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

/** Marks, in the history entry, a query string this page wrote: a reload of it is not a link someone opened. */
const OWN_ADDRESS_MARK = 'bitnetPlaygroundSetup';

/** Whether the page's query string is one it wrote itself (the history entry survives a reload, not a new tab). */
export function addressWrittenByThisPage(): boolean {
  const entry: unknown = window.history.state;
  return typeof entry === 'object' && entry !== null && (entry as Record<string, unknown>)[OWN_ADDRESS_MARK] === true;
}

/**
 * The store's setup, or why its config is not valid (a half-typed value is not written to the address bar). While
 * the page waits for the user's own images or keyword clips with the embedded subset loaded meanwhile, the setup
 * names the awaited data set: a run on the user's data stays one in the address bar until the user trains on
 * something else.
 */
export function currentSetup(state: AppState): SharedSetup | { problem: string } {
  try {
    const awaited = state.datasetId === 'mnist-10k' ? state.awaitedData : null;
    const datasetId = awaited?.datasetId ?? state.datasetId;
    const classNames = awaited ? (awaited.classNames ?? undefined) : isUserDataset(state.datasetId) ? state.datasetSummary?.classNames : undefined;
    const conversion = awaited ? awaited.conversion : state.datasetId === 'own' ? (state.datasetSummary?.own?.conversion ?? null) : null;
    return { preset: state.presetId, datasetId, ...(classNames ? { classNames } : {}), ...(conversion ? { conversion } : {}), config: validateConfig(state.config) };
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
    const same =
      state.config === previous.config &&
      state.presetId === previous.presetId &&
      state.datasetSummary === previous.datasetSummary &&
      state.datasetId === previous.datasetId &&
      state.awaitedData === previous.awaitedData;
    if (same) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const setup = currentSetup(useAppStore.getState());
      if ('problem' in setup) return;
      const params = addressBarParams(queryParams(window.location.search), setup);
      const entry: unknown = window.history.state;
      const marked = { ...(typeof entry === 'object' && entry !== null ? entry : {}), [OWN_ADDRESS_MARK]: true };
      window.history.replaceState(marked, '', `?${new URLSearchParams(params).toString()}`);
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
