#!/usr/bin/env bash
# Times Tempest against the peer model (the vectorised numpy loop of
# ../shared/bench/plain_cdp.py) on the same machine in one session:
# alternating Tempest and numpy (A B A B ...) PAIRS times, medians and their
# ratio, then 1 worker against 2 workers the same way, next to what two
# 1-worker processes pinned one to each CPU give the same workload at the
# same moment (the machine's ceiling for it: they share nothing but the
# hardware).
# Every number printed is measured here; nothing is compared with figures
# from elsewhere.
#
#   make bench-peer                       # N=1000 vaults, T=720 steps, M=100 runs, 5 pairs, 7 rounds
#   PAIRS=9 ROUNDS=11 M=200 WL=6000 scripts/bench-peer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PEER=${PEER:-../shared/bench}
PY=${PY:-/usr/bin/python3}
PAIRS=${PAIRS:-5}
N=1000 T=720 M=${M:-100}
TIME=/usr/bin/time

need() {
	if ! "$@" >/dev/null 2>&1; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			echo "bench-peer: installing $PKG" >&2
			apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PKG" >/dev/null
		else
			echo "bench-peer: needs $PKG (apt-get install -y $PKG)" >&2
			exit 1
		fi
	fi
}
PKG=time need test -x "$TIME"
PKG=python3-numpy need "$PY" -c "import numpy"
test -f "$PEER/plain_cdp.py" || { echo "bench-peer: no peer model at $PEER (set PEER=)" >&2; exit 1; }

go build -o tempest ./cmd/tempest
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# measure CMD...: prints "seconds peak_rss_kib cpu_seconds": the wall time
# to the millisecond from the shell's clock (time's %e has 10 ms steps, too
# coarse for a 0.2 s run), the peak RSS and the user + system CPU time from
# time.
measure() {
	local s e
	s=$(date +%s%N)
	"$TIME" -f "%M %U %S" -o "$out/t" "$@" >/dev/null 2>"$out/err" || { cat "$out/err" >&2; exit 1; }
	e=$(date +%s%N)
	echo "$(( (e - s) / 1000000 ))" "$(cat "$out/t")" | awk '{ printf "%.3f %d %.2f\n", $1 / 1000, $2, $3 + $4 }'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "peer model: $N vaults, $T hourly steps, $M runs; $PAIRS alternating pairs"
: >"$out/tempest" ; : >"$out/numpy" ; : >"$out/rss"
for i in $(seq "$PAIRS"); do
	read -r ts trss _ < <(measure ./tempest run configs/bench/cdp-gbm.toml --runs "$M" --out "$out/run" --quiet --no-report)
	read -r ps prss _ < <(measure "$PY" "$PEER/plain_cdp.py" "$N" "$T" "$M")
	printf '  pair %d: tempest %6.3fs %7d KiB   numpy %6.3fs %7d KiB\n' "$i" "$ts" "$trss" "$ps" "$prss"
	echo "$ts" >>"$out/tempest"; echo "$ps" >>"$out/numpy"; echo "$trss" >>"$out/rss"
done
tm=$(median <"$out/tempest"); pm=$(median <"$out/numpy")
awk -v t="$tm" -v p="$pm" -v n="$N" -v s="$T" -v m="$M" 'BEGIN {
	printf "median wall: tempest %.3fs, numpy %.3fs\n", t, p
	printf "ratio numpy/tempest: %.2fx (target >= 3x: %s)\n", p / t, (p / t >= 3 ? "met" : "NOT MET")
	printf "tempest agent-steps/s: %.3g (%d vaults x %d steps x %d runs / median wall)\n", n * s * m / t, n, s, m
}'
echo "tempest peak RSS: $(sort -g "$out/rss" | tail -1) KiB"

# Throughput is a rate: runs per second. A whole process also pays a fixed
# start and end (process start, compiling the scenario, building the
# template, writing and syncing the files: about 0.1 s on this kind of
# machine), which a short batch cannot spread. So each round times a batch
# of WS runs (default 20: nearly all fixed cost) and one of WL runs
# (default 1,200) with 1 and with 2 workers, and the steady-state rate is
# the extra runs over the extra time, (WL - WS) / (wall(WL) - median
# wall(WS)), with the fixed costs cancelled.
#
# A virtual machine's CPUs need not be equally fast for this workload, nor
# stay so. When another guest's thread runs on the sibling of the physical
# core behind one of them, that CPU runs the simulation (branchy 256-bit
# arithmetic over a large code and data footprint) a third slower, for
# minutes at a time, while a chain of dependent arithmetic hardly notices;
# two workers can then give at most 1 + slower/faster the rate of one. So
# before each round and after the last, two 1-worker processes of WL/2
# runs run side by side, pinned one to each CPU (GOMAXPROCS=1). They share
# nothing but the hardware: their summed rate is what any two workers
# could get at that moment, and each one's rate shows how fast its CPU is.
# A round whose pinned pairs, before and after it, both ran within 5% of
# each other had two equally fast CPUs throughout.
WS=${WS:-20}
WL=${WL:-1200}
ROUNDS=${ROUNDS:-12}
WH=$((WL / 2))
# The first two CPUs this process may run on, for the pinned pairs.
cpu0= cpu1=
if command -v taskset >/dev/null; then
	read -r cpu0 cpu1 _ < <(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' |
		awk -F- '{ if (NF == 2) for (i = $1; i <= $2; i++) print i; else print $1 }' | head -2 | tr '\n' ' ') || true
