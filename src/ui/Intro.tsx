/** What this page is, in three lines, and a "Learn more" panel with the ideas behind it and the papers. */
import { useKeywordDataset } from '../store/hooks';

export function Intro() {
  // On spoken keywords the answer column listens instead of taking a drawing.
  const keywords = useKeywordDataset();
  return (
    <div className="intro" data-testid="intro">
      <p>
        A <strong>ternary</strong> network keeps each weight as −1, 0 or +1 (1.58 bits) times one scale per layer.
        <br />
        That makes it about 16× smaller than float32 weights, and a layer needs only additions and subtractions, no
        multiplications.
        <br />
        Try it: press <strong>Train</strong>, move the threshold <strong>t</strong>, {keywords ? 'press Listen and say a word' : 'draw a digit'}, then
        export the network as C or ONNX.
      </p>
      <details className="learn-more" data-testid="learn-more">
        <summary>Learn more</summary>
        <p>
          <strong>BitNet b1.58</strong> trains language models whose linear layers hold only −1, 0 and +1: each weight
          matrix is divided by its mean absolute value and rounded (the &ldquo;absmean&rdquo; quantizer, t = 0.5 here).
          It matched full-precision models of the same size from about 3 B parameters while using far less memory and
          energy (<a href="https://arxiv.org/abs/2402.17764">arXiv 2402.17764</a>;{' '}
          <a href="https://arxiv.org/abs/2310.11453">BitNet, arXiv 2310.11453</a>, introduced the binary version).
        </p>
        <p>
          <strong>Ternary Weight Networks</strong> (TWN) set every weight whose magnitude is below Δ = t · mean|W| to 0
          and the rest to ±α, with t ≈ 0.7 minimizing the error to the float weights (
          <a href="https://arxiv.org/abs/1605.04711">arXiv 1605.04711</a>). The slider moves this t.
        </p>
        <p>
          <strong>The straight-through estimator</strong>: rounding has a zero gradient almost everywhere, so training
          keeps float &ldquo;latent&rdquo; weights, uses their ternary copy in the forward pass, and passes the gradient
          back as if the rounding were the identity (clipped to a range). The latent weights drift; the ternary ones flip
          when they cross ±Δ.
        </p>
        <p>
          <strong>Sparsity</strong> is the share of weights that are 0. A larger t gives more zeros: a cheaper network
          (zeros cost nothing to add) that at some point loses accuracy. &ldquo;Accuracy vs sparsity&rdquo; under
          Inspect traces that trade-off for the trained weights.
        </p>
      </details>
    </div>
  );
}
