package market

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// Feed is one named exogenous series of a [World]: a process and its level
// at time 0.
type Feed struct {
	Name    string
	Process Process
	Initial float64
}

// Gas is the gas market of a [World]: the gas price in gwei follows Price
// (typically a [LogOU] with spikes) from Initial, or stays at Initial if
// Price is nil; Limit is the block gas limit when no [GasSpike] is active
// (0 if the scenario does not model block space).
type Gas struct {
	Price   Process
	Initial float64 // gwei
	Limit   uint64  // gas per block
}

// Config describes the market of one scenario.
//
// Feeds are indexed in this order: Assets (correlated through Correlation if
// it is not nil), then Reference if it has a Process, then Rates (yields and
// funding rates, independent). Names must be unique, non-empty and not
// [AllFeeds].
type Config struct {
	Steps       int         // number of steps; paths have Steps+1 points
	Dt          float64     // step length in years
	Assets      []Feed      // correlated asset prices
	Correlation [][]float64 // nil for independent assets
	Reference   Feed        // reference stablecoin price; absent if Process is nil and Name empty
	Rates       []Feed      // yields and funding rates
	Gas         Gas
	Shocks      Shocks
}

// World holds the buffers of one run's market and fills them. Build it
// once per worker with [NewWorld] and call [World.Generate] for each run;
// slices returned by its methods are views into buffers that the next
// Generate overwrites. A World is not safe for concurrent use.
type World struct {
	steps   int
	dt      float64
	names   []string
	index   map[string]int
	procs   []Process
	initial []float64
	nAssets int
	ref     int // feed index of the reference, or −1
	corr    Correlation
	hasCorr bool

	pcgs    []*rand.PCG // one stream per feed, then gas
	streams []*rand.Rand
	keys    []uint64

	z      [][]float64 // per feed, Steps normals
	paths  [][]float64 // per feed, Steps+1 points
	scale  [][]float64 // per feed, nil or Steps volatility multipliers
	crash  [][]float64 // per feed, nil or Steps+1 crash factors
	depeg  []float64   // nil or Steps+1 reference displacements
	frozen [][]bool    // per feed, nil or Steps+1 freeze flags
	impact [][]float64 // per feed, nil or Steps+1 drought multipliers
	avail  []float64   // nil or Steps+1 keeper availabilities

	gasProc  Process
	gasInit  float64
	gasZ     []float64
	gasPath  []float64
	gasMul   []float64 // nil or Steps+1
	gasLimit []uint64  // Steps+1
}

