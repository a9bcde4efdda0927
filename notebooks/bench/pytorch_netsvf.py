#!/usr/bin/env python3
"""NetSVF (Table 1) in PyTorch, the peer of BenchReport: forward pass in evaluation mode per frame at batch 1 and 16,
and one training step (forward, MSE, backward, SGD) at batch 16. Random weights; prints one line per measurement.
Run it through compare-pytorch.sh, which sets the threads, OMP_WAIT_POLICY and jemalloc as the issue describes."""
import sys
import time

import torch
import torch.nn as nn


def netsvf():
    layers, c = [], 1
    for i, out in enumerate([32, 32, 48, 48, 64, 64, 96, 96, 128, 128]):
        layers += [nn.BatchNorm2d(c), nn.Conv2d(c, out, 3, stride=1 if i % 2 == 0 else 2), nn.ReLU()]
        c = out
    layers += [nn.Flatten(), nn.Linear(128 * 1 * 17, 1024), nn.ReLU(), nn.Linear(1024, 512), nn.ReLU(), nn.Linear(512, 1)]
    return nn.Sequential(*layers)


def best_median(fn, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    net = netsvf()
    net.eval()
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} threads")
    with torch.no_grad():
        for batch in (1, 16):
            x = torch.rand(batch, 1, 125, 640)
            for _ in range(10):
                net(x)
            reps = 60 if batch == 1 else 15
            t = best_median(lambda: net(x), reps)
            print(f"forward batch {batch}: {1000 * t / batch:.3f} ms per frame")
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=1e-4, momentum=0.9)
    x = torch.rand(16, 1, 125, 640)
    y = torch.rand(16, 1) * 2 - 1

    def step():
        opt.zero_grad()
        loss = nn.functional.mse_loss(net(x), y)
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    t = best_median(step, 8)
    print(f"train step batch 16: {1000 * t:.1f} ms per step ({1000 * t / 16:.2f} ms per frame)")


if __name__ == "__main__":
    main()
