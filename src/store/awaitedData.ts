/**
 * The user's own data a run needs again. A reload keeps a run (weights, curves: IndexedDB) and the page's setup
 * (the address bar) but never the images or keyword clips the run trained on, and a share link carries neither:
 * the page then loads the embedded MNIST subset meanwhile and waits for the user to load their data again. This file
 * holds that wait's description and the sentences that say what to do; the store keeps it (awaitedData), the address
 * bar keeps naming the data set (urlState.ts) and the Keywords or own-images panel opens with the sentence.
 */
import { builtInClassNames, type DatasetId } from '../core/data/dataset';
import { conversionLabel, type InputConversion } from '../core/data/imageConversion';

export type UserDatasetId = 'own' | 'keywords';

export interface AwaitedData {
  datasetId: UserDatasetId;
  /** The classes the run trained on, in label order (null: a link that named none). */
  classNames: readonly string[] | null;
  /** Opened from a share link (it never carried the data); false: this page's own address after a reload, or a kept run. */
  fromLink: boolean;
  /** For own images: how the run converted them (its address or link says), to load them the same way; else null. */
  conversion: InputConversion | null;
}

/** The loaded data set, as far as a run's classes go. */
export interface LoadedData {
  datasetId: DatasetId;
  classNames: readonly string[] | undefined;
}

/** Whether a run of `datasetId` with `classNames` can go on with the loaded data set (same data set, same classes in the same order). */
export function dataMatches(datasetId: DatasetId, classNames: readonly string[] | undefined | null, loaded: LoadedData): boolean {
  if (datasetId !== loaded.datasetId) return false;
  const recorded = classNames ?? builtInClassNames(datasetId);
  const current = loaded.classNames ?? builtInClassNames(loaded.datasetId);
  return recorded.join('\n') === current.join('\n');
}

const WHAT: Record<UserDatasetId, string> = { own: 'your own images', keywords: 'your keyword clips' };

/** What to do after a reload: load the same data again (the panel that loads it is opened). */
const AGAIN: Record<UserDatasetId, string> = {
  own: 'Load the same images again (a .zip or folder, in "Use your own images")',
  keywords: 'Load the keyword zip or folder again, or train on your recorded clips',
};

/** What to do with a link's setup: load data of those classes, which the user may never have had here. */
const FROM_LINK: Record<UserDatasetId, string> = {
  own: 'Load images of those classes with "Use your own images" below the Dataset choice',
  keywords: 'Load a keyword zip or folder of those words, or record them, in "Keywords" below the Dataset choice',
};

const classList = (classNames: readonly string[] | null) => (classNames ? ` (classes ${classNames.join(', ')})` : '');
const imageList = (conversion: InputConversion | null) => (conversion ? ` as ${conversionLabel(conversion)}` : '');

/**
 * The sentence the page shows while it waits. `keptRun`: a run of this data is kept in this browser and offered
 * for resuming. The word "link" appears only when the page was opened from a share link.
 */
export function awaitedDataNotice(awaited: AwaitedData, keptRun: boolean): string {
  const what = `${WHAT[awaited.datasetId]}${classList(awaited.classNames)}${imageList(awaited.conversion)}`;
  if (awaited.fromLink) return `The link's run used ${what}, which a link does not carry. ${FROM_LINK[awaited.datasetId]}; the embedded MNIST subset is loaded meanwhile.`;
  if (keptRun) return `Your trained run is kept in this browser, but not ${what} it trained on. ${AGAIN[awaited.datasetId]}, to go on with this run.`;
  return `This page had ${what} loaded, which a reload does not keep. ${AGAIN[awaited.datasetId]}; the embedded MNIST subset is loaded meanwhile.`;
}
