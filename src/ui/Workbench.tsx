/**
 * Everything beyond the core loop, one tab away and grouped by what the user is doing: Inspect, Deploy, Runs,
 * Settings. WAI-ARIA tabs: the arrow keys, Home and End move between tabs (roving tabindex), and a tab's panel stays
 * mounted while hidden, so its figures keep following the run and its controls keep their state.
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useOpenTab, WORKBENCH_TABS, type WorkbenchTab } from '../store/layout';

const TAB_LABELS: Record<WorkbenchTab, string> = {
  inspect: 'Inspect',
  deploy: 'Deploy',
  runs: 'Runs',
  settings: 'Settings',
};

export function Workbench({ panels }: { panels: Record<WorkbenchTab, ReactNode> }) {
  const { tab, openTab } = useOpenTab();
  const tabRefs = useRef(new Map<WorkbenchTab, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = WORKBENCH_TABS.indexOf(tab);
    const last = WORKBENCH_TABS.length - 1;
    const target =
      event.key === 'ArrowRight' ? (index + 1) % WORKBENCH_TABS.length
      : event.key === 'ArrowLeft' ? (index + last) % WORKBENCH_TABS.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : null;
    if (target === null) return;
    event.preventDefault();
    const next = WORKBENCH_TABS[target]!;
    openTab(next);
    tabRefs.current.get(next)?.focus();
  };
  return (
    <section className="workbench" aria-label="Inspect, deploy, runs and settings">
      <div role="tablist" aria-label="Workbench" className="tab-list" onKeyDown={onKeyDown}>
        {WORKBENCH_TABS.map((id) => (
          <button
            key={id}
            ref={(element) => {
              if (element) tabRefs.current.set(id, element);
              else tabRefs.current.delete(id);
            }}
            type="button"
            role="tab"
            id={`tab-${id}`}
            data-testid={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            onClick={() => openTab(id)}
          >
            {TAB_LABELS[id]}
          </button>
        ))}
      </div>
      {WORKBENCH_TABS.map((id) => (
        <div key={id} role="tabpanel" id={`panel-${id}`} data-testid={`panel-${id}`} aria-labelledby={`tab-${id}`} hidden={tab !== id} className="tab-panel">
          {panels[id]}
        </div>
      ))}
    </section>
  );
}
