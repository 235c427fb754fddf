package market

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// testConfig is a world with every kind of feed: three correlated assets
// (GARCH, GBM, Merton), the reference stablecoin, two rates and gas, over
// 1,000 ten-minute steps.
func testConfig() Config {
	return Config{
		Steps: 1000,
		Dt:    Years(600),
		Assets: []Feed{
			{Name: "ETH", Process: ETHGARCH(), Initial: 2000},
			{Name: "BTC", Process: GBM{Mu: 0, Sigma: 0.6}, Initial: 40000},
			{Name: "GOLD", Process: Merton{Mu: 0.05, Sigma: 0.15, Lambda: 5, JumpMean: -0.02, JumpSD: 0.03}, Initial: 2000},
		},
		Correlation: [][]float64{{1, 0.6, 0.1}, {0.6, 1, 0.1}, {0.1, 0.1, 1}},
		Reference:   Feed{Name: "USDC", Process: DefaultPeg(), Initial: 1},
		Rates: []Feed{
			{Name: "TBILL", Process: TBillOU(), Initial: TBillLast},
			{Name: "FUNDING", Process: OU{Theta: 50, Mu: 0.1, Sigma: 0.5}, Initial: 0.1},
		},
		Gas: DefaultGas(),
	}
}

func mustWorld(t testing.TB, cfg Config) *World {
	t.Helper()
	w, err := NewWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// snapshot copies every path of w (feeds, then gas).
func snapshot(w *World) [][]float64 {
	var out [][]float64
	for j := 0; j < w.NumFeeds(); j++ {
		out = append(out, append([]float64(nil), w.Path(j)...))
	}
	return append(out, append([]float64(nil), w.GasPath()...))
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestWorldDeterminism(t *testing.T) {
	t.Parallel()
	w1, w2 := mustWorld(t, testConfig()), mustWorld(t, testConfig())
	w1.Generate(rand.New(rand.NewPCG(42, 7)))
	a := snapshot(w1)
	w2.Generate(rand.New(rand.NewPCG(1, 1))) // dirty the buffers first
	w2.Generate(rand.New(rand.NewPCG(42, 7)))
	b := snapshot(w2)
	for j := range a {
		if !sameBits(a[j], b[j]) {
			t.Errorf("path %d differs between two worlds with the same seed", j)
		}
	}
	w2.Generate(rand.New(rand.NewPCG(42, 8)))
	c := snapshot(w2)
	for j := range a {
		if sameBits(a[j], c[j]) {
			t.Errorf("path %d is the same for different seeds", j)
		}
	}
	for j := range a {
		for i, v := range a[j] {
			if !finite(v) || (j < 3 && v <= 0) {
				t.Fatalf("path %d point %d = %v", j, i, v)
			}
		}
	}
}

func TestWorldCommonRandomNumbers(t *testing.T) {
	t.Parallel()
	// A feed's randomness is keyed by its name: adding a feed, or changing
	// a shock, leaves the other feeds' paths unchanged.
	cfg := testConfig()
	base := mustWorld(t, cfg)
	base.Generate(rand.New(rand.NewPCG(3, 3)))
	a := snapshot(base)

	cfg.Assets = append(cfg.Assets, Feed{Name: "SOL", Process: GBM{Sigma: 1}, Initial: 50})
	cfg.Correlation = [][]float64{{1, 0.6, 0.1, 0}, {0.6, 1, 0.1, 0}, {0.1, 0.1, 1, 0}, {0, 0, 0, 1}}
	cfg.Shocks.Crashes = []Crash{{Feed: "SOL", Drop: 0.5, Window: Window{Start: 10, End: 20}}}
	more := mustWorld(t, cfg)
	more.Generate(rand.New(rand.NewPCG(3, 3)))
	for _, name := range []string{"ETH", "BTC", "GOLD", "USDC", "TBILL", "FUNDING"} {
		i, _ := base.FeedIndex(name)
		j, _ := more.FeedIndex(name)
		if !sameBits(base.Path(i), more.Path(j)) {
			t.Errorf("%s changed when SOL was added", name)
		}
	}
	if !sameBits(a[len(a)-1], more.GasPath()) {
		t.Error("gas changed when SOL was added")
	}
}

func TestWorldErrors(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Assets[1].Process = GBM{Sigma: -1}
	cfg.Assets[2].Name = "ETH"
	cfg.Rates[0].Process = nil
	cfg.Correlation = [][]float64{{1, 0}, {0, 1}}
	cfg.Gas.Initial = 0
	_, err := NewWorld(cfg)
	wantFieldErr(t, err, "assets[1].process.sigma", ErrNegative)
	wantFieldErr(t, err, "assets[2].name", ErrDuplicate)
	wantFieldErr(t, err, "rates[0].process", ErrRequired)
	wantFieldErr(t, err, "correlation", ErrShape)
	wantFieldErr(t, err, "gas.initial", ErrNotPositive)

	cfg = testConfig()
	cfg.Assets[0] = Feed{Name: "ETH", Process: Replay{Prices: []float64{1, 2, 3}, Interval: Years(3600)}, Initial: 1}
	_, err = NewWorld(cfg)
	wantFieldErr(t, err, "assets[0].process.prices", ErrTooShort)

	cfg = testConfig()
	cfg.Reference = Feed{}
	cfg.Shocks = Shocks{
		Crashes:       []Crash{{Feed: "DOGE", Drop: 0.5, Window: Window{Start: 0, End: 10}}, {Feed: "ETH", Drop: 1.5, Window: Window{Start: 0, End: 10}}},
		Vol:           []VolShock{{Feed: "ETH", Multiplier: 2, Window: Window{Start: 10, End: 2000}}},
		Depegs:        []Depeg{{Target: 0.9, Window: Window{Start: 0, End: 10}}},
		KeeperOutages: []KeeperOutage{{Window: Window{Start: 0, End: 10}}},
		GasSpikes:     []GasSpike{{Multiplier: 3, Window: Window{Start: 0, End: 10}}},
		Droughts:      []Drought{{Feed: "ETH", Multiplier: 0, Window: Window{Start: 5, End: 5}}},
		OracleFreezes: []OracleFreeze{{Feed: "", Window: Window{Start: 0, End: 1}}},
	}
	_, err = NewWorld(cfg)
	wantFieldErr(t, err, "shocks.crash[0].feed", ErrUnknownFeed)
	wantFieldErr(t, err, "shocks.crash[1].drop", ErrOutOfRange)
	wantFieldErr(t, err, "shocks.vol[0].window", ErrWindow)
	wantFieldErr(t, err, "shocks.depeg[0]", ErrUnknownFeed)
	wantFieldErr(t, err, "shocks.keeper_outage[0].fraction", ErrOutOfRange)
	wantFieldErr(t, err, "shocks.gas_spike[0].limit_factor", ErrOutOfRange)
	wantFieldErr(t, err, "shocks.drought[0].multiplier", ErrNotPositive)
	wantFieldErr(t, err, "shocks.drought[0].window", ErrWindow)
	wantFieldErr(t, err, "shocks.oracle_freeze[0].feed", ErrRequired)
	wantFieldErr(t, Depeg{Target: 0.9, Recover: true, Window: Window{Start: 0, End: 1}}.Validate(), "half_life", ErrNotPositive)

	_, err = NewWorld(Config{})
	wantFieldErr(t, err, "steps", ErrNotPositive)
	wantFieldErr(t, err, "dt", ErrNotPositive)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Error() != "market: steps = 0: must be positive" {
		t.Errorf("first error of NewWorld(Config{}) = %v", fe)
	}
}

func TestWorldGeneratePanicsOnNilRand(t *testing.T) {
	t.Parallel()
	w := mustWorld(t, testConfig())
	mustPanic(t, "Generate(nil)", func() { w.Generate(nil) })
}

// shocked generates cfg with and without the shocks from the same seed and
// returns both worlds.
func shocked(t *testing.T, cfg Config, s Shocks) (base, hit *World) {
	t.Helper()
	base = mustWorld(t, cfg)
	cfg.Shocks = s
	hit = mustWorld(t, cfg)
	base.Generate(rand.New(rand.NewPCG(5, 5)))
	hit.Generate(rand.New(rand.NewPCG(5, 5)))
	return base, hit
}

func TestCrashShock(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	base, hit := shocked(t, cfg, Shocks{Crashes: []Crash{{Feed: "ETH", Drop: 0.5, Window: Window{Start: 50, End: 60}}}})
	ratio := func(i int) float64 { return hit.Price(0, i) / base.Price(0, i) }
	checkClose(t, "before the window", ratio(49), 1, 1e-12)
	checkClose(t, "first point", ratio(50), math.Pow(0.5, 0.1), 1e-12)
	checkClose(t, "halfway", ratio(54), math.Pow(0.5, 0.5), 1e-12)
	checkClose(t, "end of window", ratio(59), 0.5, 1e-12)
	checkClose(t, "after", ratio(1000), 0.5, 1e-12)
	// The path goes on with its own randomness: returns after the window
	// are unchanged.
	checkClose(t, "return after", hit.Price(0, 80)/hit.Price(0, 79), base.Price(0, 80)/base.Price(0, 79), 1e-12)
	// A deterministic path hits the crashed level exactly.
	cfg.Assets[1].Process = GBM{}
	_, hit = shocked(t, cfg, Shocks{Crashes: []Crash{{Feed: AllFeeds, Drop: 0.3, Window: Window{Start: 0, End: 10}}}})
	checkClose(t, "BTC at end of window", hit.Price(1, 9), 40000*0.7, 1e-9)
	if v := hit.Price(3, 9); v < 0.99 {
		t.Errorf("AllFeeds crashed the reference stablecoin to %v", v)
	}
}

func TestVolShock(t *testing.T) {
	t.Parallel()
	const n, m = 40_000, 3.0
	g := GBM{Mu: 0, Sigma: 0.8}
	cfg := Config{Steps: n, Dt: Years(600), Assets: []Feed{{Name: "ETH", Process: g, Initial: 1000}}}
	base, hit := shocked(t, cfg, Shocks{Vol: []VolShock{{Feed: "ETH", Multiplier: m, Window: Window{Start: 1, End: n/2 + 1}}}})
	rb, rh := logReturns(base.Path(0)), logReturns(hit.Path(0))
	dt := cfg.Dt
	// Same innovations: each centred return in the window is m times the
	// unshocked one; outside it is unchanged.
	for _, i := range []int{0, 100, n/2 - 1} {
		checkClose(t, "scaled return", rh[i]+m*m*g.Sigma*g.Sigma*dt/2, m*(rb[i]+g.Sigma*g.Sigma*dt/2), 1e-12)
	}
	checkClose(t, "return after window", rh[n/2], rb[n/2], 1e-15)
	// Realised variance in the window is m²σ²dt (5 SE, normal returns).
	_, v := meanVar(rh[:n/2])
	want := m * m * g.Sigma * g.Sigma * dt
	checkWithin(t, "variance in window", v, want, want*math.Sqrt(2.0/(n/2-1)), 5)
	_, v = meanVar(rh[n/2:])
	want = g.Sigma * g.Sigma * dt
	checkWithin(t, "variance after window", v, want, want*math.Sqrt(2.0/(n/2-1)), 5)
}

func TestDepegShock(t *testing.T) {
	t.Parallel()
	cfg := Config{Steps: 200, Dt: Years(600), Reference: Feed{Name: "USDC", Process: Peg{Theta: 10, Sigma: 0}, Initial: 1}}
	_, hit := shocked(t, cfg, Shocks{Depegs: []Depeg{{Target: 0.9, Recover: true, HalfLife: 30, Window: Window{Start: 10, End: 20}}}})
	ref, _ := hit.ReferenceIndex()
	checkClose(t, "before", hit.Price(ref, 9), 1, 1e-15)
	checkClose(t, "ramp", hit.Price(ref, 14), 0.95, 1e-12)
	checkClose(t, "target at end of window", hit.Price(ref, 19), 0.9, 1e-12)
	checkClose(t, "one half-life later", hit.Price(ref, 49), 0.95, 1e-12)
	checkClose(t, "two half-lives later", hit.Price(ref, 79), 0.975, 1e-12)

	_, hit = shocked(t, cfg, Shocks{Depegs: []Depeg{{Target: 0.8, Window: Window{Start: 0, End: 5}}}})
	checkClose(t, "stays", hit.Price(ref, 200), 0.8, 1e-12)

	// With noise, the price at the end of the window is the target plus
	// the peg's own deviation (stationary SD PegSD = 10 bp).
	cfg.Reference.Process = DefaultPeg()
	_, hit = shocked(t, cfg, Shocks{Depegs: []Depeg{{Target: 0.9, Window: Window{Start: 10, End: 20}}}})
	if d := math.Abs(hit.Price(ref, 19) - 0.9); d > 5*PegSD {
		t.Errorf("depegged price %v is %v from the target", hit.Price(ref, 19), d)
	}
}

func TestOracleFreezeShock(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Shocks.OracleFreezes = []OracleFreeze{{Feed: "ETH", Window: Window{Start: 10, End: 30}}}
	w := mustWorld(t, cfg)
	w.Generate(rand.New(rand.NewPCG(9, 9)))
	o, err := NewOracle(OracleConfig{Deviation: 0, Heartbeat: 3600, Timeout: 1800, Max: math.Inf(1)})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= 40; i++ {
		now := int64(600 * i)
		if !w.OracleFrozen(0, i) {
			o.Update(now, w.Price(0, i))
		}
		switch {
		case i < 10 || i >= 30:
			if o.Price() != w.Price(0, i) {
				t.Errorf("step %d: oracle %v, market %v", i, o.Price(), w.Price(0, i))
			}
		default:
			if o.Price() != w.Price(0, 9) {
				t.Errorf("step %d: frozen oracle moved to %v", i, o.Price())
			}
			// Last update at step 9 (5400 s); stale once older than 1800 s.
			if o.Stale(now) != (now-5400 > 1800) {
				t.Errorf("step %d: Stale = %v", i, o.Stale(now))
			}
		}
	}
	if w.OracleFrozen(1, 15) {
		t.Error("BTC frozen by an ETH freeze")
	}
	cfg.Shocks.OracleFreezes = []OracleFreeze{{Feed: AllFeeds, Window: Window{Start: 10, End: 30}}}
	w = mustWorld(t, cfg)
	for j := 0; j < w.NumFeeds(); j++ {
		if !w.OracleFrozen(j, 10) || w.OracleFrozen(j, 30) {
			t.Errorf("AllFeeds freeze: feed %s not frozen in exactly [10,30)", w.FeedName(j))
		}
	}
}

func TestKeeperGasDroughtSchedules(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	base, hit := shocked(t, cfg, Shocks{
		KeeperOutages: []KeeperOutage{{Fraction: 1, Window: Window{Start: 5, End: 10}}, {Fraction: 0.5, Window: Window{Start: 8, End: 12}}},
		GasSpikes:     []GasSpike{{Multiplier: 5, LimitFactor: 0.5, Window: Window{Start: 10, End: 20}}},
		Droughts:      []Drought{{Feed: "ETH", Multiplier: 4, Window: Window{Start: 100, End: 200}}},
	})
	for _, c := range []struct {
		step  int
		avail float64
	}{{4, 1}, {5, 0}, {8, 0}, {10, 0.5}, {11, 0.5}, {12, 1}} {
		if got := hit.KeeperAvailability(c.step); got != c.avail {
			t.Errorf("KeeperAvailability(%d) = %v, want %v", c.step, got, c.avail)
		}
		if got := hit.KeepersOnline(c.step); got != (c.avail == 1) {
			t.Errorf("KeepersOnline(%d) = %v", c.step, got)
		}
	}
	if !base.KeepersOnline(7) || base.KeeperAvailability(7) != 1 {
		t.Error("keepers offline without an outage")
	}
	for i := 0; i < 30; i++ {
		wantMul, wantLimit := 1.0, uint64(GasLimit)
		if i >= 10 && i < 20 {
			wantMul, wantLimit = 5, GasLimit/2
		}
		checkClose(t, "gas multiplier", hit.GasPrice(i)/base.GasPrice(i), wantMul, 1e-12)
		if hit.GasLimit(i) != wantLimit {
			t.Errorf("GasLimit(%d) = %d, want %d", i, hit.GasLimit(i), wantLimit)
		}
	}
	l := WETHLiquidity()
	for _, c := range []struct {
		feed, step int
		mul        float64
	}{{0, 99, 1}, {0, 100, 4}, {0, 199, 4}, {0, 200, 1}, {1, 150, 1}} {
		m := hit.ImpactMultiplier(c.feed, c.step)
		if m != c.mul {
			t.Errorf("ImpactMultiplier(%d, %d) = %v, want %v", c.feed, c.step, m, c.mul)
		}
		checkClose(t, "drought impact", l.Impact(1e6, m), c.mul*l.Impact(1e6, 1), 1e-12)
	}
}

func TestWorldAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	w := mustWorld(t, testConfig())
	r := rand.New(rand.NewPCG(1, 2))
	if a := testing.AllocsPerRun(10, func() { w.Generate(r) }); a != 0 {
		t.Errorf("Generate allocates %v times per run", a)
	}
	o, _ := NewOracle(DefaultOSM())
	now := int64(0)
	if a := testing.AllocsPerRun(100, func() { now += 600; o.Update(now, 2000+float64(now%7)) }); a != 0 {
		t.Errorf("Oracle.Update allocates %v times per call", a)
	}
}

func BenchmarkWorldGenerate(b *testing.B) {
	// 30 days of 10-minute steps: 4,320 steps, 3 correlated assets, the
	// reference stablecoin, 2 rates and gas.
	cfg := testConfig()
	cfg.Steps = 4320
	cfg.Shocks = Shocks{
		Crashes: []Crash{{Feed: "ETH", Drop: 0.4, Window: Window{Start: 100, End: 200}}},
		Vol:     []VolShock{{Feed: AllFeeds, Multiplier: 2, Window: Window{Start: 100, End: 300}}},
		Depegs:  []Depeg{{Target: 0.95, Recover: true, HalfLife: 144, Window: Window{Start: 100, End: 150}}},
	}
	w := mustWorld(b, cfg)
	r := rand.New(rand.NewPCG(1, 1))
	b.ReportAllocs()
	for b.Loop() {
		w.Generate(r)
	}
}

func BenchmarkOracleUpdate(b *testing.B) {
	o, err := NewOracle(DefaultOSM())
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	prices := make([]float64, 4096)
	p := 2000.0
	for i := range prices {
		p *= math.Exp(0.01 * r.NormFloat64())
		prices[i] = p
	}
	b.ReportAllocs()
	now := int64(0)
	i := 0
	for b.Loop() {
		now += 600
		o.Update(now, prices[i&4095])
		i++
	}
}
