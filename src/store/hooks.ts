/** Small selector hooks: components subscribe to the fields they show, never to the whole store. */
import { startTransition, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { shallow } from 'zustand/shallow';
import { useAppStore, type AppState } from './store';

/**
 * The selected fields, taken into React in a transition: for the live charts. zustand's hooks re-render
 * synchronously (useSyncExternalStore), so each update rendered a chart with all of recharts' work in one task of
 * the main thread; in a transition React renders in slices of a few milliseconds, runs the effects (where recharts
 * updates its own store) in a later task, and the page stays responsive between them. A chart may show a report a
 * frame later than the numbers beside it. `select` must be a module-level function (it is an effect dependency).
 */
function useTransitionedSelector<T>(select: (state: AppState) => T): T {
  const [value, setValue] = useState(() => select(useAppStore.getState()));
  useEffect(() => {
    let shown = select(useAppStore.getState());
    // The store may have changed between the first render and this subscription.
    startTransition(() => setValue((previous) => (shallow(previous, shown) ? previous : shown)));
    return useAppStore.subscribe((state) => {
      const next = select(state);
      if (shallow(shown, next)) return;
      shown = next;
      startTransition(() => setValue(next));
    });
  }, [select]);
  return value;
}

export const useStatus = () => useAppStore(useShallow((s) => ({ status: s.status, detail: s.statusDetail })));
export const useBackend = () => useAppStore(useShallow((s) => ({ backend: s.backend, note: s.backendNote, timings: s.backendTimings })));
export const useErrorMessage = () => useAppStore((s) => s.errorMessage);
export const useDataProgress = () => useAppStore((s) => s.dataProgress);
export const useDatasetChoice = () =>
  useAppStore(useShallow((s) => ({ datasetId: s.datasetId, serverDatasets: s.serverDatasets, summary: s.datasetSummary })));
export const useConfig = () => useAppStore(useShallow((s) => ({ presetId: s.presetId, config: s.config, revision: s.configRevision })));
export const useProgress = () =>
  useAppStore(
    useShallow((s) => ({
      epoch: s.epoch,
      stepInEpoch: s.stepInEpoch,
      stepsPerEpoch: s.stepsPerEpoch,
      globalStep: s.globalStep,
      totalSteps: s.totalSteps,
      learningRate: s.learningRate,
      lastLoss: s.lastLoss,
      validationAccuracy: s.validationAccuracy,
      testAccuracy: s.testAccuracy,
      epochs: s.config.epochs,
    })),
  );
const selectLossCurves = (s: AppState) => ({ loss: s.lossSeries, twinLoss: s.twinLossSeries });
const selectAccuracyCurves = (s: AppState) => ({ validation: s.validationSeries, epochs: s.epochSeries, twinValidation: s.twinValidationSeries });
const selectSparsitySeries = (s: AppState) => s.sparsitySeries;
/** The loss chart's series (ternary and float twin), in a transition (see useTransitionedSelector). */
export const useLossCurves = () => useTransitionedSelector(selectLossCurves);
/** The accuracy chart's series, in a transition. */
export const useAccuracyCurves = () => useTransitionedSelector(selectAccuracyCurves);
/** The sparsity chart's series, in a transition. */
export const useSparsitySeries = () => useTransitionedSelector(selectSparsitySeries);
export const useStoreActions = () =>
  useAppStore(
    useShallow((s) => ({
      userChosePreset: s.userChosePreset,
      userEditedConfig: s.userEditedConfig,
      userDismissedError: s.userDismissedError,
    })),
  );
export const useWeightReport = () => useAppStore((s) => s.weightReport);
export const useSweep = () => useAppStore((s) => s.sweep);
export const useThresholdEvaluation = () => useAppStore((s) => s.thresholdEvaluation);
export const useThreshold = () => useAppStore((s) => s.config.threshold);
export const useInferencePath = () => useAppStore((s) => s.inferencePath);
export const useKernelResults = () =>
  useAppStore(useShallow((s) => ({ evaluation: s.kernelEvaluation, bench: s.kernelBench, task: s.kernelTask })));
export const usePrediction = () => useAppStore((s) => s.prediction);
export const useDeploy = () =>
  useAppStore(useShallow((s) => ({ packing: s.exportPacking, task: s.exportTask, result: s.exportResult, choosePacking: s.userChosePacking })));
export const useResumeOffer = () => useAppStore((s) => s.resumeOffer);
export const useAutosavedStep = () => useAppStore((s) => s.autosavedStep);
export const useShareLink = () => useAppStore((s) => s.shareLink);
export const useKeptRuns = () => useAppStore(useShallow((s) => ({ runs: s.runs, compared: s.comparedRunIds, toggleCompared: s.userToggledCompared })));
export const useMistakeAnalysis = () => useAppStore((s) => s.analysis);
export const useFloatTwin = () => useAppStore((s) => s.floatTwin);
export const useTwinFigures = () =>
  useAppStore(
    useShallow((s) => ({
      enabled: s.floatTwin,
      twinLoss: s.twinLossSeries,
      twinValidation: s.twinValidationSeries,
      twinAccuracy: s.twinValidationAccuracy,
      accuracy: s.validationAccuracy,
      stepMs: s.stepMs,
      twinStepMs: s.twinStepMs,
    })),
  );
export const useMcuBudget = () =>
  useAppStore(
    useShallow((s) => ({ config: s.config, packing: s.exportPacking, target: s.mcuTarget, chooseTarget: s.userChoseMcuTarget, choosePacking: s.userChosePacking })),
  );
export const useTeacher = () => useAppStore((s) => s.teacher);
export const useDatasetSamples = () => useAppStore((s) => s.datasetSummary?.samples ?? null);
