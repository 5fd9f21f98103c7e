import { standaloneRunLabel } from '../core/run/runLabels';
import { useConfig, useKeptRuns, useTeacher } from '../store/hooks';
import { chooseTeacher } from '../store/workerBridge';
import { percent } from './format';
import { Tip, tipId } from './Tip';
import { ConfigField } from './ConfigField';

/**
 * Knowledge distillation: a kept run (say a CNN) teaches the network being trained (say an MLP small enough for a
 * microcontroller). The teacher can change while training; α and T are config fields like the others.
 */
export function DistillationPanel() {
  const { config } = useConfig();
  const { runs } = useKeptRuns();
  const teacher = useTeacher();
  return (
    <fieldset className="subpanel" data-testid="distillation">
      <legend>Learn from a teacher (knowledge distillation)</legend>
      <label>
        Teacher: a kept run whose softened predictions the loss adds to the labels
        <select data-testid="distill-teacher" aria-describedby={tipId('distill-teacher')} value={teacher?.runId ?? ''} onChange={(e) => void chooseTeacher(e.target.value || null)}>
          <option value="">none (labels only)</option>
          {teacher && !runs.some((run) => run.id === teacher.runId) ? <option value={teacher.runId}>{teacher.label}</option> : null}
          {runs.map((run) => (
            <option key={run.id} value={run.id}>
              {standaloneRunLabel(run)}
            </option>
          ))}
        </select>
      </label>
      <Tip name="distill-teacher">A run kept under Runs whose predictions, softened by T, this run also learns from with weight α.</Tip>
      <ConfigField field="distillWeight" />
      <ConfigField field="distillTemperature" />
      <p className="muted" data-testid="distill-status" data-state={teacher?.state ?? 'none'} data-validation-accuracy={teacher?.validationAccuracy ?? ''}>
        {distillationStatus(teacher, config.distillWeight, config.distillTemperature)}
      </p>
    </fieldset>
  );
}

function distillationStatus(teacher: ReturnType<typeof useTeacher>, weight: number, temperature: number): string {
  if (!teacher) {
    return weight > 0
      ? `No teacher chosen: α = ${weight} has no effect, and the run learns from the labels alone. Pick a kept run (a larger network, or a CNN) as the teacher.`
      : 'No teacher: the run learns from the labels alone.';
  }
  if (teacher.state === 'loading') return `Lending ${teacher.label} to the training worker…`;
  if (teacher.state === 'refused') return teacher.message;
  const accuracy = teacher.validationAccuracy === null ? '' : `, ${percent(teacher.validationAccuracy, 2)} on this dataset's validation split`;
  const use =
    weight > 0
      ? `The loss is (1 − α)·labels + α·T²·teacher with α = ${weight}, T = ${temperature}, from the next step.`
      : 'α is 0, so the teacher has no effect yet: set α (0.5–0.9 is usual).';
  return `Teacher: ${teacher.label}${accuracy}. ${use}`;
}
