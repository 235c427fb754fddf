package sim

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tempest-risk/tempest/market"
	"github.com/tempest-risk/tempest/sim/scenario"
	"github.com/tempest-risk/tempest/sim/stats"
)

// sketchValues adds, as the first bucket of series name in runs 0, 1, ...
// of the baseline's outputs, one value each (all other values zero), and
// returns the bucket's sketch and the series' index.
func sketchValues(t *testing.T, name string, values []float64) (*outputs, int, *stats.Sketch) {
	t.Helper()
	c := loadCompiled(t, "../configs/baseline.toml")
	o, err := newOutputs(c, Options{Out: t.TempDir()}, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.abort)
	k := slices.IndexFunc(o.series, func(m Metric) bool { return m.Name == name })
	if k < 0 {
		t.Fatalf("baseline has no series %s", name)
	}
	for i, v := range values {
		res := &RunResult{Index: i, Summary: make([]float64, len(c.Summary())), Series: make([][]float64, len(o.series))}
		for k := range res.Series {
			res.Series[k] = make([]float64, c.buckets)
		}
		res.Series[k][0] = v
		if err := o.add(res); err != nil {
			t.Fatal(err)
		}
		o.addSeries(res)
	}
	return o, k, o.sketches().Sketch(k, 0)
}

// TestSeriesResolution: a series value within seriesResolution of its
// level is sketched as the level itself, so the sketch's buckets do not
// reach ever closer to the level as runs are added; larger deviations
// keep their value to the sketch's relative accuracy.
func TestSeriesResolution(t *testing.T) {
	devs := []float64{5e-7, -3e-7, 2e-6, -0.01}
	pegs := make([]float64, len(devs))
	for i, d := range devs {
		pegs[i] = 1 + d
	}
	o, peg, s := sketchValues(t, "peg", pegs)
	if o.series[peg].Level != 1 {
		t.Fatalf("peg level %g, want 1", o.series[peg].Level)
	}
	if s.Count() != 4 {
		t.Fatalf("count %d, want 4", s.Count())
	}
	// Ranks 1 and 2 (of 0..3) are the two deviations below the resolution,
	// both recorded as 0; the extremes keep their values.
	for _, q := range []float64{1.0 / 3, 2.0 / 3} {
		if got := s.Quantile(q); got != 0 {
			t.Errorf("quantile %.3f = %g, want 0 (a deviation below %g)", q, got, seriesResolution)
		}
	}
	if got := s.Max(); math.Abs(got-2e-6) > 1e-15 {
		t.Errorf("max %g, want 2e-6", got)
	}
	if got := s.Min(); math.Abs(got+0.01) > 1e-15 {
		t.Errorf("min %g, want -0.01", got)
	}
}

// checkLevelSketch sketches the values level·(1+m) of baseline's series
// name, one run each, and checks that the series is sketched as deviations
// from level at priceResolution of it, and that its quantiles in rank
// order are the deviations ranked (moves below the resolution as none),
// each within the sketch's 1% of itself.
func checkLevelSketch(t *testing.T, name string, level float64, moves, ranked []float64) {
	t.Helper()
	values := make([]float64, len(moves))
	for i, m := range moves {
		values[i] = level * (1 + m)
	}
	o, k, s := sketchValues(t, name, values)
	if o.series[k].Level != level || o.c.resolution(k) != priceResolution*level {
		t.Fatalf("%s: level %g, resolution %g; want %g and %g", name, o.series[k].Level, o.c.resolution(k), level, priceResolution*level)
	}
	for i, want := range ranked {
		q := float64(i) / float64(len(ranked)-1)
		if got := s.Quantile(q); math.Abs(got-want*level) > 0.01*math.Abs(want*level) {
			t.Errorf("%s: quantile %.2f: deviation %g, want %g", name, q, got, want*level)
		}
	}
}

// TestPriceResolution: a volatile asset's price is sketched as its
// deviation from the starting price, so moves of a fraction of a percent
// stay apart in the quantiles (the sketch's 1% relative accuracy on the
// price itself would merge them); moves below priceResolution of the
// starting price count as none.
func TestPriceResolution(t *testing.T) {
	p0 := loadCompiled(t, "../configs/baseline.toml").S.Market.Assets["gold"].Initial
	checkLevelSketch(t, "price_gold", p0, []float64{0.0004, -0.0002, 0.004, 0.008, -0.006},
		[]float64{-0.006, 0, 0, 0.004, 0.008})
}

// TestReserveLevel: the reserve buffer is sketched as its deviation from
// the scenario's reserve, so a move of a fraction of a percent of it shows
// in the quantiles (on the reserve itself the sketch's 1% accuracy rounds
// 1.5M to steps of about 30k); moves below priceResolution of it count as
// none.
func TestReserveLevel(t *testing.T) {
	r0 := loadCompiled(t, "../configs/baseline.toml").S.Backstop.Reserve.Float()
	if r0 <= 0 {
		t.Fatal("baseline has no reserve: pick another scenario")
	}
	checkLevelSketch(t, "reserve", r0, []float64{0.0003, 0.003, 0.006, -0.002, 0.009},
		[]float64{-0.002, 0, 0.003, 0.006, 0.009})
}

