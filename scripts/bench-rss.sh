#!/usr/bin/env bash
# Peak memory of a large batch against a small one: memory must be bounded
# by the scenario, not by the number of runs (target: 10,000 runs within
# 1.1x of 100). Each pair runs the small and the large batch in turn, as a
# user would (`tempest run`, report included), and the medians of the peak
# RSS are compared. The benchmark scenario always; the baseline too when
# BASELINE=1 (one pair: its 10,000 runs take about two minutes on two
# cores).
#
#   make bench-rss
#   PAIRS=5 BASELINE=1 scripts/bench-rss.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-3}
SMALL=${SMALL:-100}
LARGE=${LARGE:-10000}
TIME=/usr/bin/time
test -x "$TIME" || { echo "bench-rss: needs GNU time (apt-get install -y time)" >&2; exit 1; }

go build -o tempest ./cmd/tempest
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# rss CONFIG RUNS: runs the batch with its report and prints
# "peak_rss_kib wall_seconds".
rss() {
	"$TIME" -f "%M %e" -o "$out/t" ./tempest run "$1" --runs "$2" --out "$out/run" --quiet >/dev/null 2>"$out/err" ||
		{ cat "$out/err" >&2; exit 1; }
	rm -rf "$out/run"
	cat "$out/t"
}

# compare CONFIG PAIRS
compare() {
	local cfg=$1 pairs=$2 i a b aw bw
	: >"$out/small"; : >"$out/large"
	echo "$cfg: $SMALL against $LARGE runs, report included, $pairs pair(s) in turn"
	for i in $(seq "$pairs"); do
		read -r a aw < <(rss "$cfg" "$SMALL")
		read -r b bw < <(rss "$cfg" "$LARGE")
		printf '  pair %d: %6d runs %7d KiB (%.2fs)   %6d runs %7d KiB (%.2fs)\n' "$i" "$SMALL" "$a" "$aw" "$LARGE" "$b" "$bw"
		echo "$a" >>"$out/small"; echo "$b" >>"$out/large"
	done
	awk -v a="$(median <"$out/small")" -v b="$(median <"$out/large")" -v s="$SMALL" -v l="$LARGE" 'BEGIN {
		r = b / a
		printf "  median peak RSS: %d runs %d KiB, %d runs %d KiB: %.3fx (target <= 1.1x): %s\n", s, a, l, b, r, (r <= 1.1 ? "met" : "NOT MET")
	}'
}

compare configs/bench/cdp-gbm.toml "$PAIRS"
if [ "${BASELINE:-0}" = 1 ]; then
	compare configs/baseline.toml 1
fi
