#!/usr/bin/env bash
# TensorFlow's side of the comparison with Weft's TrainThroughput (README.md here). Not part of Weft's build:
# TensorFlow is the system measured against, never a dependency of Weft.
# usage: bash peers/tensorflow/run.sh --model weft|reference [--threads 2] [--warmup 6] [--seconds 12] [--xla] ...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
JAVA="${JAVA:-java}"
JAVAC="${JAVAC:-javac}"
# The first run resolves TF Java from Maven Central (about 165 MB) and compiles; later runs reuse both.
if [[ ! -s target/classpath.txt ]]; then
    mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
fi
CP="$(cat target/classpath.txt)"
if [[ ! -f target/classes/tfpeer/TfPeer.class ]] \
        || [[ -n "$(find src/main/java -name '*.java' -newer target/classes/tfpeer/TfPeer.class)" ]]; then
    mkdir -p target/classes
    "$JAVAC" -d target/classes -cp "$CP" src/main/java/tfpeer/*.java
fi
for arg in "$@"; do
    if [[ "$arg" == "--xla" ]]; then
        # On the CPU, XLA's auto-clustering needs this flag besides the global jit level set in the ConfigProto.
        export TF_XLA_FLAGS="${TF_XLA_FLAGS:---tf_xla_cpu_global_jit}"
    fi
done
exec "$JAVA" -Xmx2g -cp "target/classes:$CP" tfpeer.TfPeer "$@"