// TestRunReusesSpare: a run built in the storage of a finished run and in
// its series buffers (as a batch's workers do) gives the result of a run
// built afresh, including after a run whose auctions left the protocol far
// from the template, with either way of selling unwound collateral.
func TestRunReusesSpare(t *testing.T) {
	for _, sale := range []string{"auction", "pool"} {
		t.Run(sale, func(t *testing.T) {
			c := loadCompiled(t, "../configs/bench/cdp-gbm.toml", scenario.Override{Key: "auction.eth.sale", Value: sale})
			if !c.S.FixedPopulation {
				t.Fatal("the bench scenario no longer has a fixed population: pick another")
			}
			world := func() *market.World {
				mw, err := market.NewWorld(c.Market)
				if err != nil {
					t.Fatal(err)
				}
				return mw
			}
			mw := world()
			var spare *Run
			var series [][]float64 // the last run's series buffers, recycled
			for i := range 4 {
				got, r := runOne(c, 11, i, mw, nil, spare, series)
				want := RunOne(c, 11, i, world(), nil)
				if !sameBits(got, want) {
					t.Fatalf("run %d differs when built in a finished run's storage", i)
				}
				if spare != nil && (r.Sys != spare.Sys || &got.Series[0][0] != &series[0][0]) {
					t.Fatalf("run %d did not reuse the spare's protocol and series", i)
				}
				spare, series = r, got.Series
			}
		})
	}
}

// TestManifestWrittenOverride: a --set override of a distribution's value
// marks the distribution and the keys that hold it written, as a line of
// the file would, so the report does not call the overridden value a
// default.
func TestManifestWrittenOverride(t *testing.T) {
	c := loadCompiled(t, "../configs/baseline.toml", scenario.Override{Key: "agents.borrowers[1].leverage_band.value", Value: "0.05"})
	dir := t.TempDir()
	if _, err := RunBatch(context.Background(), c, Options{Runs: 2, Seed: 1, Workers: 1, Out: dir}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"agents.borrowers[1].leverage_band.value", "agents.borrowers[1].leverage_band", "agents.borrowers[1]", "agents.borrowers"} {
		if !slices.Contains(m.Written, k) {
			t.Errorf("written lacks %q", k)
		}
	}
	if slices.Contains(m.Written, "agents.borrowers[0].leverage_band") {
		t.Error("another group's band is marked written")
	}
	if m.SketchAlpha != sketchAlpha {
		t.Errorf("sketch_alpha %v, want the sketches' %v", m.SketchAlpha, sketchAlpha)
	}
}

