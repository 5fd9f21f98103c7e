/**
 * The first-run checklist: train, move t, draw a digit, export; on keywords (loaded, or awaited after a reload):
 * load or record words, train on them, Listen, export. Each step ticks itself off from the app's state (a step
 * taken, the slider moved on a trained run, an answer to a drawing, a finished export) on the data set it belongs to;
 * Listen ticks its own step when it hears an answer (ListenPanel). A ticked step stays ticked; the list can be dismissed for good (store/layout.ts keeps that in localStorage).
 */
import { useEffect } from 'react';
import { useAppStore } from '../store/store';
import { useDeploy, useKeywordDataset, useKeywordFlow, usePrediction, useProgress } from '../store/hooks';
import { CHECKLIST_STEPS, KEYWORD_CHECKLIST_STEPS, useChecklist, type ChecklistStep } from '../store/layout';
import { Tip, tipId } from './Tip';

const LABELS: Record<ChecklistStep, string> = {
  trained: 'Train a network',
  movedThreshold: 'Move t on the trained network',
  drewDigit: 'Draw a digit',
  exported: 'Export it (Deploy)',
  loadedWords: 'Load or record words (Keywords)',
  trainedWords: 'Train on the words',
  listened: 'Say a word (Listen)',
};

export function Checklist() {
  const { done, dismissed, observe, dismiss } = useChecklist();
  // On keywords the answer column listens: an answer there is Listen's (ticked by ListenPanel), never a drawing.
  const keywordsLoaded = useKeywordDataset();
  const steps = useKeywordFlow() ? KEYWORD_CHECKLIST_STEPS : CHECKLIST_STEPS;
  const { globalStep } = useProgress();
  const prediction = usePrediction();
  const { result } = useDeploy();
  // Own images are rarely digits: the drawing step names what is drawn.
  const ownImages = useAppStore((s) => s.datasetSummary?.own != null);
  useEffect(() => {
    observe({
      trained: !keywordsLoaded && globalStep > 0,
      drewDigit: !keywordsLoaded && prediction !== null,
      loadedWords: keywordsLoaded,
      trainedWords: keywordsLoaded && globalStep > 0,
      exported: result?.ok === true,
    });
  }, [observe, keywordsLoaded, globalStep, prediction, result]);
  if (dismissed) return null;
  const count = steps.filter((step) => done[step]).length;
  return (
    <section className="checklist" data-testid="checklist" aria-labelledby="checklist-title">
      <h2 id="checklist-title" className="section-title">
        First steps ({count} of {steps.length})
      </h2>
      <ol>
        {steps.map((step) => (
          <li key={step} data-testid={`checklist-${step}`} data-done={done[step]} className={done[step] ? 'done' : undefined}>
            <span aria-hidden="true">{done[step] ? '✓' : '○'}</span> {step === 'drewDigit' && ownImages ? 'Draw an image' : LABELS[step]}
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
