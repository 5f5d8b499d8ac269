#!/usr/bin/env bash
# Herald's memory per idle connection under different JVM flags: `connect --n 15000` once per flag
# set (label herald-<name>), plus the raw Netty baseline with the winning set for reference. Prints
# the connect table. The lead picks the start script's defaults from it.
#   bench/flags.sh            (about 2-3 minutes per flag set on 2 cores)
#   N=5000 bench/flags.sh     (quicker)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-15000}
SINCE=$(date +%Y%m%d-%H%M%S)
mkdir -p bench/results
cp bench/target/herald-bench.jar bench/results/herald-bench-flags.jar
cp server/target/herald.jar bench/results/herald-flags.jar
BENCH=(java -jar bench/results/herald-bench-flags.jar)
SMALL="-XX:+UseSerialGC -Xss256k -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=10"
declare -A SETS=(
  [default]=""
  [serial]="-XX:+UseSerialGC"
  [serial-xss]="-XX:+UseSerialGC -Xss256k"
  [small]="$SMALL"
  [small-xmx]="$SMALL -Xmx512m -XX:MaxDirectMemorySize=256m"
  [small-pooled]="$SMALL -Dio.netty.allocator.type=pooled"
  [small-unpooled]="$SMALL -Dio.netty.allocator.type=unpooled"
  [g1-ratio]="-XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=10 -Xss256k"
)
for name in ${FLAG_SETS:-default serial serial-xss small small-xmx small-pooled small-unpooled g1-ratio}; do
  echo "== herald-$name: ${SETS[$name]}"
  "${BENCH[@]}" connect --n "$N" --no-warm-round --label "herald-$name" --server-jar bench/results/herald-flags.jar --server-opts "${SETS[$name]}" \
    || echo "!! herald-$name failed"
done
echo "== netty-small: $SMALL"
"${BENCH[@]}" connect --n "$N" --no-warm-round --target netty --label "netty-small" --server-opts "$SMALL" || true
"${BENCH[@]}" report --since "$SINCE"
