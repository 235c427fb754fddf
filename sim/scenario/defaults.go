package scenario

import (
	"math"
	"sort"

	"github.com/tempest-risk/tempest/market"
)

// Defaults for keys a scenario leaves out. Protocol defaults follow Maker's
// live ETH-A settings (dss spells-mainnet config) where one exists.
var (
	defaultStep       = Dur("10m")
	defaultHorizon    = Dur("30d")
	defaultBucket     = Dur("1h")
	defaultCheckEvery = Dur("1h")
)

const defaultRuns = 1000

// defaults fills every key the file left out. md tells unset from zero for
// plain numbers; Decimal and Duration know whether they were set.
func (s *Scenario) defaults(isDefined func(key ...string) bool) {
	setDur := func(d *Duration, v Duration) {
		if !d.Set() {
			*d = v
		}
	}
	setDec := func(d *Decimal, v string) {
		if !d.Set() {
			*d = D(v)
		}
	}
	setDur(&s.Step, defaultStep)
	setDur(&s.Horizon, defaultHorizon)
	setDur(&s.Bucket, defaultBucket)
	setDur(&s.CheckEvery, defaultCheckEvery)
	if !isDefined("runs") {
		s.Runs = defaultRuns
	}
	if !isDefined("seed") {
		s.Seed = 1
	}

	b := &s.Backstop
	setDec(&b.Hump, "0")
	setDec(&b.Bump, "0")
	setDur(&b.Wait, Dur("4h"))
	setDec(&b.Beg, "1.05")
	setDec(&b.Pad, "1.5")
	setDur(&b.TTL, Dur("3h"))
	setDur(&b.Tau, Dur("2d"))
	setDur(&b.RecapDelay, Dur("3d"))
	setDec(&b.Reserve, "0")
	setDec(&b.RecapMax, "0")

	if s.Auction == nil {
		s.Auction = map[string]*Auction{}
	}
	if s.Oracles == nil {
		s.Oracles = map[string]*Oracle{}
	}
	for _, name := range s.ProfileNames() {
		p := s.Profiles[name]
		if !isDefined("profiles", name, "decimals") {
			p.Decimals = 18
		}
		setDec(&p.FeeRate, "0")
		setDec(&p.Dust, "0")
		a := s.Auction[name]
		if a == nil {
			a = &Auction{}
			s.Auction[name] = a
		}
		if a.Sale == "" {
			a.Sale = "auction"
		}
		setDec(&a.Chop, "1.13")
		if !a.Hole.Set() {
			a.Hole = p.DebtCeiling
		}
		setDec(&a.Buf, "1.2")
		setDur(&a.Tail, Dur("2h"))
		setDec(&a.Cusp, "0.45")
		setDec(&a.Chip, "0.001")
		setDec(&a.Tip, "250")
		if a.Curve == "" {
			a.Curve = "stairstep"
		}
		setDur(&a.Step, Dur("90s"))
		setDec(&a.Cut, "0.99")
		setDur(&a.Tau, Dur("2h"))
		o := s.Oracles[name]
		if o == nil {
			o = &Oracle{}
			s.Oracles[name] = o
		}
		if !isDefined("oracles", name, "deviation") {
			o.Deviation = market.OracleDeviation
		}
		setDur(&o.Heartbeat, Dur("1h"))
		setDur(&o.Delay, Dur("1h"))
		setDur(&o.Timeout, Dur("5h"))
	}
	for _, name := range s.RailNames() {
		r := s.PegRail[name]
		if !isDefined("pegrail", name, "decimals") {
			r.Decimals = 6
		}
		setDec(&r.Tin, "0")
		setDec(&r.Tout, "0")
	}
	if pp := s.PegPool; pp != nil {
		if pp.Rail == "" && len(s.PegRail) == 1 {
			pp.Rail = s.RailNames()[0]
		}
		if !isDefined("pegpool", "a") {
			pp.A = 200
		}
		setDec(&pp.Fee, "0.0001")
		setDec(&pp.OffpegFee, "5")
		setDur(&pp.MAExpTime, Dur("866s"))
	}

	for _, name := range s.AssetNames() {
		a := s.Market.Assets[name]
		if a.Column == "" {
			a.Column = "Close"
		}
		if a.Time == "" {
			a.Time = "Date"
		}
		if !a.Period.Set() {
			a.Period = Dur("1h")
		}
	}
	g := &s.Market.Gas
	dg := market.DefaultGasPrice()
	if !isDefined("market", "gas", "initial") {
		g.Initial = market.GasLevelGwei
	}
	if !isDefined("market", "gas", "theta") {
		g.Theta = dg.Theta
	}
	if !isDefined("market", "gas", "sigma") {
		g.Sigma = dg.Sigma
	}
	if !isDefined("market", "gas", "spikes") {
		g.Spikes = dg.Lambda
	}
	if !isDefined("market", "gas", "spike_mean") {
		g.SpikeMean = dg.JumpMean
	}
	if !isDefined("market", "gas", "spike_sd") {
		g.SpikeSD = dg.JumpSD
	}
	if !isDefined("market", "gas", "block_limit") {
		g.BlockLimit = market.GasLimit
	}
	if !isDefined("market", "gas", "eth_price") {
		g.EthPrice = 3000
	}

	for i := range s.Shocks {
		sh := &s.Shocks[i]
		if sh.Kind == "keeper_outage" && sh.Fraction == 0 {
			sh.Fraction = 1
		}
		if sh.Kind == "gas_spike" && sh.LimitFactor == 0 {
			sh.LimitFactor = 1
		}
	}

	var line, hole Decimal
	line, hole = D("0"), D("0")
	for _, name := range s.ProfileNames() {
		line = addDec(line, s.Profiles[name].DebtCeiling)
		hole = addDec(hole, s.Auction[name].Hole)
	}
	for _, name := range s.RailNames() {
		line = addDec(line, s.PegRail[name].Cap)
	}
	if !s.System.DebtCeiling.Set() {
		s.System.DebtCeiling = line
	}
	if !s.System.LiquidationLimit.Set() {
		s.System.LiquidationLimit = hole
	}

	ag := &s.Agents
	for _, bg := range ag.Borrowers {
		defDist(&bg.Attention, Dist{Dist: "const", Value: 24})
		defDist(&bg.Buffer, Dist{Dist: "uniform", Min: 0.1, Max: 0.5})
		defDist(&bg.Reserve, Dist{Dist: "const", Value: 0.25})
		defDist(&bg.LeverageBand, Dist{Dist: "const", Value: 0.25})
	}
	if k := ag.Keepers; k != nil {
		defDist(&k.Capital, Dist{Dist: "const", Value: 1e6})
		defDist(&k.Latency, Dist{Dist: "const", Value: 1})
		defDist(&k.Priority, Dist{Dist: "const", Value: 2})
		if !isDefined("agents", "keepers", "max_txs") {
			k.MaxTxs = 5
		}
		if !isDefined("agents", "keepers", "min_profit") {
			k.MinProfit = 10
		}
	}
	if a := ag.Arbitrageurs; a != nil {
		defDist(&a.Capital, Dist{Dist: "const", Value: 5e6})
		defDist(&a.Latency, Dist{Dist: "const", Value: 1})
		if !isDefined("agents", "arbitrageurs", "min_profit") {
			a.MinProfit = 5
		}
	}
}

