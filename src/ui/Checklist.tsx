/**
 * The first-run checklist: train, move t, draw a digit, export. Each step ticks itself off from the app's state
 * (a step taken, the slider moved on a trained run, a prediction, a finished export) and stays ticked; the list can
 * be dismissed for good (store/layout.ts keeps that in localStorage).
 */
import { useEffect } from 'react';
import { useDeploy, useKeywordDataset, usePrediction, useProgress } from '../store/hooks';
import { CHECKLIST_STEPS, useChecklist, type ChecklistStep } from '../store/layout';
import { Tip, tipId } from './Tip';

const LABELS: Record<ChecklistStep, string> = {
  trained: 'Train a network',
  movedThreshold: 'Move t on the trained network',
  drewDigit: 'Draw a digit',
  exported: 'Export it (Deploy)',
};

export function Checklist() {
  const { done, dismissed, observe, dismiss } = useChecklist();
  // On spoken keywords the answer column listens: the step is the same (the model answers you), its words differ.
  const keywords = useKeywordDataset();
  const { globalStep } = useProgress();
  const prediction = usePrediction();
  const { result } = useDeploy();
  useEffect(() => {
    observe({
      trained: globalStep > 0,
      drewDigit: prediction !== null,
      exported: result?.ok === true,
    });
  }, [observe, globalStep, prediction, result]);
  if (dismissed) return null;
  const count = CHECKLIST_STEPS.filter((step) => done[step]).length;
  return (
    <section className="checklist" data-testid="checklist" aria-labelledby="checklist-title">
      <h2 id="checklist-title" className="section-title">
        First steps ({count} of {CHECKLIST_STEPS.length})
      </h2>
      <ol>
        {CHECKLIST_STEPS.map((step) => (
          <li key={step} data-testid={`checklist-${step}`} data-done={done[step]} className={done[step] ? 'done' : undefined}>
            <span aria-hidden="true">{done[step] ? '✓' : '○'}</span> {keywords && step === 'drewDigit' ? 'Say a word (Listen)' : LABELS[step]}
            <span className="visually-hidden">{done[step] ? ' (done)' : ' (to do)'}</span>
          </li>
        ))}
      </ol>
      <span className="explained">
        <button type="button" className="link-button" data-testid="checklist-dismiss" aria-describedby={tipId('checklist-dismiss')} onClick={dismiss}>
          Hide for good
        </button>
        <Tip name="checklist-dismiss">Hides this list in this browser from now on.</Tip>
      </span>
    </section>
  );
}
