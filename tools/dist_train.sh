#!/usr/bin/env bash
# Distributed training with torchrun, as mmagic's tools/dist_train.sh:
#
#   bash tools/dist_train.sh CONFIG NPROC [train.py args]
#
# NPROC processes on this node (one per GPU; on a machine without a GPU they
# train on the CPU with the gloo backend). Multi-node: set NNODES, NODE_RANK,
# MASTER_ADDR and PORT on every node. The batch size in the config is per
# process: N processes with batch B/N train like 1 process with batch B
# (see README, "Distributed training").
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: bash tools/dist_train.sh CONFIG NPROC [train.py args]" >&2
    exit 2
fi
CONFIG=$1
NPROC=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
PYTHON=${PYTHON:-python}
TOOLS=$(cd "$(dirname "$0")" && pwd)

PYTHONPATH="$TOOLS/..${PYTHONPATH:+:$PYTHONPATH}" \
"$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROC" \
    --master_port="$PORT" \
    "$TOOLS/train.py" \
    "$CONFIG" \
    --launcher pytorch "${@:3}"
