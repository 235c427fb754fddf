#!/bin/bash
# A sharded Tempest batch as a Slurm job array, then a merge.
#
# Each array task runs one shard of a 100,000-run batch of the baseline:
# tempest reads SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and
# SLURM_ARRAY_TASK_COUNT, so no --shard flag is needed. Results go to a
# shared directory; the merge job runs after every task has succeeded.
#
# Use it, from the repository root on the cluster (with ./tempest built by
# `make build`, the same binary for every task):
#   sbatch configs/distributed/tempest-slurm.sh
# which submits the array and a dependent merge job. The merged directory
# has the same bytes as the batch run on one machine (apart from timing
# fields in manifest.json).
#SBATCH --job-name=tempest-baseline
#SBATCH --array=0-15
#SBATCH --cpus-per-task=2
#SBATCH --mem=512M
#SBATCH --time=01:00:00
#SBATCH --output=results/slurm-%A_%a.out

set -euo pipefail
RESULTS=${RESULTS:-results}
mkdir -p "$RESULTS"

if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
	# One shard.
	./tempest run configs/baseline.toml --runs 100000 --seed 20261122 --quiet \
		--workers "${SLURM_CPUS_PER_TASK:-2}" --out "$RESULTS/part-$SLURM_ARRAY_TASK_ID"
	# The last task to start submits the merge, after the whole array.
	if [ "$SLURM_ARRAY_TASK_ID" = "$SLURM_ARRAY_TASK_MAX" ]; then
		sbatch --dependency=afterok:"$SLURM_ARRAY_JOB_ID" --job-name=tempest-merge \
			--output="$RESULTS/merge.out" --wrap "./tempest merge $RESULTS/part-* --out $RESULTS/all"
	fi
fi
