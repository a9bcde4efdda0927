#!/usr/bin/env bash
# The gpu module on the GPU machine (recipe: ../shared/device/README.md): the parity tests on its OpenCL GPU, then
# vbp bench on the GPU (both conv splits) and on Java threads, everything written under $OUT.
#
#   here (the build machine), from the project root:   gpu/bench-on-device.sh prepare
#       builds the modules, collects the runtime and test jars and makes .device/ with ../shared/device/prepare.sh
#       (plus jdk.incubator.vector in the runtime: the Java baseline needs the Vector API)
#   there, as the one prepared command (carry .device, a 600 s limit):  bash gpu/bench-on-device.sh run
#       writes $OUT/devices.txt, $OUT/parity.txt, $OUT/bench-gpu.txt, $OUT/bench-gpu-rows.txt, $OUT/bench-java.txt
#
# Each phase has its own time limit, so that a slow phase cannot cost the others their output; the GPU parts come
# first. Total at most about 9 minutes.
set -euo pipefail
top=$(git rev-parse --show-toplevel 2>/dev/null || (cd "$(dirname "$0")/.." && pwd))
cd "$top"

prepare() {
  rm -rf gpu/target/device-lib
  mvn -q -pl gpu -am -DskipTests package dependency:copy-dependencies -DincludeScope=test -DexcludeGroupIds=net.jqwik \
      -DexcludeArtifactIds=scala-library \
      -DoutputDirectory="$top/gpu/target/device-lib"
  cp gpu/target/vbp-gpu-*-SNAPSHOT.jar gpu/target/device-lib/
  (cd gpu/target/test-classes && jar cf "$top/gpu/target/device-lib/vbp-gpu-tests.jar" .)
  if [[ -d .git ]]; then
    ../shared/device/prepare.sh gpu/target/device-lib
  else
    # a git worktree (.git is a file): prepare.sh writes .git/info/exclude and stops there, so do its steps here
    grep -qx '/.device/' "$(git rev-parse --git-path info/exclude)" 2>/dev/null \
        || echo '/.device/' >> "$(git rev-parse --git-path info/exclude)"
    rm -rf .device && mkdir -p .device/lib
    cp gpu/target/device-lib/*.jar .device/lib/
    for j in .device/lib/aparapi-jni-*.jar; do
      t=$(mktemp -d); (cd "$t" && unzip -q "$top/$j" && rm -rf win osx linux/libaparapi_a* linux/libaparapi_x86.so \
          && rm -f "$top/$j" && zip -q -r "$top/$j" .); rm -rf "$t"
    done
    sed -n '/^cat > .device\/env.sh/,/^ENV$/p' ../shared/device/prepare.sh | sed '1d;$d' > .device/env.sh
  fi
  # the shared recipe's runtime lacks jdk.incubator.vector, which core's matrix kernels use (else the Java baseline
  # would time the scalar fallback), jdk.zipfs, which JUnit uses to read jars, and java.desktop (ImageIO: the parity
  # test on the authors' frames). Aparapi does not use the scala-library it declares: left out (5.7 MiB).
  rm -rf .device/jre
  jlink --add-modules java.base,java.logging,java.management,jdk.unsupported,jdk.incubator.vector,jdk.zipfs,java.desktop \
      --strip-debug --no-header-files --no-man-pages --compress=2 --output .device/jre
  du -sh .device | sed 's/^/size to carry (limit 64 MiB with the rest of the tree): /'
}

run() {
  : "${OUT:?OUT must name the folder for the results}"
  source .device/env.sh
  local java=(.device/jre/bin/java --add-modules jdk.incubator.vector -XX:+UseG1GC -Xmx24g -cp '.device/lib/*')
  # QUICK=1: a short run to try the script (smaller batches, fewer repeats)
  local quick=()
  [[ ${QUICK:-0} == 1 ]] && quick=(--batches 1,4 --repeats 1 --warmup 1)
  local authors=()
  for d in ../shared/authors shared/authors; do
    [[ -f $d/model.t7b ]] && authors=(-Dvbp.authors.dir="$d") && break
  done
  { nvidia-smi -L || true; clinfo -l || true; } > "$OUT/devices.txt" 2>&1
  timeout 150 "${java[@]}" -Dvbp.requireOpenCL=true ${authors[@]+"${authors[@]}"} org.visualbackprop.gpu.DeviceTestRunner \
      > "$OUT/parity.txt" 2>&1 || echo "parity tests: exit status $?" >> "$OUT/parity.txt"
  timeout 150 "${java[@]}" ${authors[@]+"${authors[@]}"} org.visualbackprop.gpu.Bench --device gpu ${quick[@]+"${quick[@]}"} \
      > "$OUT/bench-gpu.txt" 2>&1 || echo "bench: exit status $?" >> "$OUT/bench-gpu.txt"
  timeout 60 "${java[@]}" -Dvbp.opencl.conv=rows org.visualbackprop.gpu.Bench --device gpu --nets netsvf --no-profile ${quick[@]+"${quick[@]}"} \
      > "$OUT/bench-gpu-rows.txt" 2>&1 || echo "bench: exit status $?" >> "$OUT/bench-gpu-rows.txt"
  timeout 180 "${java[@]}" ${authors[@]+"${authors[@]}"} org.visualbackprop.gpu.Bench --device java --repeats 3 --warmup 1 ${quick[@]+"${quick[@]}"} \
      > "$OUT/bench-java.txt" 2>&1 || echo "bench: exit status $?" >> "$OUT/bench-java.txt"
  tail -n 5 "$OUT/parity.txt"; cat "$OUT/bench-gpu.txt"
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: gpu/bench-on-device.sh prepare|run" >&2; exit 2 ;;
esac
