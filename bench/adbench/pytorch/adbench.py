"""ADBench's GMM, BA and LSTM objectives in PyTorch, timed as bench/adbench
times backprop: the same input files, the objective (under no_grad) and its
derivative (forward and backward) in alternating batches, the shortest
wall-clock and CPU time per call kept. Prints one JSON record a line,
{"task", "tool", "metric", "value"}, as `go run ./adbench -json` does.

    ./run.sh [FILES...]     # default: GMM 1k and 10k, BA 1-5, LSTM l2 and l4

Written for backprop's comparison from ADBench's definitions (the files'
formats, ADBench's formulas); not ADBench's own PyTorch module, whose BA
Jacobian loops over observations in Python: here the 2x15 blocks of all
observations come from two backward passes over vectorised residuals.
"""
import json, math, os, sys, time

import numpy as np
import torch

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
torch.set_default_dtype(torch.float64)
TOOL = "pytorch-%s-%dt" % (os.environ.get("OPENBLAS_CORETYPE", "auto").lower(), torch.get_num_threads())
MIN_TIME = float(os.environ.get("MIN_TIME", "0.1"))
NRUNS = int(os.environ.get("NRUNS", "10"))
TIME_LIMIT = float(os.environ.get("TIME_LIMIT", "2"))


def emit(task, metric, value):
    print(json.dumps({"task": task, "tool": TOOL, "metric": metric, "value": value}), flush=True)


def numbers(path):
    with open(path) as f:
        return f.read().split()


# GMM -----------------------------------------------------------------------

def read_gmm(path):
    t = numbers(path)
    d, k, n = int(t[0]), int(t[1]), int(t[2])
    v = np.array(t[3:], dtype=np.float64)
    tri = d * (d + 1) // 2
    a = 0
    alphas = v[a:a + k]; a += k
    means = v[a:a + k * d].reshape(k, d); a += k * d
    icf = v[a:a + k * tri].reshape(k, tri); a += k * tri
    rest = v[a:]
    if len(rest) == d + 2:  # one point, replicated (the 2.5M files)
        x = np.tile(rest[:d], (n, 1))
    else:
        x = rest[:n * d].reshape(n, d)
    return d, k, n, alphas, means, icf, x, rest[-2], rest[-1]


def gmm_setup(d, k):
    """Index maps from an icf row to Q's entries: Q[r, c] = icf[idx[r, c]]."""
    idx = np.zeros((d, d), dtype=np.int64)
    j = d
    for c in range(d):
        idx[c, c] = c
        for r in range(c + 1, d):
            idx[r, c] = j
            j += 1
    low = np.tril(np.ones((d, d)), -1)
    return torch.tensor(idx.reshape(-1)), torch.tensor(low), torch.eye(d)


def gmm_objective(alphas, means, icf, x, gamma, m, maps):
    idx, low, eye = maps
    n, d = x.shape
    k = alphas.shape[0]
    logdiag = icf[:, :d]
    entries = icf[:, idx].reshape(k, d, d)
    q = entries * low + torch.diag_embed(torch.exp(logdiag))  # K x d x d, lower-triangular
    centred = x.unsqueeze(1) - means.unsqueeze(0)  # n x K x d
    qx = torch.einsum("krc,nkc->nkr", q, centred)
    inner = alphas + logdiag.sum(1) - 0.5 * (qx * qx).sum(2)
    lse = torch.logsumexp(inner, 1).sum()
    nn_ = d + m + 1
    c = nn_ * d * math.log(gamma / math.sqrt(2))
    lgd = d * (d - 1) / 4 * math.log(math.pi) + sum(math.lgamma(0.5 * nn_ - 0.5 * j) for j in range(d))
    prior = 0.5 * gamma * gamma * (q * q).sum() - m * logdiag.sum() - k * (c - lgd)
    return -n * d * 0.5 * math.log(2 * math.pi) + lse - n * torch.logsumexp(alphas, 0) + prior


