#!/usr/bin/env bash
# Executes the project's Jupyter notebooks headless on a Java kernel (rapaio-jupyter-kernel, from Maven Central).
#
#   notebooks/jupyter/run-notebooks.sh [--quick] [--no-fix] [--setup-only] [NOTEBOOK...]
#
# Needs `mvn -DskipTests package` first (it makes notebooks/target/vbp.jar and fetches the kernel jar into
# notebooks/target/jupyter/), a JDK 17+ (the kernel evaluates cells with JShell) and /usr/bin/jupyter with nbconvert
# (Debian: apt-get install --no-install-recommends jupyter-nbconvert).
#
# What it does:
#  - compiles notebooks/jupyter/fix/ (a replacement for the kernel's LoopThread that removes a start-up race) into
#    target/jupyter/fix-classes/, and writes the kernel spec target/jupyter/kernels/vbp-java/kernel.json: the kernel's
#    JVM gets --add-modules jdk.incubator.vector (cells run in that JVM, so the Vector API matrix kernels are used),
#    the fix classes before the kernel jar, and RJK_CLASSPATH = target/vbp.jar (every project class, no magics);
#  - points JUPYTER_PATH, JUPYTER_CONFIG_DIR, JUPYTER_DATA_DIR and JUPYTER_RUNTIME_DIR into target/jupyter/, so it
#    neither reads nor writes anything under $HOME;
#  - executes each notebook (default: every notebooks/*.ipynb) into target/executed/NAME.ipynb and NAME.html, plus
#    NAME.log (nbconvert's and the kernel's output); the committed notebooks are never modified;
#  - exits 1 when a cell fails (naming the notebook, the cell and the error), 2 on a usage or set-up error.
#    A kernel that fails to start is retried once, and the retry is reported.
#
# Options:
#   --quick       export VBP_QUICK=1: notebook cells read it and run at reduced size (what CI runs)
#   --no-fix      use kernel vbp-java-nofix, without the LoopThread fix (for measuring the start-up race)
#   --setup-only  write the kernel spec and print how to use it interactively; run nothing
# Environment: VBP_NB_CELL_TIMEOUT (seconds per cell, default 900), VBP_NB_STARTUP_TIMEOUT (seconds for the kernel
# to answer, default 60), JUPYTER (default /usr/bin/jupyter), JAVA_HOME (else the java on PATH).
set -uo pipefail

quick=0
fix=1
setup_only=0
notebooks=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --no-fix) fix=0 ;;
    --setup-only) setup_only=1 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run-notebooks: unknown option $arg (try --help)" >&2; exit 2 ;;
    *) notebooks+=("$arg") ;;
  esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
module=$(dirname "$here")
target="$module/target"
home="$target/jupyter"
executed="$target/executed"
jar="$target/vbp.jar"
jupyter=${JUPYTER:-/usr/bin/jupyter}
cell_timeout=${VBP_NB_CELL_TIMEOUT:-900}
startup_timeout=${VBP_NB_STARTUP_TIMEOUT:-60}

die() { echo "run-notebooks: $*" >&2; exit 2; }
[[ -n "${EPOCHREALTIME:-}" ]] || die "needs bash 5 or newer (for EPOCHREALTIME), this is bash $BASH_VERSION"

# --- the JDK --------------------------------------------------------------------------------------------------------
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java=$(command -v java) || die "no java on PATH and no JAVA_HOME: a JDK 17 or newer is needed"
  java=$(readlink -f "$java")
fi
javac="$(dirname "$java")/javac"
[[ -x "$javac" ]] || die "$java is not part of a JDK (no javac beside it); the kernel needs a full JDK (JShell)"
modules=$("$java" --list-modules 2>/dev/null)
grep -q '^jdk.jshell@' <<<"$modules" || die "$java has no jdk.jshell module; the kernel needs a full JDK"
grep -q '^jdk.incubator.vector@' <<<"$modules" || die "$java has no jdk.incubator.vector module (JDK 17+ needed)"

