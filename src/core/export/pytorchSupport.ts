/**
 * Which runs the PyTorch project export (pytorchExport.ts) takes, apart from the project's Python sources so that
 * the page can say why the export is unavailable without loading them.
 */

/** The IDX data sets, whose ten classes the project knows from the files' labels; any other run names its own. */
export const IDX_DATASETS: readonly string[] = ['mnist-10k', 'mnist', 'fashion-mnist'];

/** Why a run on this dataset cannot become a PyTorch project, or null when it can. */
export function pytorchExportProblem(datasetId: string): string | null {
  return datasetId === 'keywords'
    ? 'A keyword run cannot be exported to PyTorch: the project has no audio front end, so it cannot train on WAV clips. The C and ONNX exports take keyword models.'
    : null;
}
