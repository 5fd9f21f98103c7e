#!/usr/bin/env bash
# Every figure of the performance issue (#13) for two commits, measured side by side in one run, so that the
# machine's speed of the day moves both columns alike:
#   bench/beforeAfter.sh BASE        (BASE: the commit before; "after" is this checkout as it is)
# - bench:train: this checkout's bench/train.ts on both builds (BENCH_APP_DIR), one after the other, so the
#   figures are taken the same way (seconds to 90 %, step times with the float twin, main-thread long tasks);
# - bench:accuracy: this checkout's side-by-side script (ternary and float twin, one step each in turn) on both
#   source trees, BENCH_MAX_STEPS steps of each preset (default 300; the ratio, not the accuracy, is the figure);
# - bench:kernel: each commit's own bench:kernel (its page and its presets), BENCH_STEPS=20 on the embedded data.
# Each line printed is a JSON row of the benchmark with "commit": "before" or "after" in front.
# Needs node_modules and public/generated here (npm ci; npm run prepare-data) and MNIST_DIR for bench:accuracy.
# BENCH_PARTS (default train,accuracy,kernel) picks parts. The older checkout is a temporary git worktree,
# removed at the end.
set -euo pipefail
base=${1:?usage: bench/beforeAfter.sh BASE}
here=$(git rev-parse --show-toplevel)
parts=${BENCH_PARTS:-train,accuracy,kernel}
export MNIST_DIR=${MNIST_DIR:-$here/../shared/data/mnist}
before=$(mktemp -d)/before
git -C "$here" worktree add --detach -q "$before" "$base"
trap 'git -C "$here" worktree remove --force "$before"' EXIT
ln -s "$here/node_modules" "$before/node_modules"
mkdir -p "$before/public" && cp -r "$here/public/generated" "$before/public/"
# This checkout's side-by-side accuracy script, beside the older one (which keeps its name), so that it imports
# the older source tree. bench:train needs no copy: it runs here and only serves the older build.
cp "$here/bench/accuracy.ts" "$before/bench/accuracy-now.ts"

tag() { sed -u "s/^{/{\"commit\":\"$1\",/"; }
(cd "$before" && npx vite build --logLevel error) && (cd "$here" && npx vite build --logLevel error)
echo "# before: $(git -C "$here" log --oneline -1 "$base" | cut -c1-60)"
echo "# after:  $(git -C "$here" log --oneline -1 | cut -c1-60)$(git -C "$here" diff --quiet HEAD || echo ' (with uncommitted changes)')"

if [[ ,$parts, == *,train,* ]]; then
  for side in before after; do
    dir=$before; [[ $side == after ]] && dir=$here
    echo "# bench:train, $side"
    (cd "$here" && BENCH_APP_DIR=$dir npx tsx bench/train.ts) | tag $side
  done
fi
if [[ ,$parts, == *,accuracy,* ]]; then
  for side in before after; do
    echo "# bench:accuracy (side by side, ${BENCH_MAX_STEPS:-300} steps), $side"
    if [[ $side == before ]]; then
      (cd "$before" && BENCH_MAX_STEPS=${BENCH_MAX_STEPS:-300} BENCH_PRESETS=seed,b158-mlp npx tsx bench/accuracy-now.ts) | tag $side
    else
      (cd "$here" && BENCH_MAX_STEPS=${BENCH_MAX_STEPS:-300} BENCH_PRESETS=seed,b158-mlp,mcu-16k npx tsx bench/accuracy.ts) | tag $side
    fi
  done
fi
if [[ ,$parts, == *,kernel,* ]]; then
  echo "# bench:kernel, before"
  (cd "$before" && env -u MNIST_DIR BENCH_STEPS=20 BENCH_PRESETS=seed,b158-mlp npx tsx bench/kernel.ts) | tag before
  # The older browser.ts stopped npx but not always the vite it started, which would keep the port.
  pkill -f "vite preview --port 5197" || true
  echo "# bench:kernel, after"
  (cd "$here" && env -u MNIST_DIR BENCH_STEPS=20 BENCH_PRESETS=seed,b158-mlp,cnn,mcu-16k,mcu-cnn-16k npx tsx bench/kernel.ts) | tag after
fi
