#!/usr/bin/env bash
# Times ADBench's three problems with PyTorch (Debian's python3-torch on
# OpenBLAS, 2 threads) on the inputs given, or a default set: one JSON
# record a line on standard output. Run it next to `go run ./adbench`: on a
# shared machine only ratios measured side by side mean anything.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${ADBENCH_DATA:-$here/../../../../shared/adbench/data}"
PY=/usr/bin/python3
ML=/usr/lib/x86_64-linux-gnu
if ! $PY -c 'import torch, numpy' 2>/dev/null; then
  echo "run.sh: PyTorch is missing: ../../../../shared/peers/pytorch/run.sh installs it (Debian's python3-torch)" >&2
  exit 1
fi
# Debian's default libblas.so.3 is the netlib reference BLAS: pin OpenBLAS,
# and name its kernel for this CPU (0.3.21 does not recognise every Xeon).
if [ -e "$ML/openblas-openmp/libblas.so.3" ]; then
  export LD_LIBRARY_PATH="$ML/openblas-openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
export OMP_NUM_THREADS=${THREADS:-2}
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  if grep -qw avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX
  elif grep -qw avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell; fi
fi
if [ $# -eq 0 ]; then
  set -- "$data"/gmm/1k/*.txt "$data"/gmm/10k/*.txt "$data"/ba/ba{1,2,3,4,5}_*.txt "$data"/lstm/*.txt
fi
exec $PY "$here/adbench.py" "$@"
