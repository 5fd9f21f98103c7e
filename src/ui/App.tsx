import { useEffect } from 'react';
import { startPlayground } from '../store/workerBridge';
import { AccuracyChart, LossChart, TwinGap } from './Charts';
import { BudgetMeter } from './BudgetMeter';
import { ConfigPanel } from './ConfigPanel';
import { Controls } from './Controls';
import { DatasetPanel } from './DatasetPanel';
import { DeployPanel } from './DeployPanel';
import { DrawDigit } from './DrawDigit';
import { ErrorBanner } from './ErrorBanner';
import { KernelPanel } from './KernelPanel';
import { Metrics } from './Metrics';
import { MistakesPanel } from './MistakesPanel';
import { ModelSizeCard } from './ModelSizeCard';
import { RunList } from './RunList';
import { RunPanel } from './RunPanel';
import { AccuracySparsityCurve, SparsityChart } from './SparsityCharts';
import { SparsityPanel } from './SparsityPanel';
import { ThresholdSlider } from './ThresholdSlider';
import { WeightHeatmap } from './WeightHeatmap';
import { StatusBar } from './StatusBar';

export function App() {
  useEffect(() => {
    void startPlayground(window.location.search);
  }, []);
  return (
    <div className="app">
      <header>
        <h1>BitNet Playground</h1>
        <p className="tagline">
          Train a ternary network (weights in {'{'}−1, 0, +1{'}'}, 1.58 bits each) on MNIST, live in your browser.
        </p>
        <StatusBar />
      </header>
      <ErrorBanner />
      <main>
        <aside>
          <Controls />
          <DatasetPanel />
          <ConfigPanel />
          <BudgetMeter />
          <RunPanel />
        </aside>
        <section className="views">
          <Metrics />
          <TwinGap />
          <div className="chart-row">
            <LossChart />
            <AccuracyChart />
          </div>
          <DrawDigit />
          <MistakesPanel />
          <ThresholdSlider />
          <div className="chart-row">
            <WeightHeatmap />
            <SparsityPanel />
          </div>
          <div className="chart-row">
            <SparsityChart />
            <AccuracySparsityCurve />
          </div>
          <ModelSizeCard />
          <KernelPanel />
          <DeployPanel />
          <RunList />
        </section>
      </main>
    </div>
  );
}
