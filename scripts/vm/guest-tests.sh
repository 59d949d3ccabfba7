#!/usr/bin/env bash
# scripts/vm/guest-tests.sh [CLASS[#METHOD]...] - the default command of scripts/vm-test.sh, run in
# the guest: bpf4j-core's tests on the host's build output, without Maven (scripts/vm/GuestTests,
# prepared on the host by scripts/vm/prepare-tests.sh), except the host-only ones listed in
# scripts/vm/host-only-tests; or only the classes/methods named. Writes its report to $VM_OUT.
set -uo pipefail
cd "$(dirname "$0")/../.."
env=bpf4j-core/target/vm/env
[ -f $env ] || { echo "guest-tests: no $env: run scripts/vm/prepare-tests.sh on the host first" >&2; exit 2; }
. $env
echo "guest-tests: kernel $(uname -r)"
# Before 5.11 the kernel charges BPF memory to RLIMIT_MEMLOCK (64 KiB in a bare guest; systemd
# raises it on a normal boot). bpf4j raises it itself on such kernels (internal.sys.Memlock), as
# libbpf does; the line below keeps the guest like a normally booted machine.
ulimit -l unlimited
report=${VM_OUT:-/tmp}/guest-tests.txt
cd bpf4j-core
# as surefire runs them (bpf4j-core/pom.xml: argLine, systemPropertyVariables), from the module
# BPF4J_STRICT_SKIPS=true: a skip without a feature probe fails (io.bpf4j.testing.StrictSkips)
exec "$JAVA" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC \
  -Dbpf4j.test.bpf.dir="$PWD/target/test-classes/bpf" -Dbpf4j.strictSkips="${BPF4J_STRICT_SKIPS:-false}" -cp "$CP" \
  GuestTests "$PWD/target/test-classes" "$report" ../scripts/vm/host-only-tests "$@"
