package scenario

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/tempest-risk/tempest/market"
)

// Processes names the price processes an asset can follow.
var Processes = []string{"gbm", "merton", "garch", "regime", "replay", "bootstrap", "nav", "peg", "constant"}

// process builds the market process of asset name. Data files are read here.
func (s *Scenario) process(name string, a *Asset) (market.Process, error) {
	dt := market.Years(s.StepSeconds())
	switch a.Process {
	case "gbm":
		return market.GBM{Mu: a.Mu, Sigma: a.Sigma}, nil
	case "merton":
		return market.Merton{Mu: a.Mu, Sigma: a.Sigma, Lambda: a.Lambda, JumpMean: a.JumpMean, JumpSD: a.JumpSD}, nil
	case "garch":
		return market.GARCH{Mu: a.Mu, Omega: a.Omega, Alpha: a.Alpha, Beta: a.Beta,
			Period: market.Years(a.Period.Seconds())}, nil
	case "regime":
		return market.RegimeSwitching{Mu: a.RegimeMu, Sigma: a.RegimeSigma, Rates: a.RegimeRates}, nil
	case "nav":
		return market.NAV{Yield: a.Yield, Theta: a.Theta, Mu: a.Level, Sigma: a.YieldSigma}, nil
	case "peg":
		return market.Peg{Theta: a.Theta, Sigma: a.Sigma}, nil
	case "constant":
		return market.Constant{}, nil
	case "replay", "bootstrap":
		if a.File == "" {
			return nil, &market.FieldError{Field: "file", Err: market.ErrRequired}
		}
		ser, err := market.LoadSeries(s.DataPath(a.File), a.Time, a.Column)
		if err != nil {
			return nil, err
		}
		interval, err := seriesInterval(ser)
		if err != nil {
			return nil, err
		}
		if a.Process == "bootstrap" {
			step := int64(math.Round(interval * float64(market.SecondsPerYear)))
			ret, err := ser.LogReturns(step)
			if err != nil {
				return nil, err
			}
			bl := a.BlockLen
			if bl == 0 {
				bl = 24
			}
			return market.Bootstrap{Returns: ret, Interval: interval, BlockLen: bl, Stationary: true}, nil
		}
		start := 0
		if a.From != "" {
			t, err := time.Parse("2006-01-02", a.From)
			if err != nil {
				return nil, &market.FieldError{Field: "from", Value: a.From, Err: errors.New("must be a date YYYY-MM-DD")}
			}
			for start < ser.Len()-1 && ser.Times[start] < t.Unix() {
				start++
			}
		}
		_ = dt
		return market.Replay{Prices: ser.Values, Interval: interval, Start: start}, nil
	}
	return nil, &market.FieldError{Field: "process", Value: a.Process,
		Err: fmt.Errorf("unknown process (one of %s)", strings.Join(Processes, ", "))}
}

// seriesInterval is the typical spacing of a series in years (its median
// gap), so hourly data replays at one point an hour.
func seriesInterval(s market.Series) (float64, error) {
	if s.Len() < 2 {
		return 0, market.ErrTooShort
	}
	gaps := make([]int64, 0, s.Len()-1)
	for i := 1; i < s.Len(); i++ {
		gaps = append(gaps, s.Times[i]-s.Times[i-1])
	}
	// median by partial selection is overkill here; sort a copy
	sortInt64(gaps)
	return market.Years(gaps[len(gaps)/2]), nil
}

