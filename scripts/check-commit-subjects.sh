#!/usr/bin/env bash
# Fails when a commit made after the base has a subject longer than 72 characters (the house rule;
# history before the base is left as it landed). Usage: scripts/check-commit-subjects.sh [BASE [HEAD]]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-013d32f}
head=${2:-HEAD}
max=72
range="$base..$head"
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    if [ "$(git rev-parse --is-shallow-repository)" != true ]; then
        echo "check-commit-subjects: no commit $base in this repository" >&2
        exit 2
    fi
    # A shallow clone lacks the base: check the commits it has (they are all after the base).
    echo "check-commit-subjects: shallow clone without $base; checking the $(git rev-list --count "$head") commits it holds" >&2
    range="$head"
fi
# Commits that landed with a longer subject before this check ran in CI (history is not rewritten).
landed=scripts/commit-subjects-landed.txt
bad=$(git log --format='%H %h %s' "$range" | while read -r full short subject; do
    if [ ${#subject} -gt $max ] && ! grep -q "^$short" "$landed" 2>/dev/null && ! grep -q "^$full" "$landed" 2>/dev/null; then
        printf '  %s %s (%d characters)\n' "$short" "$subject" "${#subject}"
    fi
done)
if [ -n "$bad" ]; then
    echo "Commit subjects longer than $max characters after $base:" >&2
    echo "$bad" >&2
    echo "Reword them before they land (git commit --amend, or git rebase -i on your own branch)." >&2
    exit 1
fi
echo "check-commit-subjects: $(git rev-list --count "$range") commits after $base, every subject <= $max characters"
