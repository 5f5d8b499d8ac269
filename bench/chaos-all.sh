#!/usr/bin/env bash
# The fault campaign of RELIABILITY.md: every `bench chaos` run, one after the other, each with its
# own PostgreSQL, Redis and Herald nodes (nothing shared with the machine's servers). Results:
# bench/results/chaos-*.json; each run also prints its Markdown table row.
#
#   bench/chaos-all.sh             # the sizes of issue 9 (3,000 clients, 1,000 sends/s, 5,000 subscribers)
#   QUICK=1 bench/chaos-all.sh     # the reduced trial sizes of RELIABILITY.md (a loaded 2-core machine)
#   RUNS="node-kill fuzz" SKIP_BUILD=1 bench/chaos-all.sh
#
# Environment: RUNS (default: all), TAG (added to result names; default "full" or "trial"),
# HERALD_OPTS (JVM options of the nodes), SKIP_BUILD=1.
set -uo pipefail   # one failed run does not stop the others
cd "$(dirname "$0")/.."

RUNS=${RUNS:-"node-kill db-restart db-restart-immediate db-cut-reset db-cut-blackhole redis-restart fuzz"}
HERALD_OPTS=${HERALD_OPTS:-""}
if [[ "${QUICK:-0}" == 1 ]]; then
  TAG=${TAG:-trial}
  INBOX="--clients 300 --rate 20 --duration 40s --fault-at 15s"
  CHANNELS="--subscribers 500 --channels 20 --rate 20 --duration 40s --fault-at 15s"
  FUZZ="--fuzzers 20 --frame-rate 5 --http-rate 20 --http-threads 4 --clients 100 --phase 30s"
else
  TAG=${TAG:-full}
  INBOX=""      # defaults: 3,000 clients, 1,000 sends/s for 60 s, fault at 20 s
  CHANNELS=""   # defaults: 5,000 subscribers on 50 channels, 100 publications/s for 60 s, Redis killed at 20 s
  FUZZ=""       # defaults: 100 fuzzers x 10 frames/s, 100 HTTP requests/s, 500 well-behaved clients, 3 x 30 s
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -q -DskipTests package
fi
# run from a copy, so rebuilding during a run cannot pull the jar from under the JVM
JAR=$(mktemp --suffix .jar)
cp bench/target/herald-bench.jar "$JAR"
B=(java -jar "$JAR" chaos)
OPTS=(--tag "$TAG" --server-opts "$HERALD_OPTS")

for run in $RUNS; do
  case $run in
    node-kill)            "${B[@]}" node-kill $INBOX "${OPTS[@]}" ;;
    db-restart)           "${B[@]}" db-restart $INBOX --gap 5s "${OPTS[@]}" ;;
    db-restart-immediate) "${B[@]}" db-restart $INBOX --gap 5s --stop-mode immediate --tag "$TAG-immediate" --server-opts "$HERALD_OPTS" ;;
    db-cut-reset)         "${B[@]}" db-cut $INBOX --gap 10s --cut-mode reset "${OPTS[@]}" ;;
    db-cut-blackhole)     "${B[@]}" db-cut $INBOX --gap 40s --cut-mode blackhole "${OPTS[@]}" ;;
    redis-restart)        "${B[@]}" redis-restart $CHANNELS --gap 5s "${OPTS[@]}" ;;
    fuzz)                 "${B[@]}" fuzz $FUZZ "${OPTS[@]}" ;;
    *) echo "unknown run $run" >&2; exit 2 ;;
  esac
done
rm -f "$JAR"