fi
# pinned CPU RUNS FILE: a 1-worker batch on CPU alone; its wall time to FILE.
pinned() {
	local s e
	s=$(date +%s%N)
	GOMAXPROCS=1 taskset -c "$1" ./tempest run configs/bench/cdp-gbm.toml --runs "$2" --workers 1 \
		--out "$out/p$1" --quiet --no-report >/dev/null 2>"$out/perr$1" || { cat "$out/perr$1" >&2; return 1; }
	e=$(date +%s%N)
	echo "$(( (e - s) / 1000000 ))" | awk '{ printf "%.3f\n", $1 / 1000 }' >"$3"
}
# pinned_pair RUNS: both pinned batches side by side; prints their wall
# times, the first CPU's first.
pinned_pair() {
	local pa
	pinned "$cpu0" "$1" "$out/q0" &
	pa=$!
	if ! pinned "$cpu1" "$1" "$out/q1"; then
		kill "$pa" 2>/dev/null || true
		wait "$pa" 2>/dev/null || true
		echo "bench-peer: a pinned 1-worker process failed" >&2
		exit 1
	fi
	wait "$pa" || { echo "bench-peer: a pinned 1-worker process failed" >&2; exit 1; }
	echo "$(cat "$out/q0") $(cat "$out/q1")"
}
# pin: one line per pinned pair, "short0 short1 long0 long1" wall times.
pin_round() {
	if [ -n "$cpu1" ]; then
		echo "$(pinned_pair "$WS") $(pinned_pair "$WH")" >>"$out/pin"
	fi
}
echo "workers: 1 against 2, $ROUNDS rounds of $WS and $WL runs with each, in turn"
if [ -n "$cpu1" ]; then
	echo "  and before each round and after the last, two 1-worker processes of $WS then $WH runs side by side, pinned to CPUs $cpu0 and $cpu1"
fi
: >"$out/raw"; : >"$out/pin"
pin_round
for i in $(seq "$ROUNDS"); do
	row=
	for n in "$WS" "$WL"; do
		read -r a _ ca < <(measure ./tempest run configs/bench/cdp-gbm.toml --runs "$n" --workers 1 --out "$out/w" --quiet --no-report)
		read -r b _ cb < <(measure ./tempest run configs/bench/cdp-gbm.toml --runs "$n" --workers 2 --out "$out/w" --quiet --no-report)
		row="$row $a $b $ca $cb"
	done
	echo "$row" >>"$out/raw" # short: wall1 wall2 cpu1 cpu2; long: the same
	pin_round
done
col() { awk -v k="$2" '{ print $k }' "$1" | median; }
f1=$(col "$out/raw" 1); f2=$(col "$out/raw" 2)
for k in 1 5; do
	n=$WS; [ "$k" = 5 ] && n=$WL
	w1=$(col "$out/raw" "$k"); w2=$(col "$out/raw" $((k + 1))); c1=$(col "$out/raw" $((k + 2))); c2=$(col "$out/raw" $((k + 3)))
	awk -v a="$w1" -v b="$w2" -v n="$n" 'BEGIN { printf "median wall, %d runs: 1 worker %.3fs, 2 workers %.3fs: %.2fx\n", n, a, b, a / b }'
	# CPU time the batch burns: equal for 1 and 2 workers when the work
	# itself does not grow with parallelism (no contention); the wall ratio
	# then falls short of 2 only by the serial start and end and by time
	# the machine does not give.
	awk -v a="$c1" -v b="$c2" -v wa="$w1" -v wb="$w2" 'BEGIN { printf "  median CPU time (user + system): 1 worker %.2fs, 2 workers %.2fs (%.2fx); CPUs busy: %.2f and %.2f\n", a, b, b / a, a / wa, b / wb }'
done
# Each round's steady rates (runs/s), with the median fixed costs: 1 and 2
# workers, then each pinned pair's two CPUs before and after the round.
p0=0 p1=0
if [ -s "$out/pin" ]; then p0=$(col "$out/pin" 1); p1=$(col "$out/pin" 2); fi
awk -v s="$WS" -v l="$WL" -v f1="$f1" -v f2="$f2" '{ printf "%.4f %.4f\n", (l - s) / ($5 - f1), (l - s) / ($6 - f2) }' "$out/raw" >"$out/rates"
if [ -s "$out/pin" ]; then
	awk -v s="$WS" -v h="$WH" -v p0="$p0" -v p1="$p1" '{ printf "%.4f %.4f\n", (h - s) / ($3 - p0), (h - s) / ($4 - p1) }' "$out/pin" >"$out/pinrates"
	# A round and its pinned pairs before and after it.
	paste -d' ' "$out/rates" <(head -n "$ROUNDS" "$out/pinrates") <(tail -n +2 "$out/pinrates") >"$out/rounds"