// NewWorld validates cfg and allocates a World for it. It returns every
// configuration error it finds, joined, as [*FieldError]s with dotted
// field paths (for example "assets[0].process.sigma",
// "shocks.crash[1].window").
func NewWorld(cfg Config) (*World, error) {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if cfg.Steps < 1 {
		add(fieldErr("steps", cfg.Steps, ErrNotPositive))
	}
	if !finite(cfg.Dt) || cfg.Dt <= 0 {
		add(fieldErr("dt", cfg.Dt, ErrNotPositive))
	}
	w := &World{steps: cfg.Steps, dt: cfg.Dt, index: map[string]int{}, ref: -1}
	addFeed := func(field string, f Feed) {
		if f.Name == "" || f.Name == AllFeeds {
			add(fieldErr(field+".name", f.Name, ErrRequired))
		} else if _, dup := w.index[f.Name]; dup {
			add(fieldErr(field+".name", f.Name, ErrDuplicate))
		}
		if f.Process == nil {
			add(fieldErr(field+".process", nil, ErrRequired))
		} else {
			add(prefixErrors(field+".process", f.Process.Validate()))
			if hc, ok := f.Process.(HorizonChecker); ok && cfg.Steps > 0 && cfg.Dt > 0 {
				add(prefixErrors(field+".process", hc.CheckHorizon(cfg.Steps, cfg.Dt)))
			}
		}
		if needsPositiveStart(f.Process) && (!(f.Initial > 0) || math.IsInf(f.Initial, 1)) {
			add(fieldErr(field+".initial", f.Initial, fmt.Errorf("%w: a price starts positive and finite", ErrNotPositive)))
		} else if !finite(f.Initial) {
			add(fieldErr(field+".initial", f.Initial, ErrNotFinite))
		}
		if f.Name != "" {
			w.index[f.Name] = len(w.names)
		}
		w.names = append(w.names, f.Name)
		w.procs = append(w.procs, f.Process)
		w.initial = append(w.initial, f.Initial)
	}
	for i, f := range cfg.Assets {
		addFeed(fmt.Sprintf("assets[%d]", i), f)
	}
	w.nAssets = len(cfg.Assets)
	if cfg.Reference.Process != nil || cfg.Reference.Name != "" {
		w.ref = len(w.names)
		addFeed("reference", cfg.Reference)
	}
	for i, f := range cfg.Rates {
		addFeed(fmt.Sprintf("rates[%d]", i), f)
	}
	if cfg.Correlation != nil {
		c, err := NewCorrelation(cfg.Correlation)
		switch {
		case err != nil:
			add(err)
		case c.Dim() != w.nAssets:
			add(fieldErr("correlation", c.Dim(), fmt.Errorf("%w: %d assets", ErrShape, w.nAssets)))
		default:
			w.corr, w.hasCorr = c, true
		}
	}
	w.gasProc = cfg.Gas.Price
	if w.gasProc == nil {
		w.gasProc = Constant{}
	} else {
		add(prefixErrors("gas.price", w.gasProc.Validate()))
	}
	switch gi := cfg.Gas.Initial; {
	case !finite(gi):
		add(fieldErr("gas.initial", gi, ErrNotFinite))
	case gi < 0 || (gi == 0 && needsPositiveStart(w.gasProc)):
		add(fieldErr("gas.initial", gi, ErrNotPositive))
	}
	w.gasInit = cfg.Gas.Initial
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := w.buildShocks(cfg); err != nil {
		return nil, err
	}
	w.allocate()
	return w, nil
}

// needsPositiveStart reports whether the process works in logs and needs a
// positive initial level (every process but OU, Peg and Constant).
func needsPositiveStart(p Process) bool {
	switch p.(type) {
	case nil, OU, *OU, Peg, *Peg, Constant, *Constant:
		return false
	}
	return true
}

// feedsFor resolves a shock's feed name: AllFeeds gives every asset (or
// every feed if all is true).
func (w *World) feedsFor(name string, all bool) ([]int, bool) {
	if name == AllFeeds {
		n := w.nAssets
		if all {
			n = len(w.names)
		}
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out, true
	}
	i, ok := w.index[name]
	if !ok {
		return nil, false
	}
	return []int{i}, true
}

