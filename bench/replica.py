"""PyTorch replica of the playground's QAT for fully connected ternary MLPs on the 16x16 input (mcu-16k recipe).

Same quantizers as src/train/quantizers.ts: absmean ternary per output unit (threshold t*mean|w|, scale mean|w|),
STE with clip 1; per-sample 8-bit absmax activations (identity STE) before every layer; batch norm (batch stats,
momentum 0.9, eps 1e-5) after every layer, the output too; ReLU; Adam (0.9, 0.999, 1e-7) with the rate cosine-annealed
to 0 per step; augmentation by bilinear affine (shift, rotation, scale about the centre) on the 28x28 image, rounded,
then the integer 16x16 area average; batch norm recalibrated on the training set at the end.

Not part of the playground or its tests: a check, run on a borrowed GPU (PyTorch with CUDA), to sweep shapes and
recipes faster than Node can; its figures are in the README (Fitting a microcontroller), and the tfjs runs of
bench:mcu confirm the ones the presets use.

usage: MNIST_DIR=DIR python3 bench/replica.py NAME WIDTHS SEED [EPOCHS] [key=value ...]
  WIDTHS: hidden layers, e.g. 128-128-64, or 144t-64i4 (t ternary, i4 int4); key=value: lr, t, shift, rot, scale,
  batch, clip, outInt4=1 (int4 output layer), steps (stop early), evalEvery (epochs between test evaluations).
Prints one JSON line per evaluation and one at the end, after batch norm is recalibrated.
"""
import gzip, json, math, os, re, sys, time
import numpy as np
import torch
import torch.nn.functional as F

DATA = os.environ.get('MNIST_DIR', '../shared/data/mnist') + '/'


def idx(path):
    raw = gzip.open(DATA + path, 'rb').read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def area_matrix():
    # A[o, i]: overlap in quarter pixels of reduced pixel o with image pixel i (0..4), rows sum to 7.
    a = np.zeros((16, 28), dtype=np.float32)
    for o in range(16):
        for i in range(28):
            a[o, i] = max(0, min(7 * (o + 1), 4 * (i + 1)) - max(7 * o, 4 * i))
    return a