def run_gmm(path, task):
    d, k, n, alphas, means, icf, x, gamma, m = read_gmm(path)
    maps = gmm_setup(d, k)
    params = [torch.tensor(a, requires_grad=True) for a in (alphas, means, icf)]
    xt = torch.tensor(x)

    def objective():
        with torch.no_grad():
            return gmm_objective(*params, xt, gamma, m, maps)

    def derivative():
        for p in params:
            p.grad = None
        f = gmm_objective(*params, xt, gamma, m, maps)
        f.backward()
        return f

    f = derivative()
    emit(task, "objective", f.item())
    emit(task, "gradient", torch.cat([p.grad.reshape(-1) for p in params]).tolist())
    timed(task, objective, derivative)


# BA ------------------------------------------------------------------------

def read_ba(path):
    t = numbers(path)
    n, m, p = int(t[0]), int(t[1]), int(t[2])
    v = np.array(t[3:3 + 17], dtype=np.float64)
    return n, m, p, v[:11], v[11:14], v[14], v[15:17]


def rodrigues(rot, pt):
    sq = (rot * rot).sum(1, keepdim=True)
    theta = torch.sqrt(sq)
    cos, sin = torch.cos(theta), torch.sin(theta)
    w = rot / theta
    cross = torch.cross(w, pt, dim=1)
    dot = (w * pt).sum(1, keepdim=True)
    rotated = pt * cos + cross * sin + w * dot * (1 - cos)
    small = pt + torch.cross(rot, pt, dim=1)  # ADBench's branch for theta = 0
    return torch.where(sq != 0, rotated, small)


def ba_residuals(cams, X, w, feats):
    p = rodrigues(cams[:, 0:3], X - cams[:, 3:6])
    proj = p[:, 0:2] / p[:, 2:3]
    rsq = (proj * proj).sum(1, keepdim=True)
    proj = proj * (1 + cams[:, 9:10] * rsq + cams[:, 10:11] * rsq * rsq)
    proj = proj * cams[:, 6:7] + cams[:, 7:9]
    return w.unsqueeze(1) * (proj - feats)


def run_ba(path, task):
    n, m, p, cam, x, w, feat = read_ba(path)
    obs_cam, obs_pt = np.arange(p) % n, np.arange(p) % m
    cams = torch.tensor(np.tile(cam, (n, 1)))
    X = torch.tensor(np.tile(x, (m, 1)))
    wt = torch.full((p,), float(w))
    feats = torch.tensor(np.tile(feat, (p, 1)))
    ci, pi = torch.tensor(obs_cam), torch.tensor(obs_pt)
    # The CSR structure, as the Jacobian writes it.
    wcol = 11 * n + 3 * m
    cols = np.concatenate([11 * obs_cam[:, None] + np.arange(11), wcol - 3 * m + 3 * obs_pt[:, None] + np.arange(3), (wcol + np.arange(p))[:, None]], 1)
    vals = np.zeros((p, 2, 15))

    def objective():
        with torch.no_grad():
            r = ba_residuals(cams[ci], X[pi], wt, feats)
            return r, 1 - wt * wt

    def derivative():
        # Each observation's inputs as leaves of their own, so that the
        # gradient of a sum of residuals is every observation's block row.
        c, xx, ww = cams[ci].requires_grad_(), X[pi].requires_grad_(), wt.clone().requires_grad_()
        r = ba_residuals(c, xx, ww, feats)
        for row in range(2):
            g = torch.autograd.grad(r[:, row].sum(), (c, xx, ww), retain_graph=row == 0)
            vals[:, row, :11] = g[0].numpy()
            vals[:, row, 11:14] = g[1].numpy()
            vals[:, row, 14] = g[2].numpy()
        jw = -2 * ww.detach().numpy()
        rows = np.concatenate([np.arange(0, 30 * p + 1, 15), 30 * p + np.arange(1, p + 1)])
        return rows, np.repeat(cols, 2, 0), vals, jw

    r, we = objective()
    derivative()
    emit(task, "objective", [r[0, 0].item(), r[0, 1].item(), we[0].item()])
    emit(task, "gradient", vals[0].reshape(-1).tolist() + [-2 * float(w)])
    timed(task, objective, derivative)


# LSTM ----------------------------------------------------------------------

