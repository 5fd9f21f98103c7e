/**
 * The page's own state, apart from training: which workbench tab is open, and the first-run checklist (which steps
 * the user has done at least once in this browser, kept in localStorage, and whether they dismissed it for good).
 * Images and keywords have steps of their own: Listen on a keyword run is not drawing a digit. Nothing here reaches
 * the worker.
 */
import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';

export const WORKBENCH_TABS = ['inspect', 'deploy', 'runs', 'settings'] as const;
export type WorkbenchTab = (typeof WORKBENCH_TABS)[number];

/** The image flow's steps: train, move t, draw a digit, export. */
export const CHECKLIST_STEPS = ['trained', 'movedThreshold', 'drewDigit', 'exported'] as const;
/** The keyword flow's steps: load or record words, train on them, Listen, export (the one step both flows share). */
export const KEYWORD_CHECKLIST_STEPS = ['loadedWords', 'trainedWords', 'listened', 'exported'] as const;
const ALL_STEPS = [...CHECKLIST_STEPS, ...KEYWORD_CHECKLIST_STEPS.filter((step) => step !== 'exported')] as const;
export type ChecklistStep = (typeof CHECKLIST_STEPS)[number] | (typeof KEYWORD_CHECKLIST_STEPS)[number];

const DISMISSED_KEY = 'bitnet-playground:checklist-dismissed';
const DONE_KEY = 'bitnet-playground:checklist-done';
const nothingDone = (): Record<ChecklistStep, boolean> => Object.fromEntries(ALL_STEPS.map((step) => [step, false])) as Record<ChecklistStep, boolean>;

function readDismissed(): boolean {
  try {
    return globalThis.localStorage?.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false; // storage blocked (private mode, sandboxed frame): the checklist shows
  }
}

/** The steps done in this browser before, so that a reload shows the same list. */
function readDone(): Record<ChecklistStep, boolean> {
  try {
    const stored: unknown = JSON.parse(globalThis.localStorage?.getItem(DONE_KEY) ?? '[]');
    const steps = Array.isArray(stored) ? stored : [];
    return Object.fromEntries(ALL_STEPS.map((step) => [step, steps.includes(step)])) as Record<ChecklistStep, boolean>;
  } catch {
    return nothingDone();
  }
}

function writeDone(done: Record<ChecklistStep, boolean>): void {
  try {
    globalThis.localStorage?.setItem(DONE_KEY, JSON.stringify(ALL_STEPS.filter((step) => done[step])));
  } catch {
    // storage blocked: the list is kept for this page only
  }
}

interface LayoutState {
  tab: WorkbenchTab;
  /** Steps done at least once in this browser (kept in localStorage); a Reset does not untick them. */
  done: Record<ChecklistStep, boolean>;
  checklistDismissed: boolean;
  userOpenedTab: (tab: WorkbenchTab) => void;
  stepsObserved: (steps: Partial<Record<ChecklistStep, boolean>>) => void;
  userDismissedChecklist: () => void;
}

const useLayoutStore = create<LayoutState>()((set) => ({
  tab: 'inspect',
  done: readDone(),
  checklistDismissed: readDismissed(),
  userOpenedTab: (tab) => set({ tab }),
  stepsObserved: (steps) =>
    set((state) => {
      const newly = ALL_STEPS.filter((step) => steps[step] === true && !state.done[step]);
      if (newly.length === 0) return state;
      const done = { ...state.done };
      for (const step of newly) done[step] = true;
      writeDone(done);
      return { done };
    }),
  userDismissedChecklist: () => {
    try {
      globalThis.localStorage?.setItem(DISMISSED_KEY, '1');
    } catch {
      // storage blocked: dismissed for this page only
    }
    set({ checklistDismissed: true });
  },
}));

export const useOpenTab = () => useLayoutStore(useShallow((s) => ({ tab: s.tab, openTab: s.userOpenedTab })));
export const useChecklist = () =>
  useLayoutStore(
    useShallow((s) => ({ done: s.done, dismissed: s.checklistDismissed, observe: s.stepsObserved, dismiss: s.userDismissedChecklist })),
  );

/** A checklist step the user did by an action (not one read from the run's state), e.g. moving t on a trained run. */
export function checklistStepDone(step: ChecklistStep): void {
  useLayoutStore.getState().stepsObserved({ [step]: true });
}
