import { PRESETS, type TrainConfig } from '../src/core/config';
import { initBackend, registerOptionalBackends } from '../src/train/backend';
import { Trainer } from '../src/train/trainer';
import { loadFullDatasetFromDir } from './nodeData';
await registerOptionalBackends();
await initBackend(['wasm']);
const data = loadFullDatasetFromDir('../shared/data/mnist', 'MNIST');
const patch = JSON.parse(process.env.PATCH ?? '{}') as Partial<TrainConfig>;
const config: TrainConfig = { ...PRESETS['mcu-16k'], ...patch };
const trainer = new Trainer(config, data);
const started = performance.now();
let best = 0;
while (!trainer.finished) {
  const r = await trainer.step();
  if (r.epochEnded && (trainer.epoch % 5 === 0 || trainer.epoch === config.epochs)) {
    const { accuracy } = await trainer.evaluate(data.test!);
    best = Math.max(best, accuracy);
    console.log(`${JSON.stringify(patch)} epoch ${trainer.epoch}: ${(accuracy * 100).toFixed(2)} % (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}