else
	awk '{ print $0, 0, 0, 0, 0 }' "$out/rates" >"$out/rounds"
fi
awk '{
	printf "  round %d: 1 worker %.0f runs/s, 2 workers %.0f runs/s (%.2fx)", NR, $1, $2, $2 / $1
	if ($3 > 0)
		printf "; pinned pairs before and after: %.0f+%.0f and %.0f+%.0f runs/s (%.2fx and %.2fx of 1 worker)", $3, $4, $5, $6, ($3 + $4) / $1, ($5 + $6) / $1
	printf "\n"
}' "$out/rounds"
awk '{ print $2 / $1 }' "$out/rounds" >"$out/ratio"
sr=$(median <"$out/ratio")
awk -v r="$sr" -v lo="$(sort -g "$out/ratio" | head -1)" -v hi="$(sort -g "$out/ratio" | tail -1)" -v s="$WS" -v l="$WL" -v n="$ROUNDS" 'BEGIN {
	printf "steady-state throughput (runs %d to %d): 2 workers give %.2fx that of 1 (target >= 1.9x: %s; median of %d rounds, range %.2f-%.2f)\n", s, l, r, (r >= 1.9 ? "met" : "NOT MET"), n, lo, hi
}'
if [ -s "$out/pin" ]; then
	# The rounds' ceiling (the pinned pairs' mean rate over 1 worker's), the
	# share of it 2 workers reach, and how even the two CPUs were (the
	# slower pinned CPU over the faster, the less even of the two pairs).
	awk '{ c = ($3 + $4 + $5 + $6) / 2; print c / $1, $2 / c }' "$out/rounds" >"$out/ceil"
	awk '{ a = ($3 < $4 ? $3 / $4 : $4 / $3); b = ($5 < $6 ? $5 / $6 : $6 / $5); print (a < b ? a : b) }' "$out/rounds" >"$out/even"
	range() { sort -g | awk -v f="${1:-%.2f}" 'NR == 1 { lo = $1 } { hi = $1 } END { printf f "-" f, lo, hi }'; }
	echo "  the machine's ceiling at the same moments: the pinned pairs give $(awk '{ print $1 }' "$out/ceil" | median | xargs printf '%.2f')x the rate of 1 worker (median; range $(awk '{ print $1 }' "$out/ceil" | range))"
	echo "  2 workers in one process reach $(awk '{ print $2 }' "$out/ceil" | median | xargs printf '%.2f') of the pinned pairs' rate (median; range $(awk '{ print $2 }' "$out/ceil" | range)): 1.00 is all two CPUs give"
	echo "  the slower CPU ran this workload at $(median <"$out/even" | awk '{ printf "%.0f", 100 * $1 }')% of the faster (median over rounds of the less even pair; range $(awk '{ print 100 * $1 }' "$out/even" | range %.0f)%)"
	paste -d' ' "$out/even" "$out/ratio" | awk '$1 >= 0.95 { print $2 }' >"$out/evenratio"
	k=$(wc -l <"$out/evenratio")
	if [ "$k" -gt 0 ]; then
		awk -v r="$(median <"$out/evenratio")" -v k="$k" -v n="$ROUNDS" -v rg="$(range <"$out/evenratio")" 'BEGIN {
			printf "  in the %d of %d rounds whose two CPUs ran within 5%% of each other before and after: 2 workers give %.2fx that of 1 (median, range %s; target >= 1.9x: %s)\n", k, n, r, rg, (r >= 1.9 ? "met" : "NOT MET")
		}'
	else
		echo "  in none of the $ROUNDS rounds did the two CPUs run within 5% of each other before and after"
	fi
fi

# The machine's own ceiling at this moment: the same comparison for a pure
# arithmetic loop and for a memory-bound one, whose goroutines share
# nothing. On a shared machine they are often below 2x; Tempest's ratio is
# read against them.
go run scripts/cpuscale.go -pairs "$PAIRS"

# Allocations: per run of the benchmark scenario as a batch's worker runs it
# (each run in the storage of the last), per agent-step, and in the steady
# state of the blocks (buffers grown).
go test -run '^$' -bench 'BenchScenario/reused' -benchtime 200x -benchmem ./sim/ |
	awk -v n="$N" -v s="$T" '/allocs\/op/ {
		for (i = 1; i <= NF; i++) if ($i == "allocs/op") a = $(i - 1)
		printf "allocations: %d per run of %d agent-steps (%.2g per agent-step)\n", a, n * s, a / (n * s)
	}'
go test -count=1 -run 'TestSteadyStateAllocs(Reused)?$' -v ./sim/ |
	sed -n -e 's/.*alloc_test.go:[0-9]*: /steady state, /p' -e '/^--- FAIL/p' -e '/^FAIL/p'