# --- what Maven built -----------------------------------------------------------------------------------------------
[[ -f "$jar" ]] || die "$jar is missing: run 'mvn -DskipTests package' in the project root first"
shopt -s nullglob
kernel_jars=("$home"/rapaio-jupyter-kernel-*.jar)
shopt -u nullglob
[[ ${#kernel_jars[@]} -eq 1 ]] || die "expected one rapaio-jupyter-kernel-*.jar in $home (maven-dependency-plugin puts it there during 'mvn package'), found ${#kernel_jars[@]}"
kernel_jar="${kernel_jars[0]}"

# --- the LoopThread fix ---------------------------------------------------------------------------------------------
fix_src="$here/fix/org/rapaio/jupyter/kernel/channels/LoopThread.java"
fix_classes="$home/fix-classes"
fix_class="$fix_classes/org/rapaio/jupyter/kernel/channels/LoopThread.class"
if [[ $fix -eq 1 && ( ! -f "$fix_class" || "$fix_src" -nt "$fix_class" || "$kernel_jar" -nt "$fix_class" ) ]]; then
  rm -rf "$fix_classes"
  mkdir -p "$fix_classes"
  "$javac" --release 17 -nowarn -cp "$kernel_jar" -d "$fix_classes" "$fix_src" \
    || die "could not compile $fix_src against $kernel_jar"
fi

# --- the kernel spec ------------------------------------------------------------------------------------------------
json() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
if [[ $fix -eq 1 ]]; then
  kernel=vbp-java
  display="Java (VisualBackProp)"
  classpath="$fix_classes:$kernel_jar"
else
  kernel=vbp-java-nofix
  display="Java (VisualBackProp, no start-up fix)"
  classpath="$kernel_jar"
fi
spec_dir="$home/kernels/$kernel"
mkdir -p "$spec_dir"
cat >"$spec_dir/kernel.json" <<EOF
{
  "argv": [$(json "$java"), "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true", "-Xss4m",
           "-cp", $(json "$classpath"), "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"],
  "display_name": $(json "$display"),
  "language": "java",
  "interrupt_mode": "message",
  "env": {
    "RJK_CLASSPATH": $(json "$jar"),
    "RJK_TIMEOUT_MILLIS": "-1",
    "RJK_COMPILER_OPTIONS": "",
    "RJK_INIT_SCRIPT": ""
  }
}
EOF

export JUPYTER_PATH="$home"
export JUPYTER_CONFIG_DIR="$home/config"
export JUPYTER_DATA_DIR="$home/data"
export JUPYTER_RUNTIME_DIR="$home/runtime"
mkdir -p "$JUPYTER_CONFIG_DIR" "$JUPYTER_DATA_DIR" "$JUPYTER_RUNTIME_DIR"

if [[ $setup_only -eq 1 ]]; then
  echo "kernel spec: $spec_dir/kernel.json"
  echo "to use it interactively:  JUPYTER_PATH=$home jupyter notebook $module   (kernel \"$display\")"
  exit 0
fi

[[ -x "$jupyter" ]] || die "$jupyter not found: install nbconvert (Debian: apt-get install --no-install-recommends jupyter-nbconvert) or set JUPYTER"
python=$(head -1 "$jupyter" | sed -n 's/^#! *\([^ ]*\).*/\1/p')
[[ -x "$python" ]] || python=/usr/bin/python3

if [[ ${#notebooks[@]} -eq 0 ]]; then
  shopt -s nullglob
  notebooks=("$module"/*.ipynb)
  shopt -u nullglob
  [[ ${#notebooks[@]} -gt 0 ]] || die "no notebooks in $module"
fi
if [[ $quick -eq 1 ]]; then
  export VBP_QUICK=1
else
  unset VBP_QUICK
fi
mkdir -p "$executed"

# Prints "cell N: ENAME: EVALUE" for every cell of an executed notebook with an error output (exit 1 if any).
errors_in() {
  "$python" - "$1" <<'PY'
import json, re, sys
nb = json.load(open(sys.argv[1], encoding="utf-8"))
bad = 0
code = 0
for i, cell in enumerate(nb.get("cells", []), 1):
    if cell.get("cell_type") != "code":
        continue
    code += 1
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            bad += 1
            src = "".join(cell.get("source", "")).strip().splitlines()
            first = src[0] if src else ""
            lines = [re.sub(r"\x1b\[[0-9;]*m", "", t).strip() for t in out.get("traceback", [])]
            detail = " | ".join(t for t in lines if t) or str(out.get("evalue", ""))
            print(f"  cell {i} (code cell {code}, starting '{first[:60]}'): {out.get('ename', '')}: {detail[:400]}")
            break
sys.exit(1 if bad else 0)
PY
}

# nbclient's messages when the kernel never answered its kernel_info_request (not a failing cell)
start_failure="Kernel didn't respond in|Kernel died before replying to kernel_info"
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
failed=()
total_start=$EPOCHREALTIME
for nb in "${notebooks[@]}"; do
  [[ -f "$nb" ]] || { echo "run-notebooks: no such notebook: $nb" >&2; failed+=("$nb"); continue; }
  name=$(basename "$nb" .ipynb)
  log="$executed/$name.log"
  out="$executed/$name.ipynb"
  rm -f "$out" "$executed/$name.html"
  attempt=1
  while :; do
    t0=$EPOCHREALTIME
    "$jupyter" nbconvert --to notebook --execute --allow-errors \
      --ExecutePreprocessor.kernel_name="$kernel" \
      --ExecutePreprocessor.timeout="$cell_timeout" \
      --ExecutePreprocessor.startup_timeout="$startup_timeout" \
      --output-dir "$executed" --output "$name" "$nb" >"$log" 2>&1
    rc=$?
    secs=$(since "$t0")
    if [[ $rc -ne 0 && ! -f "$out" && $attempt -eq 1 ]] && grep -Eq "$start_failure" "$log"; then
      echo "$name: the kernel failed to start after ${secs} s ($(grep -Eo "($start_failure)[^.]*" "$log" | head -1)); retrying once"
      mv "$log" "$executed/$name.first-try.log"
      attempt=2
      continue
    fi
    break
  done
  if [[ $rc -ne 0 || ! -f "$out" ]]; then
    echo "$name: FAILED (nbconvert exit $rc after ${secs} s$([[ $attempt -eq 2 ]] && echo ', on the retry'))"
    grep -E 'Error|Exception|error:' "$log" | grep -v '^\[' | tail -5 | sed 's/^/  /'
    echo "  full log: $log"
    failed+=("$name")
    continue
  fi
  if ! cells=$(errors_in "$out"); then
    echo "$name: FAILED in ${secs} s: a cell failed$([[ $attempt -eq 2 ]] && echo ' (kernel started on the retry)')"
    echo "$cells"
    echo "  executed copy: $out"
    failed+=("$name")
  else
    echo "$name: ok in ${secs} s$([[ $attempt -eq 2 ]] && echo ' (kernel started on the retry)')"
  fi
  if ! "$jupyter" nbconvert --to html --output-dir "$executed" --output "$name" "$out" >>"$log" 2>&1; then
    echo "$name: could not write HTML (see $log)"
    failed+=("$name (html)")
  fi
done
total=$(since "$total_start")

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "run-notebooks: ${#failed[@]} of ${#notebooks[@]} notebook(s) failed in ${total} s: ${failed[*]}"
  exit 1
fi
echo "run-notebooks: ${#notebooks[@]} notebook(s) ok in ${total} s$([[ $quick -eq 1 ]] && echo ' (quick)'); executed copies and HTML in $executed"
