#!/usr/bin/env bash
# Weft's TrainThroughput and TensorFlow's (run.sh) alternated in the same minutes, model by model, round by round;
# prints each pair and, at the end, the medians and Weft's ratio to TensorFlow.
# usage: bash peers/tensorflow/compare.sh [ROUNDS (3)] [MODELS ("weft reference")]
#   JAVA: the JDK that runs Weft (default java); the jar is benchmarks/target/benchmarks.jar, built first with
#   mvn -B -ntp -pl benchmarks -am package -DskipTests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROUNDS="${1:-3}"
MODELS="${2:-weft reference}"
JAVA="${JAVA:-java}"
JAR=benchmarks/target/benchmarks.jar
OPTIONS=(--threads 2 --warmup 6 --seconds 12)
if [[ ! -f "$JAR" ]]; then
    echo "compare.sh: $JAR is missing; build it with: mvn -B -ntp -pl benchmarks -am package -DskipTests" >&2
    exit 2
fi
# The last two lines of either side: train_images_per_second=... and infer_images_per_second=...
rates() {
    grep -E '^(train|infer)_images_per_second=' | cut -d= -f2 | tr '\n' ' '
}
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
for round in $(seq 1 "$ROUNDS"); do
    for model in $MODELS; do
        started=$(date +%H:%M:%S)
        weft=$("$JAVA" --add-modules jdk.incubator.vector -Xmx2g -cp "$JAR" dev.weft.benchmarks.TrainThroughput \
            --model "$model" "${OPTIONS[@]}" 2>/dev/null | rates)
        tensorflow=$(bash peers/tensorflow/run.sh --model "$model" "${OPTIONS[@]}" 2>/dev/null | rates)
        echo "$model $weft $tensorflow" >> "$RESULTS"
        read -r wt wi tt ti <<< "$weft $tensorflow"
        printf '%s round %d %-9s weft %8.1f train %9.1f infer   tensorflow %8.1f train %9.1f infer\n' \
            "$started" "$round" "$model" "$wt" "$wi" "$tt" "$ti"
    done
done
# The median of column $2 of the model's rows in the results.
median() {
    awk -v model="$1" -v column="$2" '$1 == model { print $column }' "$RESULTS" | sort -g \
        | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
for model in $MODELS; do
    wt=$(median "$model" 2); wi=$(median "$model" 3); tt=$(median "$model" 4); ti=$(median "$model" 5)
    awk -v m="$model" -v r="$ROUNDS" -v wt="$wt" -v wi="$wi" -v tt="$tt" -v ti="$ti" 'BEGIN {
        printf "%s, medians of %d rounds: training weft %.0f, tensorflow %.0f images/s (%.2fx); inference weft %.0f, tensorflow %.0f images/s (%.2fx)\n", m, r, wt, tt, wt / tt, wi, ti, wi / ti }'
done
