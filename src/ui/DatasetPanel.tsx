import { useState, type ChangeEvent } from 'react';
import { DATASET_LABELS, type DatasetId } from '../core/data/dataset';
import { useDatasetChoice } from '../store/hooks';
import { chooseDataset, loadFromUrl, loadUserFiles } from '../store/workerBridge';
import { Tip, tipId } from './Tip';
import { OwnDataPanel } from './OwnDataPanel';
import { KeywordsPanel } from './KeywordsPanel';

const FULL_DATASETS: DatasetId[] = ['mnist', 'fashion-mnist'];

export function DatasetPanel() {
  const { datasetId, serverDatasets, summary } = useDatasetChoice();
  const [fileKind, setFileKind] = useState<DatasetId>('mnist');
  const [url, setUrl] = useState('');
  // Offered: the embedded subset, each dataset the server exposes, and whatever the user loaded themselves.
  const offered: DatasetId[] = ['mnist-10k', ...serverDatasets.map((d) => d.id)];
  if (!offered.includes(datasetId)) offered.push(datasetId);

  const onFiles = (event: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(event.target.files ?? []);
    if (files.length > 0) void loadUserFiles(fileKind, files);
    event.target.value = '';
  };

  return (
    <fieldset className="panel">
      <legend>Data</legend>
      <label>
        Dataset
        <select data-testid="dataset-select" aria-describedby={tipId('dataset')} value={datasetId} onChange={(e) => chooseDataset(e.target.value as DatasetId)}>
          {offered.map((id) => (
            <option key={id} value={id}>
              {DATASET_LABELS[id]}
            </option>
          ))}
        </select>
      </label>
      <Tip name="dataset">The images the network trains on; the embedded subset loads at once, full MNIST or Fashion-MNIST from files or a URL; your own images or spoken words (Keywords) below.</Tip>
      {summary && (
        <p className="muted" data-testid="dataset-summary">
          {summary.trainCount.toLocaleString()} train / {summary.validationCount.toLocaleString()} validation
          {summary.testCount > 0 ? ` / ${summary.testCount.toLocaleString()} test` : ' (no separate test set)'}
        </p>
      )}
      <details>
        <summary>Load full MNIST or Fashion-MNIST</summary>
        <label>
          The files are
          <select value={fileKind} onChange={(e) => setFileKind(e.target.value as DatasetId)}>
            {FULL_DATASETS.map((id) => (
              <option key={id} value={id}>
                {DATASET_LABELS[id]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Choose the four IDX files (.gz or raw)
          <input data-testid="dataset-files" type="file" multiple onChange={onFiles} />
        </label>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (url.trim()) loadFromUrl(fileKind, url.trim());
          }}
        >
          <label>
            …or download from a URL (folder with the four .gz files; cached)
            <input type="url" value={url} placeholder="https://…/mnist/" onChange={(e) => setUrl(e.target.value)} />
          </label>
          <button type="submit" aria-describedby={tipId('dataset-download')}>Download</button>
          <Tip name="dataset-download">Fetches the four IDX files from that folder, keeps them in this browser and trains on them.</Tip>
        </form>
      </details>
      <OwnDataPanel />
      <KeywordsPanel />
    </fieldset>
  );
}