func sortInt64(x []int64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

// ReferenceAsset is the market asset of the peg pool's reference stablecoin
// (the feed depeg shocks move), or "".
func (s *Scenario) ReferenceAsset() string {
	if s.PegPool == nil {
		return ""
	}
	if r := s.PegRail[s.PegPool.Rail]; r != nil {
		return r.Asset
	}
	return ""
}

// MarketConfig builds the market of the scenario. Assets are in sorted name
// order, except the reference stablecoin's asset, which is the Reference
// feed. Errors are market.FieldErrors with paths relative to the market
// (assets[i] are mapped back to market.assets.<name> by Validate).
func (s *Scenario) MarketConfig() (market.Config, []string, error) {
	cfg := market.Config{Steps: s.Steps(), Dt: market.Years(s.StepSeconds())}
	ref := s.ReferenceAsset()
	var names []string
	var errs []error
	for _, name := range s.AssetNames() {
		a := s.Market.Assets[name]
		p, err := s.process(name, a)
		if err != nil {
			errs = append(errs, prefixed("market.assets."+name, err))
			continue
		}
		f := market.Feed{Name: name, Process: p, Initial: a.Initial}
		if name == ref {
			cfg.Reference = f
			continue
		}
		cfg.Assets = append(cfg.Assets, f)
		names = append(names, name)
	}
	if c := s.Market.Correlation; c != nil {
		idx := map[string]int{}
		for i, n := range names {
			idx[n] = i
		}
		m := make([][]float64, len(names))
		for i := range m {
			m[i] = make([]float64, len(names))
			m[i][i] = 1
		}
		ok := len(c.Matrix) == len(c.Assets)
		for i, ni := range c.Assets {
			if _, found := idx[ni]; !found {
				ok = false
				errs = append(errs, &market.FieldError{Field: "market.correlation.assets", Value: ni, Err: market.ErrUnknownFeed})
				continue
			}
			if i >= len(c.Matrix) || len(c.Matrix[i]) != len(c.Assets) {
				ok = false
				continue
			}
			for j, nj := range c.Assets {
				if _, found := idx[nj]; found {
					m[idx[ni]][idx[nj]] = c.Matrix[i][j]
				}
			}
		}
		if !ok && len(errs) == 0 {
			errs = append(errs, &market.FieldError{Field: "market.correlation.matrix", Err: fmt.Errorf("%w: need a %d×%d matrix", market.ErrShape, len(c.Assets), len(c.Assets))})
		}
		cfg.Correlation = m
	}
	g := s.Market.Gas
	cfg.Gas = market.Gas{Price: market.LogOU{Theta: g.Theta, Level: g.Initial, Sigma: g.Sigma,
		Lambda: g.Spikes, JumpMean: g.SpikeMean, JumpSD: g.SpikeSD}, Initial: g.Initial, Limit: g.BlockLimit}
	cfg.Shocks = s.marketShocks()
	if len(errs) > 0 {
		return cfg, names, errors.Join(errs...)
	}
	return cfg, names, nil
}

func prefixed(prefix string, err error) error {
	var out []error
	for _, e := range flatten(err) {
		var fe *market.FieldError
		if errors.As(e, &fe) {
			out = append(out, &market.FieldError{Field: prefix + "." + strings.TrimPrefix(fe.Field, "process."), Value: fe.Value, Err: fe.Err})
			continue
		}
		out = append(out, fmt.Errorf("%s: %w", prefix, e))
	}
	return errors.Join(out...)
}

func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// point converts a time from the start into a path point index.
func (s *Scenario) point(d Duration) int { return int(d.Seconds() / s.StepSeconds()) }

// window converts [start, start+duration] into path points [Start, End):
// the last point of the window is included.
func (s *Scenario) window(sh *Shock) market.Window {
	start := s.point(sh.Start)
	end := s.point(Duration{d: sh.Start.d + sh.Duration.d}) + 1
	if end > s.Steps()+1 {
		end = s.Steps() + 1
	}
	return market.Window{Start: start, End: end}
}

func (s *Scenario) marketShocks() market.Shocks {
	var out market.Shocks
	for i := range s.Shocks {
		sh := &s.Shocks[i]
		w := s.window(sh)
		switch sh.Kind {
		case "crash":
			out.Crashes = append(out.Crashes, market.Crash{Feed: sh.Asset, Drop: sh.Size, Window: w})
		case "vol":
			out.Vol = append(out.Vol, market.VolShock{Feed: sh.Asset, Multiplier: sh.Multiplier, Window: w})
		case "depeg":
			out.Depegs = append(out.Depegs, market.Depeg{Target: sh.Target, Recover: sh.Recover,
				HalfLife: s.point(sh.HalfLife), Window: w})
		case "oracle_freeze":
			out.OracleFreezes = append(out.OracleFreezes, market.OracleFreeze{Feed: sh.Asset, Window: w})
		case "keeper_outage":
			out.KeeperOutages = append(out.KeeperOutages, market.KeeperOutage{Fraction: sh.Fraction, Window: w})
		case "gas_spike":
			out.GasSpikes = append(out.GasSpikes, market.GasSpike{Multiplier: sh.Multiplier, LimitFactor: sh.LimitFactor, Window: w})
		case "drought":
			out.Droughts = append(out.Droughts, market.Drought{Feed: sh.Asset, Multiplier: sh.Multiplier, Window: w})
		}
	}
	return out
}

// OracleConfig returns profile name's oracle as the market package takes it.
func (s *Scenario) OracleConfig(name string) market.OracleConfig {
	o := s.Oracles[name]
	c := market.OracleConfig{Deviation: o.Deviation, Heartbeat: o.Heartbeat.Seconds(),
		Delay: o.Delay.Seconds(), Timeout: o.Timeout.Seconds(), Min: o.Min, Max: o.Max}
	if c.Max == 0 {
		c.Max = math.Inf(1)
	}
	return c
}

// processReads names, by process, the asset keys its process reads besides
// process, initial and liquidity, which every asset's are.
var processReads = map[string][]string{
	"gbm":       {"mu", "sigma"},
	"merton":    {"mu", "sigma", "lambda", "jump_mean", "jump_sd"},
	"garch":     {"mu", "omega", "alpha", "beta", "period"},
	"regime":    {"regime_mu", "regime_sigma", "regime_rates"},
	"replay":    {"file", "column", "time", "from"},
	"bootstrap": {"file", "column", "time", "block_len"},
	"nav":       {"yield", "theta", "level", "yield_sigma"},
	"peg":       {"theta", "sigma"},
	"constant":  {},
}

// assetCommon are the asset keys every process reads.
var assetCommon = []string{"process", "initial", "liquidity"}

// curveReads names, by auction price curve, the curve keys it reads of
// curveKeys.
var (
	curveReads = map[string][]string{"stairstep": {"step", "cut"}, "exponential": {"cut"}, "linear": {"tau"}}
	curveKeys  = []string{"step", "cut", "tau"}
	curves     = []string{"stairstep", "exponential", "linear"}
)

// unreadKey is a key of the scenario that its model does not read: why,
// and a hint for a file that sets it.
type unreadKey struct {
	key  string
	why  string // short: "not read by the gbm process"
	msg  string // why, with what is read instead
	hint string
}

// unreadKeys lists the keys the model does not read: an asset's parameters
// of other processes than its own, and an auction's parameters of other
// price curves than its own. Keys of an asset with an unknown process or an
// auction with an unknown curve are not listed (Validate reports those).
func (s *Scenario) unreadKeys() []unreadKey {
	var out []unreadKey
	t := reflect.TypeFor[Asset]()
	for _, name := range s.AssetNames() {
		proc := s.Market.Assets[name].Process
		reads, ok := processReads[proc]
		if !ok {
			continue
		}
		for i := range t.NumField() {
			k := tomlName(t.Field(i))
			if k == "" || slices.Contains(assetCommon, k) || slices.Contains(reads, k) {
				continue
			}
			var by []string
			for _, q := range Processes {
				if slices.Contains(processReads[q], k) {
					by = append(by, q)
				}
			}
			all := append(slices.Clone(assetCommon), reads...)
			why := "not read by the " + proc + " process"
			out = append(out, unreadKey{"market.assets." + name + "." + k, why,
				why + ", which reads " + and(all), switchHint(k, "process", by)})
		}
	}
	for _, name := range sortedKeys(s.Auction) {
		curve := s.Auction[name].Curve
		reads, ok := curveReads[curve]
		if !ok {
			continue
		}
		for _, k := range curveKeys {
			if slices.Contains(reads, k) {
				continue
			}
			var by []string
			for _, c := range curves {
				if slices.Contains(curveReads[c], k) {
					by = append(by, c)
				}
			}
			why := "not read with the " + curve + " curve"
			out = append(out, unreadKey{"auction." + name + "." + k, why,
				why + ", which reads " + and(reads) + " of " + and(curveKeys), switchHint(k, "curve", by)})
		}
	}
	for i, b := range s.Agents.Borrowers {
		group := fmt.Sprintf("agents.borrowers[%d].", i)
		unread := func(keys []string, why, msg, hint string) {
			for _, k := range keys {
				out = append(out, unreadKey{group + k, why, msg, hint})
			}
		}
		if b.Book != "" {
			unread([]string{"count", "size", "target_cr", "target_over_min", "reserve"}, "not read with a book",
				"not read with a book, whose rows each open one borrower at their collateral and debt, the ratio "+
					"it opens at being its target", "remove the key, or remove book to draw the group's borrowers")
		}
		switch {
		case b.Passive:
			unread([]string{"buffer", "attention", "leverage_share", "leverage_band", "sell_share"},
				"not read for passive borrowers", "not read for passive borrowers, who never act",
				"remove the key, or set passive = false")
		case b.LeverageShare == 0:
			unread([]string{"leverage_band", "sell_share"}, "not read without leverage seekers",
				"not read: leverage_share is 0, so the group has no leverage seekers, whose minting these set",
				"set leverage_share above 0, or remove the key")
		}
	}
	return out
}

// and joins words as "a, b and c".
func and(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// switchHint is the hint for a key that only the settings by of the key
// selector read.
func switchHint(key, selector string, by []string) string {
	if len(by) == 1 {
		return fmt.Sprintf("%s is read with %s = %q: set that, or remove the key", key, selector, by[0])
	}
	return fmt.Sprintf("%s is read with %s set to one of %s: set one of them, or remove the key", key, selector, and(by))
}

// Unread returns the keys of the scenario that its model does not read,
// each with the reason (market.assets.eth.lambda, a jump rate, for a gbm
// asset): an asset's parameters of other price processes than its own and
// an auction's parameters of other price curves than its own.
func (s *Scenario) Unread() map[string]string {
	out := map[string]string{}
	for _, u := range s.unreadKeys() {
		out[u.key] = u.why
	}
	return out
}

// Notes returns a note for each key the scenario file or an override sets
// that the model does not read (Unread), in file order, with a hint. The
// scenario is valid with them: a sweep may switch an asset's process
// while its base keeps the other process's parameters.
func (s *Scenario) Notes() Errors {
	p := &problems{s: s}
	for _, u := range s.unreadKeys() {
		if s.written(u.key) {
			p.add(u.key, u.hint, "%s", u.msg)
		}
	}
	s.percentNotes(p)
	slices.SortStableFunc(p.errs, func(a, b *Error) int { return a.Line - b.Line })
	return p.errs
}

// Cautions maps each key whose written value reads like a whole
// percentage where the key takes a fraction or a multiplier (PercentNotes)
// to the note's message, for the report.
func (s *Scenario) Cautions() map[string]string {
	ns := s.PercentNotes()
	if len(ns) == 0 {
		return nil
	}
	out := make(map[string]string, len(ns))
	for _, n := range ns {
		out[n.Key] = n.Msg
	}
	return out
}

// A PercentNote is a written value that reads like a percentage written
// as a whole number where its key takes a fraction or a multiplier: an
// annual fee of 3 (300% a year, where 3% is 0.03), a safety factor of 125
// (125 times the liability, where 125% is 1.25), a liquidation penalty of
// 13 (1,200% on top of the debt, where 13% is 1.13), an auction start of
// 120 times the oracle price. Each is valid, and a stress test may mean
// it; but taken for a percentage it would make every figure of the batch
// wrong without a word, so it is said.
type PercentNote struct {
	Key     string // the dotted key
	Msg     string // what the value means: "fee_rate 3 is 300% a year"
	Meaning string // the percentage it may stand for: "3% a year"
	Meant   string // the value that means that: "0.03"
}

// PercentNotes returns the notes of the written values that read like a
// percentage (PercentNote), profiles then auctions, each by name.
func (s *Scenario) PercentNotes() []PercentNote {
	var out []PercentNote
	hundred := D("100").Rat()
	pct := func(r *bigRat) string { return decText(new(bigRat).Mul(r, hundred)) + "%" }
	frac := func(d Decimal) string { return decText(new(bigRat).Quo(d.Rat(), hundred)) }
	over := func(d Decimal) string {
		return decText(new(bigRat).Add(D("1").Rat(), new(bigRat).Quo(d.Rat(), hundred)))
	}
	// note keeps a note at key when its written value d is at least limit.
	note := func(key string, d Decimal, limit, msg, meaning, meant string) {
		if d.Set() && s.written(key) && d.Cmp(limit) >= 0 {
			out = append(out, PercentNote{Key: key, Msg: msg, Meaning: meaning, Meant: meant})
		}
	}
	for _, name := range s.ProfileNames() {
		pr, k := s.Profiles[name], "profiles."+name
		note(k+".fee_rate", pr.FeeRate, "1",
			fmt.Sprintf("fee_rate %s is %s a year", pr.FeeRate, pct(pr.FeeRate.Rat())),
			fmt.Sprintf("%s%% a year", pr.FeeRate), frac(pr.FeeRate))
		note(k+".safety_factor", pr.SafetyFactor, "10",
			fmt.Sprintf("safety_factor %s requires collateral worth %s times the liability", pr.SafetyFactor, pr.SafetyFactor),
			fmt.Sprintf("a minimum coverage of %s%%", pr.SafetyFactor), frac(pr.SafetyFactor))
	}
	for _, name := range sortedKeys(s.Auction) {
		a, k := s.Auction[name], "auction."+name
		note(k+".chop", a.Chop, "2",
			fmt.Sprintf("chop %s multiplies the debt of a liquidated vault: it adds %s", a.Chop, pct(new(bigRat).Sub(a.Chop.Rat(), D("1").Rat()))),
			fmt.Sprintf("a %s%% penalty", a.Chop), over(a.Chop))
		note(k+".buf", a.Buf, "10",
			fmt.Sprintf("buf %s starts each auction at %s times the oracle price", a.Buf, a.Buf),
			fmt.Sprintf("a start %s%% above the oracle price", a.Buf), over(a.Buf))
	}
	return out
}

// percentNotes adds the PercentNotes to p, each with the hint that writes
// the value a percentage would mean as the value was written: in the file,
// or with --set.
func (s *Scenario) percentNotes(p *problems) {
	for _, n := range s.PercentNotes() {
		write := fmt.Sprintf("%s = %q", n.Key[strings.LastIndexByte(n.Key, '.')+1:], n.Meant)
		if slices.ContainsFunc(s.Overrides, func(o Override) bool { return o.Key == n.Key }) {
			write = "--set " + n.Key + "=" + n.Meant
		}
		p.add(n.Key, fmt.Sprintf("if %s is meant, write %s", n.Meaning, write), "%s", n.Msg)
	}
}

// decText writes r, a terminating decimal, with the digits it needs.
func decText(r *bigRat) string {
	t := r.FloatString(40)
	t = strings.TrimRight(t, "0")
	return strings.TrimSuffix(t, ".")
}

// written reports whether the scenario file or an override sets key.
func (s *Scenario) written(key string) bool {
	if _, ok := s.Lines[key]; ok {
		return true
	}
	for _, o := range s.Overrides {
		if o.Key == key {
			return true
		}
	}
	return false
}
