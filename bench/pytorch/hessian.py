"""PyTorch's Hessian and Hessian-vector product of the extended Rosenbrock
function at n = 1000, for comparison with backprop's hessian package
(go test ./hessian -bench Rosenbrock). Run it with the reference scripts'
environment (OpenBLAS, 2 threads):

    /usr/bin/python3 bench/pytorch/hessian.py

Prints one JSON record a line, {"task", "tool", "metric", "value"}, the
shape of ../shared/peers/pytorch and of bench/, in seconds (median of 5).
"""
import json, os, statistics, sys, time

import torch

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
torch.set_default_dtype(torch.float64)


def rosenbrock(x):
    a = x[1::2] - x[0::2] * x[0::2]
    b = 1 - x[0::2]
    return (100 * (a * a) + b * b).sum()


def median_time(fn, repeats=5, inner=1):
    fn()
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t) / inner)
    return statistics.median(samples)


def emit(task, metric, value):
    print(json.dumps({"task": task, "tool": "pytorch-%s-%dt" % (torch.__version__, torch.get_num_threads()), "metric": metric, "value": value}), flush=True)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    x = torch.ones(n)
    x[0::2] = 1.2
    v = torch.arange(n, dtype=torch.float64) % 7 - 3
    H = torch.autograd.functional.hessian(rosenbrock, x)
    assert abs(H[0, 0].item() - (1200 * 1.44 - 400 * 1 + 2)) < 1e-9
    emit("rosenbrock_hessian_n%d" % n, "s", median_time(lambda: torch.autograd.functional.hessian(rosenbrock, x)))
    emit("rosenbrock_hessian_vectorize_n%d" % n, "s", median_time(lambda: torch.autograd.functional.hessian(rosenbrock, x, vectorize=True)))
    emit("rosenbrock_hvp_functional_n%d" % n, "s", median_time(lambda: torch.autograd.functional.hvp(rosenbrock, x, v), inner=20))

    def double_backward():
        xr = x.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(rosenbrock(xr), xr, create_graph=True)
        (hv,) = torch.autograd.grad(g, xr, v)
        return hv

    emit("rosenbrock_hvp_n%d" % n, "s", median_time(double_backward, inner=20))


if __name__ == "__main__":
    main()
