/**
 * After a reload, the offer to continue the run this browser autosaved: in the core loop beside Train, so that a
 * returning user finds their trained network before moving t or drawing on a fresh, untrained one.
 */
import { useResumeOffer, useStatus } from '../store/hooks';
import { dismissResumeOffer, resumeAutosavedRun } from '../store/workerBridge';
import { Tip, tipId } from './Tip';

export function ResumeOffer() {
  const offer = useResumeOffer();
  const { status } = useStatus();
  if (!offer) return null;
  return (
    <p className="resume-offer" data-testid="resume-offer">
      A run was autosaved here ({offer.preset}, epoch {offer.epoch}, step {offer.step}, {new Date(offer.savedAt).toLocaleTimeString()}).{' '}
      <span className="explained">
        <button type="button" className="primary" data-testid="resume-run" aria-describedby={tipId('resume-run')} disabled={status === 'loading'} onClick={resumeAutosavedRun}>
          Resume it at step {offer.step}
        </button>
        <Tip name="resume-run">Continues the autosaved run from its last saved step, with its weights and curves.</Tip>
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