def main():
    name, seed = sys.argv[1], int(sys.argv[3])
    # widths like 144t-64i4 (t: ternary, i4: int4; bare numbers are ternary)
    specs = [(int(re.match(r'(\d+)', w).group(1)), 'int4' if w.endswith('i4') else 'ternary') for w in sys.argv[2].split('-')]
    widths = [w for w, _ in specs]
    epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 60
    opts = dict(outInt4=0, lr=0.003, t=0.5, shift=1.0, rot=5.0, scale=0.05, batch=128, clip=1.0, steps=0, evalEvery=0)
    for kv in sys.argv[5:]:
        k, v = kv.split('=')
        opts[k] = float(v)
    dev = torch.device('cuda')
    torch.manual_seed(seed)
    gen = torch.Generator(device=dev)
    gen.manual_seed(seed)
    xtr = torch.tensor(idx('train-images-idx3-ubyte.gz'), device=dev, dtype=torch.float32)
    ytr = torch.tensor(idx('train-labels-idx1-ubyte.gz').astype(np.int64), device=dev)
    xte = torch.tensor(idx('t10k-images-idx3-ubyte.gz'), device=dev, dtype=torch.float32)
    yte = torch.tensor(idx('t10k-labels-idx1-ubyte.gz').astype(np.int64), device=dev)
    A = torch.tensor(area_matrix(), device=dev)

    def reduce16(img28):  # (B, 28, 28) float integers 0..255 -> (B, 256) in [0, 1]
        s = A @ img28 @ A.T
        return (torch.floor((s + 24) / 49) / 255).reshape(-1, 256)

    # grid for the affine: pixel coordinates of the output (28x28)
    ys, xs = torch.meshgrid(torch.arange(28, device=dev, dtype=torch.float32), torch.arange(28, device=dev, dtype=torch.float32), indexing='ij')
    c = 13.5

    def augment(img28):
        b = img28.shape[0]
        u = lambda: 2 * torch.rand(b, device=dev, generator=gen) - 1
        dx, dy = u() * opts['shift'], u() * opts['shift']
        ang = u() * opts['rot'] * math.pi / 180
        sc = 1 + u() * opts['scale']
        cos, sin = (torch.cos(ang) / sc)[:, None, None], (torch.sin(ang) / sc)[:, None, None]
        ux = xs[None] - c - dx[:, None, None]
        uy = ys[None] - c - dy[:, None, None]
        sx = cos * ux + sin * uy + c
        sy = -sin * ux + cos * uy + c
        grid = torch.stack([sx / 13.5 - 1, sy / 13.5 - 1], dim=-1)  # align_corners=True: -1 -> pixel 0, +1 -> 27
        out = F.grid_sample(img28[:, None], grid, mode='bilinear', padding_mode='zeros', align_corners=True)[:, 0]
        return torch.round(out)

    sizes = [256] + widths + [10]
    Ws, bs, gammas, betas, rmeans, rvars = [], [], [], [], [], []
    for i in range(len(sizes) - 1):
        k, n = sizes[i], sizes[i + 1]
        Ws.append((torch.randn(k, n, device=dev, generator=gen) * math.sqrt(2 / k)).requires_grad_())
        bs.append(torch.zeros(n, device=dev, requires_grad=True))
        gammas.append(torch.ones(n, device=dev, requires_grad=True))
        betas.append(torch.zeros(n, device=dev, requires_grad=True))
        rmeans.append(torch.zeros(n, device=dev))
        rvars.append(torch.ones(n, device=dev))
    params = Ws + bs + gammas + betas
    opt = torch.optim.Adam(params, lr=opts['lr'], betas=(0.9, 0.999), eps=1e-7)

    class Ternary(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w):
            a = w.abs()
            m = a.mean(0, keepdim=True)
            ctx.save_for_backward(a)
            return torch.sign(w) * (a > opts['t'] * m).float() * m

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * (a <= opts['clip']).float()

    class Int4(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w):
            a = w.abs()
            ctx.save_for_backward(a)
            step = a.mean(0, keepdim=True) / 2
            safe = torch.where(step == 0, torch.ones_like(step), step)
            codes = 2 * torch.clamp(torch.round(w / safe - 0.5), -8, 7) + 1
            return codes * (step / 2)

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * (a <= opts['clip']).float()

    formats = [f for _, f in specs] + ['int4' if opts['outInt4'] else 'ternary']

    class Absmax8(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            gmax = x.abs().amax(1, keepdim=True).clamp_min(1e-12)
            return torch.clamp(torch.round(x * (127 / gmax)), -127, 127) * (gmax / 127)

        @staticmethod
        def backward(ctx, g):
            return g

    def forward(x, mode):  # mode: 'train', 'eval', or 'calib' (batch stats, returns per-layer (mean, meansq))
        stats = []
        for i in range(len(Ws)):
            q = Absmax8.apply(x)
            z = q @ (Int4.apply(Ws[i]) if formats[i] == 'int4' else Ternary.apply(Ws[i])) + bs[i]
            if mode == 'eval':
                mean, var = rmeans[i], rvars[i]
            else:
                mean = z.mean(0)
                var = z.var(0, unbiased=False)
                if mode == 'train':
                    with torch.no_grad():
                        rmeans[i].mul_(0.9).add_(0.1 * mean.detach())
                        rvars[i].mul_(0.9).add_(0.1 * var.detach())
                else:
                    stats.append((mean.detach(), (z * z).mean(0).detach()))
            z = (z - mean) * torch.rsqrt(var + 1e-5) * gammas[i] + betas[i]
            x = torch.relu(z) if i + 1 < len(Ws) else z
        return x, stats

    def test_accuracy():
        with torch.no_grad():
            logits, _ = forward(reduce16(xte), 'eval')
            return (logits.argmax(1) == yte).float().mean().item()

    n = xtr.shape[0]
    per_epoch = math.ceil(n / int(opts['batch']))
    total = per_epoch * epochs if opts['steps'] == 0 else int(opts['steps'])
    step, started = 0, time.time()
    for epoch in range(epochs):
        perm = torch.randperm(n, device=dev, generator=gen)
        for s in range(per_epoch):
            if step >= total:
                break
            idx_b = perm[s * int(opts['batch']):(s + 1) * int(opts['batch'])]
            x = reduce16(augment(xtr[idx_b]))
            lr = opts['lr'] * 0.5 * (1 + math.cos(math.pi * min(1, step / max(1, total - 1))))
            for g in opt.param_groups:
                g['lr'] = lr
            logits, _ = forward(x, 'train')
            loss = F.cross_entropy(logits, ytr[idx_b])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
        if opts['evalEvery'] and (epoch + 1) % int(opts['evalEvery']) == 0:
            print(json.dumps({'name': name, 'seed': seed, 'epoch': epoch + 1, 'test': round(test_accuracy() * 100, 2), 's': round(time.time() - started)}), flush=True)
        if step >= total:
            break
    before = test_accuracy()
    # precise BN: population statistics of every layer over the training set, un-augmented, in chunks of 1000
    with torch.no_grad():
        sums = None
        for s in range(0, n, 1000):
            _, stats = forward(reduce16(xtr[s:s + 1000]), 'calib')
            sums = stats if sums is None else [(a + m, b + q) for (a, b), (m, q) in zip(sums, stats)]
        chunks = math.ceil(n / 1000)
        for i, (m, q) in enumerate(sums):
            rmeans[i] = m / chunks
            rvars[i] = (q / chunks - (m / chunks) ** 2).clamp_min(0)
    trits = sum(w.numel() for w in Ws)
    print(json.dumps({'name': name, 'widths': sys.argv[2], 'seed': seed, 'epochs': epochs, 'trits': trits, 'final': round(test_accuracy() * 100, 2),
                      'beforeRecal': round(before * 100, 2), 'opts': opts, 's': round(time.time() - started)}), flush=True)


if __name__ == '__main__':
    main()