// buildShocks validates cfg.Shocks against the world and precomputes their
// schedules.
func (w *World) buildShocks(cfg Config) error {
	points := w.steps + 1
	nf := len(w.names)
	w.scale = make([][]float64, nf)
	w.crash = make([][]float64, nf)
	w.frozen = make([][]bool, nf)
	w.impact = make([][]float64, nf)
	var errs []error
	check := func(field string, err error) bool {
		if err != nil {
			errs = append(errs, prefixErrors(field, err))
			return false
		}
		return true
	}
	resolve := func(field, name string, all bool) []int {
		fs, ok := w.feedsFor(name, all)
		if !ok {
			errs = append(errs, fieldErr(field+".feed", name, ErrUnknownFeed))
		}
		return fs
	}
	ones := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = 1
		}
		return s
	}
	sh := cfg.Shocks
	for k, s := range sh.Vol {
		f := fmt.Sprintf("shocks.vol[%d]", k)
		if !check(f, s.validate(points)) {
			continue
		}
		for _, j := range resolve(f, s.Feed, false) {
			if w.scale[j] == nil {
				w.scale[j] = ones(w.steps)
			}
			for i := max(s.Start, 1); i < s.End; i++ {
				w.scale[j][i-1] *= s.Multiplier
			}
		}
	}
	for k, s := range sh.Crashes {
		f := fmt.Sprintf("shocks.crash[%d]", k)
		if !check(f, s.validate(points)) {
			continue
		}
		for _, j := range resolve(f, s.Feed, false) {
			if w.crash[j] == nil {
				w.crash[j] = ones(points)
			}
			for i := range w.crash[j] {
				w.crash[j][i] *= s.Factor(i)
			}
		}
	}
	for k, s := range sh.Depegs {
		f := fmt.Sprintf("shocks.depeg[%d]", k)
		if !check(f, s.validate(points)) {
			continue
		}
		if w.ref < 0 {
			errs = append(errs, fieldErr(f, nil, fmt.Errorf("%w: the world has no reference stablecoin", ErrUnknownFeed)))
			continue
		}
		if w.depeg == nil {
			w.depeg = make([]float64, points)
		}
		for i := range w.depeg {
			w.depeg[i] += s.Displacement(i)
		}
	}
	for k, s := range sh.OracleFreezes {
		f := fmt.Sprintf("shocks.oracle_freeze[%d]", k)
		if !check(f, s.validate(points)) {
			continue
		}
		for _, j := range resolve(f, s.Feed, true) {
			if w.frozen[j] == nil {
				w.frozen[j] = make([]bool, points)
			}
			for i := s.Start; i < s.End; i++ {
				w.frozen[j][i] = true
			}
		}
	}
	for k, s := range sh.KeeperOutages {
		f := fmt.Sprintf("shocks.keeper_outage[%d]", k)
		if !check(f, s.validate(points)) {
			continue
		}
		if w.avail == nil {
			w.avail = ones(points)
		}
		for i := s.Start; i < s.End; i++ {
			w.avail[i] *= 1 - s.Fraction
		}
	}
	limitFactor := ones(points)
	for k, s := range sh.GasSpikes {
		f := fmt.Sprintf("shocks.gas_spike[%d]", k)
		if !check(f, s.validate(points)) {
			continue
		}
		if w.gasMul == nil {
			w.gasMul = ones(points)
		}
		for i := s.Start; i < s.End; i++ {
			w.gasMul[i] *= s.Multiplier
			limitFactor[i] *= s.LimitFactor
		}
	}
	for k, s := range sh.Droughts {
		f := fmt.Sprintf("shocks.drought[%d]", k)
		if !check(f, s.validate(points)) {
			continue
		}
		for _, j := range resolve(f, s.Feed, false) {
			if w.impact[j] == nil {
				w.impact[j] = ones(points)
			}
			for i := s.Start; i < s.End; i++ {
				w.impact[j][i] *= s.Multiplier
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	w.gasLimit = make([]uint64, points)
	for i := range w.gasLimit {
		w.gasLimit[i] = uint64(math.Floor(float64(cfg.Gas.Limit) * limitFactor[i]))
	}
	return nil
}

// allocate creates the streams and path buffers.
func (w *World) allocate() {
	nf := len(w.names)
	w.z = make([][]float64, nf)
	w.paths = make([][]float64, nf)
	for j := range w.names {
		w.z[j] = make([]float64, w.steps)
		w.paths[j] = make([]float64, w.steps+1)
	}
	w.gasZ = make([]float64, w.steps)
	w.gasPath = make([]float64, w.steps+1)
	for j := 0; j <= nf; j++ {
		name := "gas"
		if j < nf {
			name = "feed/" + w.names[j]
		}
		h := fnv.New64a()
		h.Write([]byte(name))
		p := rand.NewPCG(0, 0)
		w.pcgs = append(w.pcgs, p)
		w.streams = append(w.streams, rand.New(p))
		w.keys = append(w.keys, h.Sum64())
	}
}

// splitmix64 is the finaliser of the SplitMix64 generator, used to derive
// stream seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Generate fills the world's paths for one run from r. It allocates nothing.
//
// It draws exactly two uint64 from r and derives from them one PCG stream
// per feed (keyed by the feed's name) and one for gas, so a feed's own
// randomness does not depend on which other feeds exist. In order:
//
//  1. every feed draws Steps standard normals from its stream (assets,
//     reference, rates, then gas);
//  2. the asset normals are correlated by the Cholesky factor;
//  3. each feed's Process fills its path from its stream (its extra draws
//     follow its normals), with the volatility multipliers of [VolShock]s;
//  4. the reference gets the [Depeg] displacements (added);
//  5. every feed gets its [Crash] factors (multiplied);
//  6. the gas price path is filled and multiplied by the [GasSpike]
//     multipliers.
//
// Oracle freezes, keeper outages, gas limits and droughts are schedules
// fixed at construction. Generate panics if r is nil.
func (w *World) Generate(r *rand.Rand) {
	if r == nil {
		panic("market: nil rand source")
	}
	b1, b2 := r.Uint64(), r.Uint64()
	for j, p := range w.pcgs {
		k := w.keys[j]
		p.Seed(splitmix64(b1^k), splitmix64(b2^(k<<32|k>>32)))
	}
	for j := range w.names {
		Normals(w.streams[j], w.z[j])
	}
	Normals(w.streams[len(w.names)], w.gasZ)
	if w.hasCorr {
		w.corr.Apply(w.z[:w.nAssets])
	}
	for j, p := range w.procs {
		path := w.paths[j]
		p.Fill(w.streams[j], w.z[j], w.scale[j], w.dt, w.initial[j], path)
		if j == w.ref && w.depeg != nil {
			for i, d := range w.depeg {
				path[i] += d
			}
		}
		if c := w.crash[j]; c != nil {
			for i, f := range c {
				path[i] *= f
			}
		}
	}
	w.gasProc.Fill(w.streams[len(w.names)], w.gasZ, nil, w.dt, w.gasInit, w.gasPath)
	if w.gasMul != nil {
		for i, m := range w.gasMul {
			w.gasPath[i] *= m
		}
	}
}

// Steps returns the number of steps; paths have Steps()+1 points.
func (w *World) Steps() int { return w.steps }

// Dt returns the step length in years.
func (w *World) Dt() float64 { return w.dt }

// NumFeeds returns the number of feeds.
func (w *World) NumFeeds() int { return len(w.names) }

// NumAssets returns the number of asset feeds (feeds 0..NumAssets()-1).
func (w *World) NumAssets() int { return w.nAssets }

// FeedName returns the name of feed i. It panics if i is out of range.
func (w *World) FeedName(i int) string { return w.names[i] }

// FeedIndex returns the index of the feed called name.
func (w *World) FeedIndex(name string) (int, bool) {
	i, ok := w.index[name]
	return i, ok
}

// ReferenceIndex returns the feed index of the reference stablecoin, if the
// world has one.
func (w *World) ReferenceIndex() (int, bool) { return w.ref, w.ref >= 0 }

// Path returns feed's path (Steps()+1 points) for the last Generate. The
// slice is a view that the next Generate overwrites. It panics if feed is
// out of range.
func (w *World) Path(feed int) []float64 { return w.paths[feed] }

// Price returns feed's level at point step. It panics if feed or step is
// out of range.
func (w *World) Price(feed, step int) float64 { return w.paths[feed][step] }

// GasPath returns the gas price path in gwei (a view, see Path).
func (w *World) GasPath() []float64 { return w.gasPath }

// GasPrice returns the gas price in gwei at point step. It panics if step
// is out of range.
func (w *World) GasPrice(step int) float64 { return w.gasPath[step] }

// GasLimit returns the block gas limit at point step. It panics if step is
// out of range.
func (w *World) GasLimit(step int) uint64 { return w.gasLimit[step] }

// OracleFrozen reports whether the oracles of feed are frozen at point
// step: the engine then skips their Update. It panics if feed or step is out
// of range.
func (w *World) OracleFrozen(feed, step int) bool {
	f := w.frozen[feed]
	if f == nil {
		_ = w.paths[feed][step] // bounds check
		return false
	}
	return f[step]
}

// ImpactMultiplier returns the [Drought] multiplier on feed's external
// impact coefficient at point step (1 without drought). It panics if feed or
// step is out of range.
func (w *World) ImpactMultiplier(feed, step int) float64 {
	m := w.impact[feed]
	if m == nil {
		_ = w.paths[feed][step]
		return 1
	}
	return m[step]
}

// KeeperAvailability returns the fraction of keepers online at point step:
// the product of 1−Fraction over the active [KeeperOutage]s (1 without
// outage). It panics if step is out of range.
func (w *World) KeeperAvailability(step int) float64 {
	if w.avail == nil {
		_ = w.gasLimit[step]
		return 1
	}
	return w.avail[step]
}

// KeepersOnline reports whether no keeper outage is active at point step
// (KeeperAvailability(step) == 1). It panics if step is out of range.
func (w *World) KeepersOnline(step int) bool { return w.KeeperAvailability(step) == 1 }
