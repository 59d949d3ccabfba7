#!/usr/bin/env bash
# scripts/vm/prepare-tests.sh - on the host, before a guest runs scripts/vm/guest-tests.sh: checks
# that bpf4j-core is built, writes its test class path (once per pom change) and compiles the
# guest's test launcher (GuestTests.java) into bpf4j-core/target/vm, with bpf4j-core/target/vm/env
# naming the JDK and class path for the guest.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
core=$repo/bpf4j-core
vm=$core/target/vm
die() { echo "vm-prepare: $*" >&2; exit 2; }
ls "$core"/target/test-classes/bpf/*.bpf.o >/dev/null 2>&1 && [ -d "$core/target/classes/io" ] ||
  die "bpf4j-core is not built: run ./mvnw -B -o test-compile (or verify) first"
mkdir -p "$vm"

jdk=""
for c in ${JAVA_HOME:-} /usr/lib/jvm/*25*; do
  if [ -x "$c/bin/javac" ] && "$c/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then jdk=$c; break; fi
done
[ -n "$jdk" ] || die "no JDK 25 (looked at JAVA_HOME and /usr/lib/jvm/*25*)"

# the test dependencies (JUnit), as Maven resolves them; the launcher API of the same platform version
cpfile=$vm/test-classpath
if [ ! -s "$cpfile" ] || [ -n "$(find "$repo/pom.xml" "$core/pom.xml" -newer "$cpfile")" ]; then
  args=(-B -q -pl bpf4j-core dependency:build-classpath -Dmdep.outputFile="$cpfile.tmp" -Dmdep.includeScope=test)
  ( cd "$repo" && { ./mvnw -o "${args[@]}" >/dev/null 2>&1 || ./mvnw "${args[@]}" >&2; } ) ||
    die "could not resolve bpf4j-core's test class path (mvn dependency:build-classpath)"
  mv "$cpfile.tmp" "$cpfile"
fi
deps=$(cat "$cpfile")
engine=$(tr ':' '\n' <<<"$deps" | grep '/junit-platform-engine-[^/]*\.jar$' | head -1)
launcher=${engine//junit-platform-engine/junit-platform-launcher}
[ -f "$launcher" ] || ( cd "$repo" && ./mvnw -B -q dependency:get -Dartifact="$(basename "$(dirname "$launcher")" |
    sed 's/^/org.junit.platform:junit-platform-launcher:/')" >&2 ) ||
  die "missing $launcher (the JUnit launcher of bpf4j-core's JUnit version)"
cp="$deps:$launcher"

src=$repo/scripts/vm/GuestTests.java
if [ ! -f "$vm/classes/GuestTests.class" ] || [ "$src" -nt "$vm/classes/GuestTests.class" ] || [ "$cpfile" -nt "$vm/classes/GuestTests.class" ]; then
  rm -rf "$vm/classes"
  "$jdk/bin/javac" -nowarn -d "$vm/classes" -cp "$cp" "$src" || die "compiling $src failed"
fi
{
  printf 'JAVA=%q\n' "$jdk/bin/java"
  printf 'CP=%q\n' "$core/target/test-classes:$core/target/classes:$cp:$vm/classes"
} > "$vm/env"
