#!/usr/bin/env bash
# Makes a JDK 25 AOT cache (JEP 483/514) for any bpf4j program, e.g. an example:
#   scripts/aot-cache.sh target/snoop.aot -cp "examples/target/bpf4j-examples.jar:bpf4j-core/target/bpf4j-core.jar" \
#       io.bpf4j.examples.ObjectTour
# runs the program once as a training run (give it arguments that exercise what the real runs do:
# reading, loading and closing an object), then prints the command that starts it from the cache.
# The class path must list jars only (the JDK refuses directories in an AOT cache's class path),
# and later runs must use the same class path and JDK. bpf4j-cli's package.sh does the same for the CLI.
# What it saves, measured by bench.sh ("whole processes" rows): class loading and linking and the
# method-handle and lambda classes spun at start; not the interpretation of the first calls.
set -euo pipefail
out="${1:?usage: aot-cache.sh OUT.aot -cp JARS MAIN [ARGS...]}"
shift
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
rm -f "$out"
"$java" --enable-native-access=ALL-UNNAMED -XX:AOTCacheOutput="$out" "$@" > /dev/null
echo "run with: $java --enable-native-access=ALL-UNNAMED -XX:AOTCache=$out $*"
