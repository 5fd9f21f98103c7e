/**
 * Start-up from the page's URL: starts the worker, picks the backend (honouring ?backend=NAME), applies a share
 * link's setup, lists the server's datasets and loads the link's dataset or the embedded one.
 */
import { isBackendName } from '../core/app/backends';
import { readShareLink } from '../core/app/shareLink';
import { isUserDataset } from '../core/data/dataset';
import { SESSION_FAULTS } from '../protocol/messages';
import type { AppStore, ServerDataset } from './store';
import type { UserActions } from './userActions';
import type { InitRequest, WorkerHost } from './workerHost';
import { queryParams } from './urlState';
import { awaitedDataNotice } from './awaitedData';

export interface StartupDeps {
  store: AppStore;
  host: Pick<WorkerHost, 'started' | 'start'>;
  actions: Pick<UserActions, 'chooseDataset' | 'loadEmbeddedDataset' | 'startNewRunOnSettingChange'>;
  /** The datasets the dev/preview server offers, or null where there is no dataset server (a static host). */
  listServerDatasets(): Promise<ServerDataset[] | null>;
  /** Keeps the address bar in step with the setup from now on (urlState.ts in the page). */
  followSetupInAddressBar(): void;
}

/**
 * The init request the URL's debug parameters ask for, and what was wrong with them. Debug parameters are
 * untrusted text: a bad value is named in a message and otherwise ignored.
 */
export function initRequestFromUrl(search: string): { init: InitRequest; problems: string[] } {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const forced = params.get('backend');
  if (forced !== null && !isBackendName(forced)) problems.push(`Unknown backend "${forced}" in the URL; choosing automatically.`);
  const inference = params.get('inference');
  if (inference !== null && inference !== 'cpu') {
    problems.push(`Unknown inference path "${inference}" in the URL (only "cpu" is known); ignored.`);
  }
  const faultParam = params.get('fault');
  const fault = SESSION_FAULTS.find((f) => f === faultParam) ?? null;
  if (faultParam !== null && fault === null) problems.push(`Unknown fault "${faultParam}" in the URL (known: ${SESSION_FAULTS.join(', ')}); ignored.`);
  return { init: { type: 'init', forcedBackend: isBackendName(forced) ? forced : null, cpuInference: inference === 'cpu', fault }, problems };
}

/**
 * Starts the page from its query string. `ownAddress`: the query is the one this page wrote into the address bar
 * (a reload: urlState.ts marks it), not a link someone opened; only a link's data is spoken of as the link's.
 */
export function createStartup(deps: StartupDeps): (search: string, ownAddress?: boolean) => Promise<void> {
  const { store, actions } = deps;

  async function listServerDatasets(): Promise<void> {
    const datasets = await deps.listServerDatasets();
    if (datasets) store.getState().serverListedDatasets(datasets);
  }

  return async function startPlayground(search, ownAddress = false) {
    if (deps.host.started) return;
    const { init, problems } = initRequestFromUrl(search);
    deps.host.start(init);

    // A share link's setup wins over the preset (and over an autosave, which stays on offer).
    const link = readShareLink(queryParams(search));
    if (link.kind === 'invalid') problems.push(link.message);
    if (link.kind === 'setup') store.getState().sharedSetupOpened(link.setup.preset, link.setup.config);
    deps.followSetupInAddressBar();
    const linkDataset = link.kind === 'setup' ? link.setup.datasetId : 'mnist-10k';
    const listed = listServerDatasets();
    if (linkDataset === 'mnist-10k') {
      actions.loadEmbeddedDataset();
    } else if (isUserDataset(linkDataset)) {
      // The address names the classes, never the images or clips: the embedded subset is loaded meanwhile and the
      // page waits for the user's data (the Keywords or own-images panel opens and says what to load; a kept run of
      // that data is offered, to resume once the data is back: runStorage.ts).
      actions.loadEmbeddedDataset();
      const setup = link.kind === 'setup' ? link.setup : null;
      const awaited = { datasetId: linkDataset, classNames: setup?.classNames ?? null, fromLink: !ownAddress, conversion: setup?.conversion ?? null };
      store.getState().userDataAwaited(awaited);
      // A link's missing data is news; after a reload the panel says what to do, without an error.
      if (awaited.fromLink) problems.push(awaitedDataNotice(awaited, false));
    } else {
      await listed;
      if (store.getState().serverDatasets.some((d) => d.id === linkDataset)) actions.chooseDataset(linkDataset);
      else {
        actions.loadEmbeddedDataset();
        problems.push(`${ownAddress ? "This page's" : "The link's"} dataset ${linkDataset} is not served here; the embedded MNIST subset is loaded instead (open ${linkDataset} from the Dataset panel).`);
      }
    }
    // After the first load request, which clears earlier messages.
    if (problems.length > 0) store.getState().errorOccurred(problems.join(' '));
    actions.startNewRunOnSettingChange();
  };
}
