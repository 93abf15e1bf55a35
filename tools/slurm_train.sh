#!/usr/bin/env bash
# SLURM training, as mmagic's tools/slurm_train.sh:
#
#   GPUS=8 bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [args]
#
# GPUS (total), GPUS_PER_NODE, CPUS_PER_TASK and SRUN_ARGS from the
# environment. GPUS=0 trains on CPUs (gloo backend): NTASKS processes,
# NTASKS_PER_NODE per node.
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args]" >&2
    exit 2
fi
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
PYTHON=${PYTHON:-python}
TOOLS=$(cd "$(dirname "$0")" && pwd)
GRES=""
if [ "$GPUS" -gt 0 ]; then
    GRES="--gres=gpu:${GPUS_PER_NODE}"
    NTASKS=${NTASKS:-$GPUS}
    NTASKS_PER_NODE=$GPUS_PER_NODE
else
    NTASKS=${NTASKS:-1}
    NTASKS_PER_NODE=${NTASKS_PER_NODE:-1}
fi

PYTHONPATH="$TOOLS/..${PYTHONPATH:+:$PYTHONPATH}" \
srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    ${GRES} \
    --ntasks="${NTASKS}" \
    --ntasks-per-node="${NTASKS_PER_NODE}" \
    --cpus-per-task="${CPUS_PER_TASK}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    "$PYTHON" -u "$TOOLS/train.py" "${CONFIG}" --work-dir="${WORK_DIR}" \
    --launcher="slurm" "${@:5}"
