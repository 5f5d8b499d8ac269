#!/usr/bin/env bash
# Before/after: the same scenarios against two Herald jars, one right after the other, for several
# rounds (A B, B A, A B, …: the order alternates so that drift over the run favours neither), then
# a table per scenario and round with the ratio of "after" to "before". For changes that must not
# cost anything (a restructuring), where only the comparison in one run means something.
#
#   bench/ab.sh BEFORE.jar AFTER.jar            # build the "before" jar from an older checkout
#   ROUNDS=2 SCENARIOS="connect unicast" bench/ab.sh old.jar server/target/herald.jar
#
# Environment: ROUNDS (default 3), SCENARIOS (default "connect broadcast unicast"), HERALD_OPTS.
# Results: bench/results/<scenario>-r<round>-<before|after>-*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -eq 2 ]] || { echo "usage: bench/ab.sh BEFORE.jar AFTER.jar" >&2; exit 2; }

ROUNDS=${ROUNDS:-3}
SCENARIOS=${SCENARIOS:-"connect broadcast unicast"}
HERALD_OPTS=${HERALD_OPTS:-""}

mkdir -p bench/results
[[ -f bench/target/herald-bench.jar ]] || ./mvnw -q -pl bench -am -DskipTests package
# run from copies, so a rebuild during the run cannot pull a jar from under the JVMs
cp "$1" bench/results/ab-before.jar
cp "$2" bench/results/ab-after.jar
cp bench/target/herald-bench.jar bench/results/ab-bench.jar
BENCH=(java -jar bench/results/ab-bench.jar)
SINCE=$(date +%Y%m%d-%H%M%S)
echo "machine: $(nproc) cpus, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(java -version 2>&1 | head -1)"
echo "load before: $(cat /proc/loadavg)"

run() { # scenario label round
  local scenario=$1 label=$2 round=$3 args
  case "$scenario" in
    connect)   args=(connect --n 15000) ;;
    broadcast) args=(broadcast --n 10000 --rate 4 --duration 30s --warmup 10s) ;;
    unicast)   args=(unicast --n 1000 --rate 2000 --duration 30s --warmup 10s) ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
  echo "== round $round $scenario $label"
  "${BENCH[@]}" "${args[@]}" --target herald --server-jar "bench/results/ab-$label.jar" \
    --server-opts "$HERALD_OPTS" --label "$label" --tag "r$round" \
    || echo "!! round $round $scenario $label failed (exit $?)"
}

for ((round = 1; round <= ROUNDS; round++)); do
  for s in $SCENARIOS; do
    if (( round % 2 == 1 )); then order="before after"; else order="after before"; fi
    for label in $order; do
      run "$s" "$label" "$round"
    done
  done
done

echo "load after: $(cat /proc/loadavg)"
"${BENCH[@]}" report --since "$SINCE" --reference before
