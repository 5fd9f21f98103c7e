/**
 * The page's own state, apart from training: which workbench tab is open, and the first-run checklist (which steps
 * the user has done at least once in this page, and whether they dismissed it for good; the dismissal is kept in
 * localStorage). Nothing here reaches the worker.
 */
import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';

export const WORKBENCH_TABS = ['inspect', 'deploy', 'runs', 'settings'] as const;
export type WorkbenchTab = (typeof WORKBENCH_TABS)[number];

export const CHECKLIST_STEPS = ['trained', 'movedThreshold', 'drewDigit', 'exported'] as const;
export type ChecklistStep = (typeof CHECKLIST_STEPS)[number];

const DISMISSED_KEY = 'bitnet-playground:checklist-dismissed';

function readDismissed(): boolean {
  try {
    return globalThis.localStorage?.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false; // storage blocked (private mode, sandboxed frame): the checklist shows
  }
}

interface LayoutState {
  tab: WorkbenchTab;
  /** Steps done at least once since the page opened; a Reset does not untick them. */
  done: Record<ChecklistStep, boolean>;
  checklistDismissed: boolean;
  userOpenedTab: (tab: WorkbenchTab) => void;
  stepsObserved: (steps: Partial<Record<ChecklistStep, boolean>>) => void;
  userDismissedChecklist: () => void;
}

const useLayoutStore = create<LayoutState>()((set) => ({
  tab: 'inspect',
  done: { trained: false, movedThreshold: false, drewDigit: false, exported: false },
  checklistDismissed: readDismissed(),
  userOpenedTab: (tab) => set({ tab }),
  stepsObserved: (steps) =>
    set((state) => {
      const newly = CHECKLIST_STEPS.filter((step) => steps[step] === true && !state.done[step]);
      if (newly.length === 0) return state;
      const done = { ...state.done };
      for (const step of newly) done[step] = true;
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
