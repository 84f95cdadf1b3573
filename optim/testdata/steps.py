# The expected parameters of optim's TestSteps after each of three steps,
# from torch.optim (float64): run with /usr/bin/python3 steps.py.
import torch

grads = [[0.5, 1.0], [-1.0, 2.0], [2.0, 0.0]]
cases = {
    "sgd": lambda p: torch.optim.SGD([p], lr=0.1),
    "sgd/momentum": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9),
    "sgd/dampening": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.5),
    "sgd/nesterov": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True),
    "sgd/decay": lambda p: torch.optim.SGD([p], lr=0.1, weight_decay=0.1),
    "sgd/momentum+decay": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.1),
    "adam": lambda p: torch.optim.Adam([p], lr=0.1),
    "adam/decay": lambda p: torch.optim.Adam([p], lr=0.1, weight_decay=0.1),
    "adamw": lambda p: torch.optim.AdamW([p], lr=0.1, weight_decay=0.1),
    "adamw/betas": lambda p: torch.optim.AdamW([p], lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.5),
}
for name, make in cases.items():
    p = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    opt = make(p)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append("{%s}" % ", ".join(repr(float(x)) for x in p.detach()))
    print('{"%s", [3][2]float64{%s}},' % (name, ", ".join(out)))
