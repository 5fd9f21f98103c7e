/**
 * After a reload, the offer to continue the run this browser autosaved: in the core loop beside Train, so that a
 * returning user finds their trained network before moving t or drawing on a fresh, untrained one. A run on the
 * user's own images or keyword clips waits for that data to be loaded again (a reload keeps the run, not the data):
 * the offer says so and Resume works once it is back.
 */
import { useResumeOffer, useStatus } from '../store/hooks';
import { dismissResumeOffer, resumeAutosavedRun } from '../store/workerBridge';
import { Tip, tipId } from './Tip';

export function ResumeOffer() {
  const { offer, dataReady } = useResumeOffer();
  const { status } = useStatus();
  if (!offer) return null;
  const data = offer.datasetId === 'keywords' ? 'keyword clips' : offer.datasetId === 'own' ? 'images' : `${offer.datasetId} data`;
  return (
    <p className="resume-offer" data-testid="resume-offer" data-ready={dataReady}>
      A run was autosaved here ({offer.preset}, epoch {offer.epoch}, step {offer.step}, {new Date(offer.savedAt).toLocaleTimeString()}).{' '}
      {!dataReady && <span data-testid="resume-needs-data">It resumes once its {data} {offer.datasetId === 'keywords' || offer.datasetId === 'own' ? 'are loaded again (below the Dataset choice)' : 'is loaded'}. </span>}
      <span className="explained">
        <button
          type="button"
          className="primary"
          data-testid="resume-run"
          aria-describedby={tipId('resume-run')}
          disabled={status === 'loading' || !dataReady}
          onClick={resumeAutosavedRun}
        >
          Resume it at step {offer.step}
        </button>
        <Tip name="resume-run">
          {dataReady ? 'Continues the autosaved run from its last saved step, with its weights and curves.' : `Load the run's ${data} first: a reload keeps the run, not its data.`}
        </Tip>
      </span>{' '}
      <span className="explained">
        <button type="button" aria-describedby={tipId('resume-later')} onClick={dismissResumeOffer}>
          Not now
        </button>
        <Tip name="resume-later">Hides this offer; the run stays saved under Runs.</Tip>
      </span>
    </p>
  );
}
