#!/usr/bin/env bash
# Builds Herald and the load generator, runs every scenario against Herald and the baselines (raw
# Netty, Node ws), one target after the other per scenario so that each comparison is measured
# close together in time, then prints the tables. Results: bench/results/*.json.
#
#   bench/run-all.sh                 # full run (about 30 minutes on 2 cores)
#   QUICK=1 bench/run-all.sh         # small and short, to check that everything works
#   TARGETS="herald netty" SKIP_BUILD=1 HERALD_OPTS="-XX:+UseSerialGC" bench/run-all.sh
#
# Environment: TARGETS (default "herald netty node"), HERALD_OPTS / BASELINE_OPTS (JVM options for
# the servers), SCENARIOS (default "connect broadcast broadcast-light unicast channels unicast-max"),
# BCAST_TARGETS (who gets the full 10,000 x 20/s broadcast; default herald), SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=${TARGETS:-"herald netty node"}
SCENARIOS=${SCENARIOS:-"connect broadcast broadcast-light unicast channels unicast-max"}
BCAST_TARGETS=${BCAST_TARGETS:-herald} # the full 10,000 x 20/s load needs more than 2 cores: Herald only
HERALD_OPTS=${HERALD_OPTS:-""}
BASELINE_OPTS=${BASELINE_OPTS:-"$HERALD_OPTS"}

if [[ "${QUICK:-0}" == 1 ]]; then
  CONNECT_N=2000; BCAST_N=1000; BCAST_DUR=10s; LIGHT_RATE=4; LIGHT_DUR=5s; UNI_DUR=5s; CH_N=1000; CH_DUR=5s; WARM=3s
  STEPS="2000,4000,8000"; STEP_DUR=4s
else
  CONNECT_N=15000; BCAST_N=10000; BCAST_DUR=60s; LIGHT_RATE=${LIGHT_RATE:-4}; LIGHT_DUR=30s; UNI_DUR=30s; CH_N=10000; CH_DUR=30s; WARM=10s
  STEPS=${STEPS:-"2000,4000,6000,8000,10000,12000,15000,18000,21000,24000"}; STEP_DUR=10s
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -q -DskipTests package
fi
if [[ " $TARGETS " == *" node "* ]]; then
  if ! (cd bench/node && npm install --no-audit --no-fund --silent >/dev/null 2>&1); then
    echo "npm install failed: skipping the Node baseline"; TARGETS=${TARGETS//node/}
  fi
fi

# run from a copy, so rebuilding during a run cannot pull the jar from under the JVMs
mkdir -p bench/results
cp bench/target/herald-bench.jar bench/results/herald-bench-run.jar
cp server/target/herald.jar bench/results/herald-run.jar
BENCH=(java -jar bench/results/herald-bench-run.jar)
SINCE=$(date +%Y%m%d-%H%M%S)
echo "machine: $(nproc) cpus, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(java -version 2>&1 | head -1)"
echo "load before: $(cat /proc/loadavg)"

opts() { # server options per target
  case "$1" in
    herald) echo "$HERALD_OPTS" ;;
    netty) echo "$BASELINE_OPTS" ;;
    *) echo "" ;;
  esac
}

run() { # scenario target args...
  local scenario=$1 target=$2; shift 2
  echo "== $scenario $target"
  "${BENCH[@]}" "$scenario" --target "$target" --server-jar bench/results/herald-run.jar \
    --server-opts "$(opts "$target")" "$@" \
    || echo "!! $scenario $target failed (exit $?)"
}

for s in $SCENARIOS; do
  for t in $TARGETS; do
    case "$s" in
      connect)   run connect "$t" --n "$CONNECT_N" ;;
      broadcast) [[ " $BCAST_TARGETS " == *" $t "* ]] && run broadcast "$t" --n "$BCAST_N" --rate 20 --duration "$BCAST_DUR" --warmup "$WARM" ;;
      broadcast-light) run broadcast "$t" --tag light --n "$BCAST_N" --rate "$LIGHT_RATE" --duration "$LIGHT_DUR" --warmup "$WARM" ;;
      unicast)   run unicast "$t" --n 1000 --rate 2000 --duration "$UNI_DUR" --warmup "$WARM" ;;
      channels)  run channels "$t" --n "$CH_N" --channels 100 --rate 1000 --duration "$CH_DUR" --warmup "$WARM" ;;
      unicast-max) run unicast "$t" --n 1000 --rate 2000 --duration "$UNI_DUR" --warmup "$WARM" \
                     --find-max --steps "$STEPS" --step-duration "$STEP_DUR" ;;
    esac
  done
done

echo "load after: $(cat /proc/loadavg)"
"${BENCH[@]}" report --since "$SINCE"
