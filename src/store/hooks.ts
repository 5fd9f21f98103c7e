/** Small selector hooks: components subscribe to the fields they show, never to the whole store. */
import { kwsFrontEndCost, type FrontEndCost } from '../core/export/detectorBudget';
import { defaultMcuTarget } from '../core/export/mcuFootprint';
import { startTransition, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { shallow } from 'zustand/shallow';
import { useAppStore, type AppState } from './store';
import { builtInClassNames } from '../core/data/dataset';
import { dataImageShape } from '../core/data/imageConversion';
import { dataMatches } from './awaitedData';

/**
 * Live charts take their data one chart at a time. Each chart's update is a transition (below), but React renders
 * all pending transitions together and commits them in one piece: the loss, accuracy and sparsity charts updated
 * by the same worker report (a validation point arrives with progress and weights) made one commit, 50–60 ms in
 * one task while they were recharts charts (ui/LiveLineChart.tsx says why they no longer are). Here the charts wait
 * in a queue, and the next one gets its data only after the previous one has committed (or after a short timeout,
 * for one that unmounted meanwhile): each task holds one chart's work.
 */
const pendingCharts = new Map<object, () => void>();
let chartInFlight: object | null = null;
let chartTimeout: ReturnType<typeof setTimeout> | null = null;
const CHART_COMMIT_TIMEOUT_MS = 250;

function queueChartUpdate(chart: object, apply: () => void): void {
  pendingCharts.set(chart, apply); // only the newest value of a chart counts
  if (chartInFlight === null) startNextChart();
}

function startNextChart(): void {
  const next = pendingCharts.entries().next();
  if (next.done) {
    chartInFlight = null;
    return;
  }
  const [chart, apply] = next.value;
  pendingCharts.delete(chart);
  chartInFlight = chart;
  chartTimeout = setTimeout(() => chartCommitted(chart), CHART_COMMIT_TIMEOUT_MS);
  startTransition(apply);
}

/** Called from the chart's effect once its update is on screen; the next chart starts in a later task. */
function chartCommitted(chart: object): void {
  if (chartInFlight !== chart) return;
  if (chartTimeout !== null) clearTimeout(chartTimeout);
  chartTimeout = null;
  chartInFlight = null;
  if (pendingCharts.size > 0) {
    chartInFlight = chart; // holds the queue until the task below
    setTimeout(() => {
      chartInFlight = null;
      startNextChart();
    }, 0);
  }
}

/**
 * The selected fields, taken into React in a transition, one chart at a time (see queueChartUpdate): for the live
 * charts. zustand's hooks re-render synchronously (useSyncExternalStore), so each update rendered a chart in one
 * task of the main thread; in a transition React renders in slices of a few milliseconds, runs the effects in a
 * later task, and the page stays responsive between them. A chart may show a report a frame later than the numbers beside it. `select` must be
 * a module-level function (it is an effect dependency).
 */
function useTransitionedSelector<T>(select: (state: AppState) => T): T {
  const [value, setValue] = useState(() => select(useAppStore.getState()));
  const [chart] = useState(() => ({}));
  useEffect(() => chartCommitted(chart), [chart, value]);
  useEffect(() => {
    let shown = select(useAppStore.getState());
    // The store may have changed between the first render and this subscription.
    queueChartUpdate(chart, () => setValue((previous) => (shallow(previous, shown) ? previous : shown)));
    const unsubscribe = useAppStore.subscribe((state) => {
      const next = select(state);
      if (shallow(shown, next)) return;
      shown = next;
      queueChartUpdate(chart, () => setValue(next));
    });
    return () => {
      unsubscribe();
      pendingCharts.delete(chart);
      chartCommitted(chart);
    };
  }, [select, chart]);
  return value;
}

export const useStatus = () => useAppStore(useShallow((s) => ({ status: s.status, detail: s.statusDetail, trainRequested: s.trainRequested })));
/** What the status line says in words (ui/statusLine.ts). */
export const useStatusLineInput = () =>
  useAppStore(
    useShallow((s) => ({
      status: s.status,
      backend: s.backend,
      measuring: s.backendMeasuring,
      trainRequested: s.trainRequested,
      completedEpochs: s.epoch,
      epochs: s.config.epochs,
      globalStep: s.globalStep,
    })),
  );
export const useBackend = () => useAppStore(useShallow((s) => ({ backend: s.backend, note: s.backendNote, timings: s.backendTimings })));
export const useErrorMessage = () => useAppStore((s) => s.errorMessage);
export const useDataProgress = () => useAppStore((s) => s.dataProgress);
/** The loaded data set's classes in label order (the built-in data set's before one has loaded). */
export const useClassNames = (): readonly string[] => useAppStore((s) => s.datasetSummary?.classNames ?? builtInClassNames(s.datasetId));
/** The loaded data set's image (height, width, channels): own images' conversion, else MNIST's 28×28×1. */
export const useDataImageShape = () =>
  useAppStore(useShallow((s) => dataImageShape(s.datasetId === 'own' ? s.datasetSummary?.own?.conversion : null)));
export const useOwnData = () =>
  useAppStore(
    useShallow((s) => ({
      error: s.ownDataKind === 'images' ? s.ownDataError : null,
      loading: s.ownDataKind === 'images' && s.ownDataLoading,
      report: s.datasetId === 'own' ? (s.datasetSummary?.own ?? null) : null,
    })),
  );
/** Whether the data set is spoken keywords (the answer column listens instead of taking drawings). */
export const useKeywordDataset = () => useAppStore((s) => s.datasetId === 'keywords');
/** The keyword data set's load: its refusal, whether it is loading, and the report once loaded. */
export const useKeywordData = () =>
  useAppStore(
    useShallow((s) => ({
      error: s.ownDataKind === 'keywords' ? s.ownDataError : null,
      loading: s.ownDataKind === 'keywords' && s.ownDataLoading,
      report: s.datasetId === 'keywords' ? (s.datasetSummary?.keywords ?? null) : null,
    })),
  );
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
const selectLossCurves = (s: AppState) => ({ loss: s.lossSeries, twinLoss: s.twinLossSeries, totalSteps: s.totalSteps });
const selectAccuracyCurves = (s: AppState) => ({
  validation: s.validationSeries,
  epochs: s.epochSeries,
  twinValidation: s.twinValidationSeries,
  totalSteps: s.totalSteps,
});
const selectSparsitySeries = (s: AppState) => ({ series: s.sparsitySeries, totalSteps: s.totalSteps });
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
/** The run on offer for resuming, and whether the loaded data set is the one it trained on (it resumes only then). */
export const useResumeOffer = () =>
  useAppStore(
    useShallow((s) => ({
      offer: s.resumeOffer,
      dataReady: s.resumeOffer !== null && dataMatches(s.resumeOffer.datasetId, s.resumeOffer.classNames, { datasetId: s.datasetId, classNames: s.datasetSummary?.classNames }),
    })),
  );
/** The user's own images or keyword clips the page waits for (a link or a reload named them), and whether a kept run of them is on offer. */
/** The user data the page waits for; keptRun: a kept run of it is on offer, loaded again with `conversion` (own images). */
export const useAwaitedData = () =>
  useAppStore(
    useShallow((s) => {
      const keptRun = s.resumeOffer !== null && s.resumeOffer.datasetId === s.awaitedData?.datasetId;
      // The kept run's conversion, else the one the address or link named.
      return { awaited: s.awaitedData, keptRun, conversion: (keptRun ? s.resumeOffer?.conversion : null) ?? s.awaitedData?.conversion ?? null };
    }),
  );
/** The keyword flow: keywords are loaded, or the page waits for them (the checklist and the answer column follow it). */
export const useKeywordFlow = () => useAppStore((s) => s.datasetId === 'keywords' || s.awaitedData?.datasetId === 'keywords');
export const useAutosavedStep = () => useAppStore((s) => s.autosavedStep);
export const useShareLink = () => useAppStore((s) => s.shareLink);
export const useKeptRuns = () => useAppStore(useShallow((s) => ({ runs: s.runs, compared: s.comparedRunIds, toggleCompared: s.userToggledCompared })));
const selectAnalysis = (s: AppState) => s.analysis;
/** The confusion matrix and the mistakes' images (16 canvases), queued with the charts: they arrive at epoch ends with a validation point. */
export const useMistakeAnalysis = () => useTransitionedSelector(selectAnalysis);
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
/** The meter's target: the one the user chose, else the data set's default (a keyword run starts on the detector's 64 KB / 16 KB). */
export const useMcuBudget = () =>
  useAppStore(
    useShallow((s) => ({
      config: s.config,
      packing: s.exportPacking,
      target: s.mcuTarget ?? defaultMcuTarget(s.datasetId === 'keywords'),
      chooseTarget: s.userChoseMcuTarget,
      choosePacking: s.userChosePacking,
    })),
  );
/** For a keywords run, the audio front end the C detector adds to the network (the budget meter counts it); else null. */
export const useKeywordFrontEnd = (): FrontEndCost | null => {
  const keywords = useAppStore((s) => s.datasetId === 'keywords');
  const classCount = useClassNames().length;
  return keywords ? kwsFrontEndCost(classCount) : null;
};
export const usePowerEstimateChoice = () =>
  useAppStore(
    useShallow((s) => ({ chip: s.powerChip, windowsPerSecond: s.windowsPerSecond, chooseChip: s.userChosePowerChip, chooseWindowsPerSecond: s.userChoseWindowsPerSecond })),
  );
export const useTeacher = () => useAppStore((s) => s.teacher);
export const useDatasetSamples = () => useAppStore((s) => s.datasetSummary?.samples ?? null);