// TestPartialCommitLeavesNoManifest: when a rename fails part way through
// putting a batch's files in place, the directory holds no manifest (the
// old one goes first, the new one last), so no one reads a mix of two
// batches as one; the journal then completes the batch with --resume.
func TestPartialCommitLeavesNoManifest(t *testing.T) {
	c := loadCompiled(t, "../configs/bench/cdp-gbm.toml")
	dir := t.TempDir()
	if _, err := RunBatch(context.Background(), c, Options{Runs: 3, Seed: 1, Workers: 1, Out: dir}); err != nil {
		t.Fatal(err)
	}
	// A directory in the way of sketches.bin makes its rename fail.
	block := filepath.Join(dir, SketchesFile)
	if err := os.Remove(block); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(block, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := RunBatch(context.Background(), c, Options{Runs: 3, Seed: 2, Workers: 1, Out: dir})
	if !errors.Is(err, ErrPartialCommit) {
		t.Fatalf("err %v, want ErrPartialCommit", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); !os.IsNotExist(err) {
		t.Fatalf("a manifest is left beside the mixed files (stat: %v)", err)
	}
	if err := os.RemoveAll(block); err != nil {
		t.Fatal(err)
	}
	if _, err := RunBatch(context.Background(), c, Options{Runs: 3, Seed: 2, Workers: 1, Out: dir, Resume: true}); err != nil {
		t.Fatal(err)
	}
	fresh := t.TempDir()
	if _, err := RunBatch(context.Background(), c, Options{Runs: 3, Seed: 2, Workers: 1, Out: fresh}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{RunsFile, QuantilesFile, PathsFile, SketchesFile} {
		a, _ := os.ReadFile(filepath.Join(dir, f))
		b, _ := os.ReadFile(filepath.Join(fresh, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s after the resume differs from a fresh batch's", f)
		}
	}
}

// TestWorstPaths: paths.csv holds, for each series with a bad direction
// whose extreme over runs is past its Level (zero without one), the run
// that went furthest that way: its extreme is the exact extreme over runs
// and buckets that quantiles.csv records (min or max column), and a series
// that no run took past its Level has none. Seed 3: 40 runs of the
// benchmark scenario, and 200 runs of the baseline cut to 7 days (where
// the largest peg-rail holdings come in the first hour, which the run's
// own first bucket must not hide). quantiles.csv prints 10 significant
// digits, hence the relative tolerance of 1e-9.
func TestWorstPaths(t *testing.T) {
	for _, tc := range []struct {
		path string
		runs int
		ovs  []scenario.Override
		want []string // series that must have a worst path
	}{
		{"../configs/bench/cdp-gbm.toml", 40, nil, []string{"price_eth", "liquidated"}},
		{"../configs/baseline.toml", 200, []scenario.Override{{Key: "horizon", Value: "7d"}}, []string{"rail_exposure", "gas_price", "peg"}},
	} {
		checkWorstPaths(t, tc.path, tc.runs, tc.ovs, tc.want)
	}
}

func checkWorstPaths(t *testing.T, path string, runs int, ovs []scenario.Override, want []string) {
	c := loadCompiled(t, path, ovs...)
	dir := t.TempDir()
	if _, err := RunBatch(context.Background(), c, Options{Runs: runs, Seed: 3, Workers: 2, Out: dir}); err != nil {
		t.Fatal(err)
	}
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	num := func(s string) float64 {
		x, err := parseCell(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	metric := map[string]Metric{}
	for _, m := range c.Series() {
		metric[m.Name] = m
	}
	// The exact extreme over runs of each series, from quantiles.csv.
	q := read(QuantilesFile)
	col := map[string]int{}
	for i, h := range q[0] {
		col[h] = i
	}
	ext := map[string]float64{}
	for _, r := range q[1:] {
		if r[col["count"]] == "0" {
			continue
		}
		m := metric[r[0]]
		switch m.Worse {
		case WorseHigh:
			v := num(r[col["max"]])
			if x, ok := ext[m.Name]; !ok || v > x {
				ext[m.Name] = v
			}
		case WorseLow:
			v := num(r[col["min"]])
			if x, ok := ext[m.Name]; !ok || v < x {
				ext[m.Name] = v
			}
		}
	}
	p := read(PathsFile)
	if p[0][2] != "kind" {
		t.Fatalf("%s: paths.csv header %v: no kind column", path, p[0][:3])
	}
	seen := map[string]int{}
	for _, r := range p[1:] {
		if r[2] != pathWorst {
			continue
		}
		seen[r[1]]++
		ser := make([]float64, len(r)-3)
		for i, s := range r[3:] {
			ser[i] = num(s)
		}
		v, ok := extremeOf(ser, metric[r[1]])
		if !ok {
			t.Errorf("%s: %s: run %s's worst path never goes past its level", path, r[1], r[0])
			continue
		}
		if want := ext[r[1]]; math.Abs(v-want) > 1e-9*math.Abs(want) {
			t.Errorf("%s: %s: run %s goes to %v, the extreme over runs is %v", path, r[1], r[0], v, want)
		}
	}
	for name, m := range metric {
		x, ok := ext[name]
		past := ok && further(x, m.Level, m.Worse) && math.Abs(x-m.Level) > 1e-9*math.Abs(m.Level)
		switch {
		case seen[name] > 1:
			t.Errorf("%s: %s: %d worst paths", path, name, seen[name])
		case past && seen[name] == 0:
			t.Errorf("%s: %s: the runs' extreme %v is past the level %v, yet no worst path", path, name, x, m.Level)
		}
	}
	for _, m := range want {
		if seen[m] != 1 {
			t.Errorf("%s: %s: no worst path", path, m)
		}
	}
}

// TestExtremeTies: of runs that go equally far, the worst path is the
// earliest (runs arrive in order; a later one must go further), so it does
// not depend on how the batch was split.
func TestExtremeTies(t *testing.T) {
	m := Metric{Name: "deficit", Worse: WorseHigh}
	e := extremePath{run: -1}
	e.note(3, []float64{0, 5, 2}, m)
	e.note(7, []float64{5, 0, 0}, m)
	if e.run != 3 || e.value != 5 {
		t.Errorf("tie: run %d value %v, want the earlier run 3 at 5", e.run, e.value)
	}
	e.note(9, []float64{0, 0, 6}, m)
	if e.run != 9 || !slices.Equal(e.ser, []float64{0, 0, 6}) {
		t.Errorf("further: run %d series %v, want run 9", e.run, e.ser)
	}
	e.note(11, []float64{0, 0, 0}, Metric{Name: "deficit", Worse: WorseHigh})
	if e.run != 9 {
		t.Errorf("a run at zero replaced the worst: run %d", e.run)
	}
	low := extremePath{run: -1}
	low.note(1, []float64{1.2, 1.1}, Metric{Name: "reserve", Worse: WorseLow, Level: 1})
	if low.run != -1 {
		t.Errorf("a reserve that stayed above its level is a worst path (run %d)", low.run)
	}
}
