#!/usr/bin/env bash
# The full-size faithfulness runs of the README's section "Is VisualBackProp faithful?", one command per network.
#
#   notebooks/faithfulness/evaluate-all.sh [--only roads|signs|fashion|authors] [ROADS.vbpm SIGNS.vbpm FASHION.vbpm [OUT]]
#
# ROADS.vbpm: a steering net trained on synthetic roads (NetSVF, or any net taking 1 x 125 x 640 frames); SIGNS.vbpm: the
# traffic-sign net (3 x 125 x 125); FASHION.vbpm: a Fashion-MNIST net (1 x 28 x 28, Debian's dataset-fashion-mnist).
# Default: the trained models of notebooks/models/ (small-roads.vbpm, signnet-signs.vbpm, small-fashion-mnist.vbpm); the
# authors' Torch7 model and frames are read from ../shared/authors (skipped when absent). Results go to OUT/NAME/
# (default OUT: runs/faithfulness). Each run uses the default frame counts of `vbp evaluate-methods --frames 100`:
# localisation 100 frames, region perturbation, random logit and input invariance 20, model-parameter randomization 10
# (SmoothGrad and Integrated Gradients 2), cost 16 (Fashion-MNIST: 4 x 4 patches for region perturbation, as 28 x 28 pictures
# hold only 16 patches of 8 x 8); the authors' 16 frames are all used for every test but localisation
# (they have no ground truth). Run from the repository root after `mvn -DskipTests package`; on a shared machine prefix
# `nice -n 10`. VBP_JAR names another build of vbp.jar.
set -euo pipefail
only=""
if [[ "${1:-}" == "--only" ]]; then
  only="$2"
  shift 2
fi
if [[ $# -ne 0 && $# -lt 3 ]] || [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 2
fi
roads="${1:-notebooks/models/small-roads.vbpm}" signs="${2:-notebooks/models/signnet-signs.vbpm}"
fashion="${3:-notebooks/models/small-fashion-mnist.vbpm}" out="${4:-runs/faithfulness}"
vbp=(java -jar "${VBP_JAR:-notebooks/target/vbp.jar}")
run() { [[ -z "$only" || "$only" == "$1" ]]; }
log() { echo "== $(date -u +%Y-%m-%dT%H:%MZ) $*" >&2; }

if run roads; then
  log "roads: $roads"
  "${vbp[@]}" evaluate-methods --model "$roads" --data roads --frames 100 --out "$out/roads"
fi
if run signs; then
  log "signs: $signs"
  "${vbp[@]}" evaluate-methods --model "$signs" --data signs --frames 100 --out "$out/signs"
fi
if run fashion; then
  log "fashion-mnist: $fashion"
  # 28 x 28 pictures hold 16 patches of 8 x 8: 4 x 4 patches (49) give the perturbation curves room
  "${vbp[@]}" evaluate-methods --model "$fashion" --data fashion-mnist --frames 100 --patch 4 --out "$out/fashion-mnist"
fi
if run authors; then
  if [[ -f ../shared/authors/model.t7b ]]; then
    log "the authors' model"
    "${vbp[@]}" evaluate-methods --model ../shared/authors/model.t7b --data ../shared/authors/frames --randomization-frames 16 \
      --sampled-frames 2 --perturbation-frames 16 --invariance-frames 16 --cost-frames 16 --out "$out/authors"
  else
    log "the authors' model: ../shared/authors/model.t7b is absent, skipped"
  fi
fi
