#!/bin/bash
# The prepared device script (copied to .device-kit/run.sh by `npm run device-kit`; build.ts says what the kit holds).
# On the lent GPU machine, from the repo root:  bash .device-kit/run.sh        (carry: [".device-kit"])
# Here, as a rehearsal on this machine's adapter: OUT=/tmp/kit-out bash .device-kit/run.sh --quick
# It unpacks the kit with Python, points Dawn at the NVIDIA Vulkan driver, and runs the bench (TF.js WebGPU beside
# us, both GEMM variants for the training steps) and the per-dispatch profiles, each step under its own time limit
# so that one hang leaves time for the rest: about 9 minutes at most in all. Files land in $OUT (at most 8).
set -u
OUT=${OUT:-/tmp/aom-kit-out}
mkdir -p "$OUT"
KIT=/tmp/aom-kit
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$KIT"
python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$here/kit.tar.xz" "$KIT" || { echo "cannot unpack $here/kit.tar.xz"; exit 1; }

export LD_LIBRARY_PATH="$KIT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
quick=0
[ "${1:-}" = "--quick" ] && quick=1
if [ $quick = 0 ]; then
  # Leave Vulkan's driver discovery to the GPU (src/gpu/vulkan-env-node.ts), and name NVIDIA's driver where it is.
  export AOM_GPU=hardware
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_ICD_FILENAMES="$icd" VK_DRIVER_FILES="$icd"; break; fi
  done
fi

log="$OUT/log.txt"
: > "$log"
# cli SECONDS NAME ARGS...: one CLI run, stdout to $OUT/NAME, stderr to the log, both limited in time.
cli() {
  local limit=$1 name=$2
  shift 2
  echo "== $(date +%T) $name: aom-studio $* (limit ${limit}s)" >> "$log"
  (cd "$KIT" && timeout "$limit" "$KIT/bin/node" "$KIT/src/cli/aom-studio.mjs" "$@") > "$OUT/$name" 2>> "$log"
  echo "== exit $? after step $name" >> "$log"
}

{
  date -u
  uname -a
  command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv
  echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-unset}"
  "$KIT/bin/node" --version
} > "$OUT/environment.txt" 2>&1

if [ $quick = 1 ]; then
  cli 300 bench-quick.json bench --json --filter 'conv forward 64x28x28x1' --peers webgpu --repetitions 1
  cli 300 profile-mnist-ref.txt bench --profile mnist-ref
else
  cli 170 bench-train.json bench --json --filter 'train step' --peers webgpu
  cli 130 bench-conv.json bench --json --filter 'conv' --peers webgpu
  cli 60 bench-dense.json bench --json --filter 'dense' --peers webgpu
  AOM_KERNELS=lavapipe cli 80 bench-train-lavapipe-kernels.json bench --json --filter 'train step' --peers none
  cli 45 profile-cifar-ref.txt bench --profile cifar-ref
  cli 45 profile-mnist-ref.txt bench --profile mnist-ref
fi
cat "$log"
