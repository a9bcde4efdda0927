#!/usr/bin/env bash
# NetSVF forward (evaluation mode) and a training step: this project's engine (JMH, BenchReport) and Debian's
# PyTorch (python3-torch) measured back to back in one sitting, twice, on the same machine.
# PyTorch is tuned as the issue describes: 2 threads, OMP_WAIT_POLICY=PASSIVE, jemalloc preloaded with memory
# returned lazily. Needs: apt-get install -y python3-torch libjemalloc2; mvn -q -DskipTests package.
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=notebooks/target/vbp.jar
[[ -f $jar ]] || { echo "build first: mvn -q -DskipTests package" >&2; exit 1; }
jemalloc=$(ls /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 2>/dev/null || true)
threads=${THREADS:-2}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for round in 1 2; do
  echo "== round $round: PyTorch (tuned) =="
  OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE LD_PRELOAD=$jemalloc MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 \
    /usr/bin/python3 notebooks/bench/pytorch_netsvf.py "$threads"
  echo "== round $round: PyTorch (untuned: glibc malloc) =="
  OMP_NUM_THREADS=$threads /usr/bin/python3 notebooks/bench/pytorch_netsvf.py "$threads"
  echo "== round $round: vbp (JMH) =="
  java -Dvbp.threads="$threads" --add-modules jdk.incubator.vector -cp "$jar" org.visualbackprop.bench.BenchReport netsvf ${QUICK:+quick} 2>&1 \
    | grep -v -E '^(# |Iteration|WARNING|$)' | sed -n '/ms per frame/,$p;/GFLOP per frame/p'
done