// defDist gives d the default v when the scenario sets none of its keys.
// A d with only a value is that constant; one with other keys but no dist
// is left for validation to name the missing dist.
func defDist(d *Dist, v Dist) {
	switch {
	case *d == Dist{}:
		*d = v
	case d.Dist == "" && *d == Dist{Value: d.Value}:
		d.Dist = "const"
	}
}

func addDec(a, b Decimal) Decimal {
	sum := new(bigRat).Add(a.Rat(), b.Rat())
	return D(sum.FloatString(decimalsOf(a, b)))
}

// ProfileNames returns the profile names in sorted order (the order of
// construction, so runs are deterministic).
func (s *Scenario) ProfileNames() []string { return sortedKeys(s.Profiles) }

// RailNames returns the rail names in sorted order.
func (s *Scenario) RailNames() []string { return sortedKeys(s.PegRail) }

// AssetNames returns the market asset names in sorted order.
func (s *Scenario) AssetNames() []string { return sortedKeys(s.Market.Assets) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// StepSeconds returns the block interval in seconds.
func (s *Scenario) StepSeconds() int64 { return s.Step.Seconds() }

// Steps returns the number of blocks in a run.
func (s *Scenario) Steps() int { return int(s.Horizon.Seconds() / s.Step.Seconds()) }

// Buckets returns the number of time buckets in quantiles.csv.
func (s *Scenario) Buckets() int {
	return int(math.Ceil(float64(s.Horizon.Seconds()) / float64(s.Bucket.Seconds())))
}