def read_lstm(path):
    t = numbers(path)
    l, c, b = int(t[0]), int(t[1]), int(t[2])
    v = np.array(t[3:], dtype=np.float64)
    a = 0
    main = v[a:a + 8 * l * b].reshape(2 * l, 4 * b); a += 8 * l * b
    extra = v[a:a + 3 * b].reshape(3, b); a += 3 * b
    state = v[a:a + 2 * l * b].reshape(2 * l, b); a += 2 * l * b
    seq = v[a:a + c * b].reshape(c, b)
    return l, c, b, main, extra, state, seq


def lstm_objective(main, extra, state, seq):
    l = main.shape[0] // 2
    b = seq.shape[1]
    hidden = [state[2 * i] for i in range(l)]
    cell = [state[2 * i + 1] for i in range(l)]
    total = 0.0
    for t in range(seq.shape[0] - 1):
        x = seq[t] * extra[0]
        for i in range(l):
            w, bias = main[2 * i], main[2 * i + 1]
            forget = torch.sigmoid(x * w[:b] + bias[:b])
            ingate = torch.sigmoid(hidden[i] * w[b:2 * b] + bias[b:2 * b])
            outgate = torch.sigmoid(x * w[2 * b:3 * b] + bias[2 * b:3 * b])
            change = torch.tanh(hidden[i] * w[3 * b:] + bias[3 * b:])
            cell[i] = cell[i] * forget + ingate * change
            hidden[i] = outgate * torch.tanh(cell[i])
            x = hidden[i]
        y = x * extra[1] + extra[2]
        ynorm = y - torch.log(torch.exp(y).sum() + 2)
        total = total + (seq[t + 1] * ynorm).sum()
    return -total / ((seq.shape[0] - 1) * b)


def run_lstm(path, task):
    l, c, b, main, extra, state, seq = read_lstm(path)
    params = [torch.tensor(main, requires_grad=True), torch.tensor(extra, requires_grad=True)]
    st, sq = torch.tensor(state), torch.tensor(seq)

    def objective():
        with torch.no_grad():
            return lstm_objective(*params, st, sq)

    def derivative():
        for p in params:
            p.grad = None
        f = lstm_objective(*params, st, sq)
        f.backward()
        return f

    f = derivative()
    emit(task, "objective", f.item())
    emit(task, "gradient", torch.cat([p.grad.reshape(-1) for p in params]).tolist())
    timed(task, objective, derivative)


# Timing ----------------------------------------------------------------------

def timed(task, objective, derivative):
    def batch(f, n):
        t, u = time.perf_counter(), time.process_time()
        for _ in range(n):
            f()
        return time.perf_counter() - t, time.process_time() - u

    def repeats(f):
        n = 1
        while True:
            w, c = batch(f, n)
            if (w >= MIN_TIME and c >= MIN_TIME) or n >= 1 << 30:
                return n, w / n, c / n
            n *= 2

    no, wo, co = repeats(objective)
    nd, wd, cd = repeats(derivative)
    so = sd = 0.0
    for _ in range(NRUNS):
        if so >= TIME_LIMIT and sd >= TIME_LIMIT:
            break
        if so < TIME_LIMIT:
            w, c = batch(objective, no)
            so += w
            wo, co = min(wo, w / no), min(co, c / no)
        if sd < TIME_LIMIT:
            w, c = batch(derivative, nd)
            sd += w
            wd, cd = min(wd, w / nd), min(cd, c / nd)
    for metric, v in (("objective_s", wo), ("derivative_s", wd), ("ratio", wd / wo),
                      ("objective_cpu_s", co), ("derivative_cpu_s", cd), ("cpu_ratio", cd / co),
                      ("load", " ".join(open("/proc/loadavg").read().split()[:3]))):
        emit(task, metric, v)


def task_name(path):
    parts = os.path.normpath(path).replace(os.sep, "/").rsplit(".", 1)[0].split("/")
    for k in range(len(parts) - 2, -1, -1):
        if parts[k] in ("gmm", "ba", "lstm"):
            return "/".join(parts[k:]), parts[k]
    raise SystemExit("%s: cannot tell the problem" % path)


def main(files):
    for path in files:
        task, kind = task_name(path)
        print("adbench.py: %s" % task, file=sys.stderr, flush=True)
        {"gmm": run_gmm, "ba": run_ba, "lstm": run_lstm}[kind](path, task)


if __name__ == "__main__":
    main(sys.argv[1:])
