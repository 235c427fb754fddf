package scenario

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/tempest-risk/tempest/market"
)

// Validate checks every field and returns Errors (sorted by line) or nil.
// It reads the data files that replay and bootstrap processes name.
func (s *Scenario) Validate() error {
	p := &problems{s: s}
	s.validateTop(p)
	s.validateProtocol(p)
	s.validateMarket(p)
	s.validateAgents(p)
	if len(p.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(p.errs, func(a, b *Error) int { return a.Line - b.Line })
	return p.errs
}

func (s *Scenario) validateTop(p *problems) {
	if strings.TrimSpace(s.Name) == "" {
		p.add("name", `add name = "..." at the top of the file`, "is required")
	} else if !NameOK(s.Name) {
		p.add("name", `a name is the default output directory out/NAME: use letters, digits, "-" and "_", for example name = "gold-crash"`,
			"must not contain a slash or a control character or start with a dot, got %q", s.Name)
	}
	if s.Runs < 1 {
		p.add("runs", "for example runs = 1000 (or --runs 1000 on the command line)", "must be at least 1, got %d", s.Runs)
	}
	step := s.Step.Seconds()
	if step <= 0 {
		p.add("step", `for example step = "10m"`, "must be at least 1s (blocks are whole seconds apart), got %q", s.Step)
		return
	}
	if s.Horizon.Seconds() <= 0 || s.Horizon.Seconds()%step != 0 {
		p.add("horizon", "make the horizon a whole number of steps", "must be a positive multiple of step (%s), got %q", s.Step, s.Horizon)
	} else if n := s.Horizon.Seconds() / step; n > MaxSteps {
		p.add("horizon", "every run keeps its price paths in memory step by step: use a longer step or a shorter horizon, at most 1,000,000 steps (about 19 years of 10-minute steps)",
			"must be at most %d steps of %s, got %d", MaxSteps, s.Step, n)
	}
	if s.Bucket.Seconds() <= 0 || s.Bucket.Seconds()%step != 0 {
		p.add("bucket", `the time bucket of the paths, a whole number of steps: for example bucket = "1h" with step = "10m"`, "must be a positive multiple of step (%s), got %q", s.Step, s.Bucket)
	}
	if s.CheckEvery.Seconds() <= 0 || s.CheckEvery.Seconds()%step != 0 {
		p.add("check_every", `a whole number of steps between full invariant checks, for example check_every = "1h"`, "must be a positive multiple of step (%s), got %q", s.Step, s.CheckEvery)
	}
}

// NameOK reports whether name can name an output directory under out/:
// it has no slash or control character and does not start with a dot, so
// out/NAME stays inside out/ and is not hidden.
func NameOK(name string) bool {
	return !strings.ContainsAny(name, `/\`) && !strings.HasPrefix(name, ".") && !strings.ContainsFunc(name, unicode.IsControl)
}

// timeOK reports whether step and horizon make a whole, positive number of
// blocks, which building the market and the runs needs (validateTop
// reports them when they do not).
func (s *Scenario) timeOK() bool {
	step, h := s.Step.Seconds(), s.Horizon.Seconds()
	return step > 0 && h > 0 && h%step == 0
}

// rangeCheck reports a decimal outside [lo, hi] (hi "" for no upper bound;
// open excludes the bounds).
func rangeCheck(p *problems, key string, d Decimal, lo, hi string, loOpen, hiOpen bool, hint string) {
	if !d.Set() {
		p.add(key, hint, "is required")
		return
	}
	r := d.Rat()
	bad := r.Cmp(D(lo).Rat()) < 0 || (loOpen && r.Cmp(D(lo).Rat()) == 0)
	if hi != "" {
		bad = bad || r.Cmp(D(hi).Rat()) > 0 || (hiOpen && r.Cmp(D(hi).Rat()) == 0)
	}
	if !bad {
		return
	}
	lb, rb := "[", "]"
	if loOpen {
		lb = "("
	}
	if hiOpen {
		rb = ")"
	}
	if hi == "" {
		hi, rb = "∞", ")"
	}
	p.add(key, hint, "must be in %s%s, %s%s, got %s", lb, lo, hi, rb, d)
}

func (s *Scenario) validateProtocol(p *problems) {
	if len(s.Profiles) == 0 && len(s.PegRail) == 0 {
		p.add("profiles", "add at least one [profiles.NAME] table", "no collateral profile and no peg rail")
	}
	rangeCheck(p, "system.debt_ceiling", s.System.DebtCeiling, "0", "", false, false, "")
	rangeCheck(p, "system.liquidation_limit", s.System.LiquidationLimit, "0", "", false, false, "")
	for _, name := range s.ProfileNames() {
		pr := s.Profiles[name]
		k := "profiles." + name
		if pr.Token == "" {
			p.add(k+".token", `for example token = "XAUt"`, "is required")
		}
		if pr.Decimals > 18 {
			p.add(k+".decimals", "token amounts are converted to 18-decimal fixed point: use the token's own decimals, at most 18 (USDC 6, most tokens 18)", "must be at most 18, got %d", pr.Decimals)
		}
		if _, ok := s.Market.Assets[pr.Asset]; !ok {
			p.add(k+".asset", "name an asset defined under [market.assets.NAME]", "%q is not a market asset", pr.Asset)
		}
		rangeCheck(p, k+".haircut", pr.Haircut, "0", "1", false, true, "a haircut is a discount: 0.1 values collateral at 90% of its oracle price")
		rangeCheck(p, k+".safety_factor", pr.SafetyFactor, "1", "", false, false, "the safety factor is the minimum coverage: 1.25 requires 125% of the liability")
		rangeCheck(p, k+".debt_ceiling", pr.DebtCeiling, "0", "", false, false, "")
		rangeCheck(p, k+".dust", pr.Dust, "0", "", false, false, "")
		rangeCheck(p, k+".fee_rate", pr.FeeRate, "0", "1000", false, true, "an annual rate: \"0.04\" is 4% a year")
	}
	for _, name := range sortedKeys(s.Auction) {
		a := s.Auction[name]
		k := "auction." + name
		if _, ok := s.Profiles[name]; !ok {
			p.add(k, "auction tables are keyed by profile name", "no profile %q", name)
			continue
		}
		switch a.Sale {
		case "auction":
		case "pool":
			if !s.hasPool(name) {
				p.add(k+".sale", "a pool sale sells into the profile's constant-product pool: add a [pools.NAME] table with profile = \""+name+"\"", "no pool for profile %q", name)
			}
		default:
			p.add(k+".sale", `"auction" (a Dutch auction) or "pool" (sold at once into the profile's pool)`, "unknown sale %q", a.Sale)
		}
		rangeCheck(p, k+".chop", a.Chop, "1", "", false, false, "the penalty multiplier: 1.13 adds 13% to the debt")
		rangeCheck(p, k+".hole", a.Hole, "0", "", true, false, "")
		rangeCheck(p, k+".buf", a.Buf, "1", "", false, false, "the start price is oracle price × buf, so buf must be at least 1")
		rangeCheck(p, k+".cusp", a.Cusp, "0", "1", false, false, "")
		rangeCheck(p, k+".chip", a.Chip, "0", "1", false, false, "")
		rangeCheck(p, k+".tip", a.Tip, "0", "", false, false, "")
		if a.Buf.Set() && a.Cusp.Set() && new(bigRat).Mul(a.Buf.Rat(), a.Cusp.Rat()).Cmp(D("1").Rat()) > 0 {
			p.add(k+".cusp", "Maker's spells require buf × cusp ≤ 1 so a reset auction restarts below where it stopped", "buf × cusp = %s exceeds 1", new(bigRat).Mul(a.Buf.Rat(), a.Cusp.Rat()).FloatString(4))
		}
		if a.Tail.Seconds() <= 0 {
			p.add(k+".tail", `how long an auction runs before it can be reset, for example tail = "2h"`, "must be positive")
		}
		switch a.Curve {
		case "stairstep":
			if a.Step.Seconds() <= 0 {
				p.add(k+".step", `a stairstep curve's time between price cuts, for example step = "90s"`, "must be positive")
			}
			rangeCheck(p, k+".cut", a.Cut, "0", "1", true, false, "the price multiplier per step: 0.99 lowers it 1% a step")
		case "exponential":
			rangeCheck(p, k+".cut", a.Cut, "0", "1", true, false, "the price multiplier per second")
		case "linear":
			if a.Tau.Seconds() <= 0 {
				p.add(k+".tau", `a linear curve's time for the price to reach zero, for example tau = "6h"`, "must be positive")
			}
		default:
			p.add(k+".curve", `one of "stairstep", "exponential", "linear"`, "unknown curve %q", a.Curve)
		}
	}
	for _, name := range s.RailNames() {
		r := s.PegRail[name]
		k := "pegrail." + name
		if r.Token == "" {
			p.add(k+".token", `for example token = "USDC"`, "is required")
		}
		if r.Decimals > 18 {
			p.add(k+".decimals", "token amounts are converted to 18-decimal fixed point: use the token's own decimals, at most 18 (USDC 6, most tokens 18)", "must be at most 18, got %d", r.Decimals)
		}
		if _, ok := s.Market.Assets[r.Asset]; !ok {
			p.add(k+".asset", "name an asset defined under [market.assets.NAME]", "%q is not a market asset", r.Asset)
		}
		rangeCheck(p, k+".tin", r.Tin, "0", "1", false, false, "a fee: 0.001 is 10 bp; to stop one side use halt_sell = true")
		rangeCheck(p, k+".tout", r.Tout, "0", "1", false, false, "a fee: 0.001 is 10 bp; to stop one side use halt_buy = true")
		rangeCheck(p, k+".cap", r.Cap, "0", "", false, false, "")
	}
	if pp := s.PegPool; pp != nil {
		if _, ok := s.PegRail[pp.Rail]; !ok {
			p.add("pegpool.rail", "name a [pegrail.NAME] table", "%q is not a peg rail", pp.Rail)
		}
		if pp.A == 0 || pp.A >= 1_000_000 {
			p.add("pegpool.a", "the StableSwap amplification coefficient, for example a = 200", "must be in [1, 1000000), got %d", pp.A)
		}
		rangeCheck(p, "pegpool.fee", pp.Fee, "0", "0.5", false, false, "")
		rangeCheck(p, "pegpool.offpeg_fee", pp.OffpegFee, "1", "", false, false, "")
		rangeCheck(p, "pegpool.liquidity", pp.Liquidity, "0", "", true, false, "the initial balance of each coin")
	}
	b := &s.Backstop
	rangeCheck(p, "backstop.reserve", b.Reserve, "0", "", false, false, "")
	rangeCheck(p, "backstop.hump", b.Hump, "0", "", false, false, "")
	rangeCheck(p, "backstop.bump", b.Bump, "0", "", false, false, "")
	if b.DebtAuctions {
		rangeCheck(p, "backstop.sump", b.Sump, "0", "", true, false, "the fixed rwaUSD bid of a debt auction")
		rangeCheck(p, "backstop.dump", b.Dump, "0", "", true, false, "the initial governance-token lot of a debt auction")
		rangeCheck(p, "backstop.beg", b.Beg, "1", "", true, false, "")
		rangeCheck(p, "backstop.pad", b.Pad, "1", "", false, false, "")
	}
	if b.Recap {
		rangeCheck(p, "backstop.recap_max", b.RecapMax, "0", "", true, false, "the treasury governance can spend on recap")
	}
}

// marketKey maps a market.FieldError path to the scenario key.
func (s *Scenario) marketKey(field string, names []string) string {
	ref := s.ReferenceAsset()
	if m := reAssets.FindStringSubmatch(field); m != nil {
		var i int
		fmt.Sscan(m[1], &i)
		rest := strings.TrimPrefix(m[2], ".process")
		if i < len(names) {
			return "market.assets." + names[i] + rest
		}
	}
	if strings.HasPrefix(field, "reference") && ref != "" {
		return "market.assets." + ref + strings.TrimPrefix(strings.TrimPrefix(field, "reference"), ".process")
	}
	if m := reShocks.FindStringSubmatch(field); m != nil {
		var i int
		fmt.Sscan(m[2], &i)
		kind := m[1]
		for k := range s.Shocks {
			if s.Shocks[k].Kind == shockKinds[kind] {
				if i == 0 {
					return fmt.Sprintf("shocks[%d]%s", k, shockField(m[3]))
				}
				i--
			}
		}
	}
	switch {
	case strings.HasPrefix(field, "correlation"):
		return "market.correlation.matrix"
	case strings.HasPrefix(field, "gas"):
		return "market.gas"
	}
	return field
}

var (
	reAssets   = regexp.MustCompile(`^assets\[(\d+)\](.*)$`)
	reShocks   = regexp.MustCompile(`^shocks\.(\w+)\[(\d+)\](.*)$`)
	shockKinds = map[string]string{"crash": "crash", "vol": "vol", "depeg": "depeg", "oracle_freeze": "oracle_freeze",
		"keeper_outage": "keeper_outage", "gas_spike": "gas_spike", "drought": "drought"}
)

func shockField(f string) string {
	switch f {
	case ".drop":
		return ".size"
	case ".feed":
		return ".asset"
	case ".window", ".start", ".end":
		return ".start"
	}
	return f
}

func (s *Scenario) validateMarket(p *problems) {
	before := len(p.errs)
	for _, name := range s.AssetNames() {
		a := s.Market.Assets[name]
		if !slices.Contains(Processes, a.Process) {
			p.add("market.assets."+name+".process", "one of "+strings.Join(Processes, ", "),
				"unknown process %q", a.Process)
		}
		if a.Liquidity != nil && (a.Liquidity.K < 0 || a.Liquidity.B <= 0) {
			p.add("market.assets."+name+".liquidity", "impact = k·(USD size)^b with k ≥ 0 and b > 0", "k = %g, b = %g", a.Liquidity.K, a.Liquidity.B)
		}
	}
	for i := range s.Shocks {
		sh := &s.Shocks[i]
		k := fmt.Sprintf("shocks[%d]", i)
		if _, ok := shockKinds[sh.Kind]; !ok {
			p.add(k+".kind", "one of crash, vol, depeg, oracle_freeze, keeper_outage, gas_spike, drought", "unknown shock %q", sh.Kind)
			continue
		}
		switch sh.Kind {
		case "crash", "vol", "drought", "oracle_freeze":
			if _, ok := s.Market.Assets[sh.Asset]; !ok && sh.Asset != market.AllFeeds {
				p.add(k+".asset", `name a market asset or "*"`, "%q is not a market asset", sh.Asset)
			}
		case "depeg":
			if s.ReferenceAsset() == "" {
				p.add(k, "a depeg moves the peg pool's reference stablecoin: add [pegpool] and its rail", "no reference stablecoin")
			}
		}
		if sh.Start.Seconds() < 0 || sh.Start.Seconds() >= s.Horizon.Seconds() {
			p.add(k+".start", `a shock starts during the run: a duration from its start, for example start = "5d"`, "must be within the horizon (%s), got %q", s.Horizon, sh.Start)
		}
		if sh.Duration.Seconds() < 0 {
			p.add(k+".duration", `for example duration = "6h"`, "must not be negative")
		}
	}
	if len(p.errs) > before || !s.timeOK() {
		return // the market cannot be built reliably
	}
	cfg, names, err := s.MarketConfig()
	if err == nil {
		_, err = market.NewWorld(cfg)
	}
	for _, e := range flatten(err) {
		var fe *market.FieldError
		var de *market.DataError
		switch {
		case errors.As(e, &de):
			key := s.keyForFile(de.File)
			hint := "check the file exists and has the columns the scenario names (time and column keys)"
			p.add(key, hint, "%v", de)
		case errors.As(e, &fe):
			key := fe.Field
			if !strings.HasPrefix(key, "market.") {
				key = s.marketKey(key, names)
			}
			hint := ""
			if errors.Is(fe.Err, market.ErrNotPSD) {
				hint = "a correlation matrix must be positive semi-definite: check the signs and sizes of the off-diagonal entries"
			}
			msg := fe.Err.Error()
			if fe.Value != nil {
				msg = fmt.Sprintf("%v (got %v)", fe.Err, fe.Value)
			}
			p.add(key, hint, "%s", msg)
		default:
			p.add("market", "compare the [market] tables with a scenario of the library in configs/", "%v", e)
		}
	}
	for _, name := range s.ProfileNames() {
		if err := s.OracleConfig(name).Validate(); err != nil {
			for _, e := range flatten(err) {
				var fe *market.FieldError
				if errors.As(e, &fe) {
					p.add("oracles."+name+"."+fe.Field, `an oracle takes deviation (a fraction), heartbeat, delay and timeout (durations such as "1h") and min, max (USD, 0 for none)`, "%v", fe.Err)
				}
			}
		}
	}
	for _, name := range sortedKeys(s.Oracles) {
		if _, ok := s.Profiles[name]; !ok {
			p.add("oracles."+name, "oracle tables are keyed by profile name", "no profile %q", name)
		}
	}
}

// keyForFile finds the asset whose file is path.
func (s *Scenario) keyForFile(path string) string {
	for _, name := range s.AssetNames() {
		if a := s.Market.Assets[name]; a.File != "" && s.DataPath(a.File) == path {
			return "market.assets." + name + ".file"
		}
	}
	return "market.assets"
}

func (s *Scenario) validateDist(p *problems, key string, d Dist, positive bool) {
	switch d.Dist {
	case "const":
		if positive && d.Value <= 0 {
			p.add(key+".value", "this quantity is positive: give a value above 0", "must be positive, got %g", d.Value)
		}
	case "uniform":
		if d.Max < d.Min {
			p.add(key, "swap min and max", "uniform needs min ≤ max, got min %g max %g", d.Min, d.Max)
		}
		if positive && d.Min <= 0 {
			p.add(key+".min", "this quantity is positive: give a min above 0", "must be positive, got %g", d.Min)
		}
	case "lognormal":
		if d.Median <= 0 || d.Sigma < 0 {
			p.add(key, "lognormal needs median > 0 and sigma ≥ 0", "median %g, sigma %g", d.Median, d.Sigma)
		}
	case "normal":
		if d.Sigma < 0 {
			p.add(key+".sigma", "sigma is the spread of the logarithm: 0 for none, for example sigma = 0.5", "must not be negative")
		}
	case "":
		p.add(key+".dist", `add dist = "const", "uniform", "lognormal" or "normal" to the table`,
			"the distribution does not say which it is")
	default:
		p.add(key+".dist", `one of "const", "uniform", "lognormal", "normal"`, "unknown distribution %q", d.Dist)
	}
}

func (s *Scenario) validateAgents(p *problems) {
	for i, b := range s.Agents.Borrowers {
		k := fmt.Sprintf("agents.borrowers[%d]", i)
		if _, ok := s.Profiles[b.Profile]; !ok {
			p.add(k+".profile", "name a [profiles.NAME] table", "%q is not a profile", b.Profile)
		}
		countCheck(p, k+".count", b.Count)
		if b.Book != "" {
			if _, err := s.LoadBook(b.Book); err != nil {
				p.add(k+".book", "a CSV with a header naming the columns collateral and debt", "%v", err)
			}
		} else {
			s.validateDist(p, k+".size", b.Size, true)
			s.validateDist(p, k+".target_cr", b.TargetCR, true)
		}
		s.validateDist(p, k+".buffer", b.Buffer, false)
		s.validateDist(p, k+".attention", b.Attention, true)
		s.validateDist(p, k+".reserve", b.Reserve, false)
		if b.LeverageShare < 0 || b.LeverageShare > 1 {
			p.add(k+".leverage_share", "the share of the group's borrowers who lever up, for example leverage_share = 0.3", "must be in [0, 1]")
		}
		s.validateDist(p, k+".leverage_band", b.LeverageBand, true)
		if b.SellShare < 0 || b.SellShare > 1 {
			p.add(k+".sell_share", "the share of the group's borrowers who sell the rwaUSD they mint, for example sell_share = 0.3", "must be in [0, 1]")
		}
		if b.SellShare > 0 && s.PegPool == nil {
			p.add(k+".sell_share", "selling rwaUSD needs a [pegpool]", "no peg pool")
		}
	}
	if kp := s.Agents.Keepers; kp != nil {
		countCheck(p, "agents.keepers.count", kp.Count)
		s.validateDist(p, "agents.keepers.capital", kp.Capital, false)
		s.validateDist(p, "agents.keepers.latency", kp.Latency, true)
		s.validateDist(p, "agents.keepers.priority", kp.Priority, false)
		if kp.MaxTxs < 1 {
			p.add("agents.keepers.max_txs", "the most transactions a keeper sends in a block, for example max_txs = 8", "must be at least 1")
		}
	}
	for _, name := range sortedKeys(s.Pools) {
		pl := s.Pools[name]
		k := "pools." + name
		if _, ok := s.Profiles[pl.Profile]; !ok {
			p.add(k+".profile", "name a [profiles.NAME] table", "%q is not a profile", pl.Profile)
		}
		if !(pl.Liquidity > 0) {
			p.add(k+".liquidity", "the collateral in the pool at the start", "must be positive, got %g", pl.Liquidity)
		}
	}
	if a := s.Agents.PoolArbitrageurs; a != nil {
		countCheck(p, "agents.pool_arbitrageurs.count", a.Count)
	}
	if a := s.Agents.PoolArbitrageurs; a != nil && a.Count > 0 && len(s.Pools) == 0 {
		p.add("agents.pool_arbitrageurs", "they trade [pools.NAME] constant-product pools", "no pools")
	}
	if a := s.Agents.Arbitrageurs; a != nil {
		countCheck(p, "agents.arbitrageurs.count", a.Count)
		if a.Count > 0 && s.PegPool == nil {
			p.add("agents.arbitrageurs", "arbitrageurs trade the peg pool against the rail: add [pegpool]", "no peg pool")
		}
		s.validateDist(p, "agents.arbitrageurs.capital", a.Capital, false)
		s.validateDist(p, "agents.arbitrageurs.latency", a.Latency, true)
	}
}

// MaxSteps is the most steps a run may take: every run holds its price
// paths, step by step, in memory, once per parallel worker.
const MaxSteps = 1_000_000

// MaxAgents is the most agents of one group a scenario may have: every run
// holds all of them in memory, several times over with parallel workers.
const MaxAgents = 1_000_000

// countCheck reports an agent count below 0 or above MaxAgents.
func countCheck(p *problems, key string, n int) {
	if n < 0 || n > MaxAgents {
		p.add(key, "every run holds all its agents in memory: use at most 1,000,000 per group", "must be in [0, 1,000,000], got %d", n)
	}
}

// hasPool reports whether a [pools.NAME] table trades profile's collateral.
func (s *Scenario) hasPool(profile string) bool {
	for _, pl := range s.Pools {
		if pl.Profile == profile {
			return true
		}
	}
	return false
}
