#!/usr/bin/env bash
# How fast fresh large buffers fill under glibc's default, with the mmap threshold the engine fixes (2 MiB), and
# with transparent huge pages on top (what BufferPool.adviseHugePages asks for; glibc.malloc.hugetlb=1 here).
#   benchmarks/fresh_buffers.sh [repeats, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(mktemp -d)/fresh_buffers
trap 'rm -rf "$(dirname "$BIN")"' EXIT
gcc -O2 benchmarks/fresh_buffers.c -o "$BIN"
echo "THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo absent)"
for i in $(seq "${1:-3}"); do
  for t in "" glibc.malloc.mmap_threshold=2097152 glibc.malloc.mmap_threshold=2097152:glibc.malloc.hugetlb=1; do
    printf '%-62s ' "GLIBC_TUNABLES=${t:-(default)}"; env -u GLIBC_TUNABLES ${t:+GLIBC_TUNABLES=$t} "$BIN"
  done
done
