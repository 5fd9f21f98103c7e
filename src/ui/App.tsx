/**
 * The page, read left to right like TensorFlow Playground: the data and the run's controls, the curves of the
 * network learning, what it learned (the threshold and the sparsity it gives), and what it answers (a digit you
 * draw). That core loop fits one 1400×900 screen; everything else is one tab away in the Workbench below.
 * Nothing in the core loop changes height while a run trains: tables that grow live under Inspect.
 */
import { useEffect } from 'react';
import { useKeywordDataset } from '../store/hooks';
import { startPlayground } from '../store/workerBridge';
import { addressWrittenByThisPage } from '../store/urlState';
import { AccuracyChart, EpochTable, LossChart, TwinGap } from './Charts';
import { BudgetMeter } from './BudgetMeter';
import { Checklist } from './Checklist';
import { ConfigPanel } from './ConfigPanel';
import { Controls, FloatTwinToggle } from './Controls';
import { DatasetPanel } from './DatasetPanel';
import { DeployPanel } from './DeployPanel';
import { DrawDigit } from './DrawDigit';
import { ListenPanel } from './ListenPanel';
import { ErrorBanner } from './ErrorBanner';
import { Intro } from './Intro';
import { KernelPanel } from './KernelPanel';
import { Metrics } from './Metrics';
import { MistakesPanel } from './MistakesPanel';
import { ModelSizeCard } from './ModelSizeCard';
import { PresetPicker } from './PresetPicker';
import { RunList } from './RunList';
import { ResumeOffer } from './ResumeOffer';
import { RunPanel } from './RunPanel';
import { AccuracySparsityCurve, SparsityChart } from './SparsityCharts';
import { SparsityPanel } from './SparsityPanel';
import { BackendDetails, StatusBar } from './StatusBar';
import { ThresholdSlider } from './ThresholdSlider';
import { WeightHeatmap } from './WeightHeatmap';
import { Workbench } from './Workbench';

export function App() {
  // Drawing makes no sense for spoken words: the answer column listens instead.
  const keywords = useKeywordDataset();
  useEffect(() => {
    void startPlayground(window.location.search, addressWrittenByThisPage());
  }, []);
  return (
    <div className="app">
      <header>
        <div className="header-text">
          <h1>BitNet Playground</h1>
          <Intro />
        </div>
        <Checklist />
      </header>
      <StatusBar />
      <ErrorBanner />
      <main className="core-loop" aria-label="Train, threshold and draw">
        <section className="core-column core-run" aria-labelledby="core-run-title">
          <h2 id="core-run-title" className="column-title">1 · Data and run</h2>
          <div className="core-sticky">
            <PresetPicker />
            <Controls />
          </div>
          <ResumeOffer />
          <Metrics />
          <DatasetPanel />
        </section>
        <section className="core-column core-curves" aria-labelledby="core-curves-title">
          <h2 id="core-curves-title" className="column-title">2 · The network learns</h2>
          <LossChart />
          <AccuracyChart />
        </section>
        <section className="core-column core-weights" aria-labelledby="core-weights-title">
          <h2 id="core-weights-title" className="column-title">3 · What it learned</h2>
          <ThresholdSlider />
        </section>
        <section className="core-column core-answer" aria-labelledby="core-answer-title">
          <h2 id="core-answer-title" className="column-title">4 · What it answers</h2>
          {keywords ? <ListenPanel /> : <DrawDigit />}
        </section>
      </main>
      <Workbench
        panels={{
          inspect: (
            <div className="tab-grid">
              <TwinGap />
              <EpochTable />
              <SparsityChart />
              <AccuracySparsityCurve />
              <WeightHeatmap />
              <SparsityPanel />
              <div className="span-all">
                <MistakesPanel />
              </div>
            </div>
          ),
          deploy: (
            <div className="tab-grid">
              <BudgetMeter />
              <ModelSizeCard />
              <DeployPanel />
              <KernelPanel />
            </div>
          ),
          runs: (
            <div className="tab-grid">
              <RunPanel />
              <div className="span-all">
                <RunList />
              </div>
            </div>
          ),
          settings: (
            <div className="settings-tab">
              <ConfigPanel />
              <details className="panel advanced" data-testid="advanced">
                <summary>Advanced: float twin and backends</summary>
                <FloatTwinToggle />
                <BackendDetails />
              </details>
            </div>
          ),
        }}
      />
    </div>
  );
}
