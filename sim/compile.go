package sim

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/market"
	"github.com/tempest-risk/tempest/protocol/auction"
	"github.com/tempest-risk/tempest/protocol/dex"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/pegrail"
	"github.com/tempest-risk/tempest/protocol/rwausd"
	"github.com/tempest-risk/tempest/protocol/vault"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// Compiled is a validated scenario converted once for all runs of a batch.
type Compiled struct {
	S      *scenario.Scenario
	Market market.Config
	Assets []string // market asset names in feed order (the reference last if any)
	Steps  int
	Dt     int64 // block interval [s]

	tokens     []tokenSpec
	profiles   []profileSpec
	rails      []railSpec
	pool       *dex.StableSwapParams
	poolLiq    float64
	poolRail   int
	refAsset   int // asset index of the reference coin, −1 without a pool
	oracles    []market.OracleConfig
	dripEvery  int // blocks between drips
	checkEvery int
	bucket     int // blocks per bucket
	buckets    int
	backstop   backstopSpec
	series     []seriesMetric // registered series metrics, fixed at compile time
	cpools     []cpoolSpec
	compiledTemplates
	books   map[int][]scenario.Position // by borrower group
	summary []summaryMetric             // registered summary metrics
	hash    string                      // ConfigHash, taken when compiled
}

type compiledTemplates struct {
	tmplMu sync.Mutex
	tmpl   map[uint64]templateEntry
}

type cpoolSpec struct {
	name      string
	profile   int
	liquidity float64 // collateral units
}

type tokenSpec struct {
	symbol   string
	decimals uint8
}

type profileSpec struct {
	name   string
	token  int // index into tokens
	asset  int // market asset index
	params rwausd.CollateralParams
	mat    float64 // liquidation ratio s/(1−h)
	sell   bool    // unwinds sell into the profile's pool at once (sale = "pool")
}

type railSpec struct {
	name   string
	token  int
	asset  int
	params rwausd.RailParams
}

type backstopSpec struct {
	line, hole          uint256.Int
	reserve, recapMax   float64
	wait                int64
	hump, bump, sump    uint256.Int
	dump, beg, pad      uint256.Int
	ttl, tau            int64
	debtAuctions, recap bool
	recapDelay          int
}

// Compile converts a validated scenario.
func Compile(s *scenario.Scenario) (*Compiled, error) {
	cfg, _, err := s.MarketConfig()
	if err != nil {
		return nil, err
	}
	c := &Compiled{S: s, Market: cfg, Steps: s.Steps(), Dt: s.StepSeconds(), refAsset: -1}
	for _, f := range cfg.Assets {
		c.Assets = append(c.Assets, f.Name)
	}
	if cfg.Reference.Name != "" {
		c.refAsset = len(c.Assets)
		c.Assets = append(c.Assets, cfg.Reference.Name)
	}
	assetIdx := func(name string) int {
		for i, a := range c.Assets {
			if a == name {
				return i
			}
		}
		return -1
	}
	tokIdx := map[string]int{}
	token := func(sym string, dec uint8) (int, error) {
		if i, ok := tokIdx[sym]; ok {
			if c.tokens[i].decimals != dec {
				return 0, fmt.Errorf("token %s is used with %d and %d decimals", sym, c.tokens[i].decimals, dec)
			}
			return i, nil
		}
		tokIdx[sym] = len(c.tokens)
		c.tokens = append(c.tokens, tokenSpec{sym, dec})
		return len(c.tokens) - 1, nil
	}
	for _, name := range s.ProfileNames() {
		p, a := s.Profiles[name], s.Auction[name]
		ti, err := token(p.Token, p.Decimals)
		if err != nil {
			return nil, err
		}
		var ps rwausd.CollateralParams
		ps.Haircut, ps.SafetyFactor = p.Haircut.Ray(), p.SafetyFactor.Ray()
		ps.DebtCeiling, ps.Dust = p.DebtCeiling.Rad(), p.Dust.Rad()
		duty, err := vault.PerSecondRate(p.FeeRate.String())
		if err != nil {
			return nil, fmt.Errorf("profiles.%s.fee_rate: %w", name, err)
		}
		ps.FeeRate = *duty
		ps.Chop, ps.Hole, ps.Buf = a.Chop.Wad(), a.Hole.Rad(), a.Buf.Ray()
		ps.Tail, ps.Cusp, ps.Chip, ps.Tip = a.Tail.Seconds(), a.Cusp.Ray(), a.Chip.Wad(), a.Tip.Rad()
		switch a.Curve {
		case "linear":
			ps.Calc = auction.Curve{Kind: auction.Linear, Tau: a.Tau.Seconds()}
		case "exponential":
			// ExponentialDecrease's cut is per second, as in abaci.sol.
			ps.Calc = auction.Curve{Kind: auction.Exponential, Cut: a.Cut.Ray()}
		default:
			ps.Calc = auction.Curve{Kind: auction.Stairstep, Step: a.Step.Seconds(), Cut: a.Cut.Ray()}
		}
		mat := p.SafetyFactor.Float() / (1 - p.Haircut.Float())
		c.profiles = append(c.profiles, profileSpec{name: name, token: ti, asset: assetIdx(p.Asset), params: ps, mat: mat, sell: a.Sale == "pool"})
		c.oracles = append(c.oracles, s.OracleConfig(name))
	}
	for _, name := range s.RailNames() {
		r := s.PegRail[name]
		ti, err := token(r.Token, r.Decimals)
		if err != nil {
			return nil, err
		}
		var rp rwausd.RailParams
		rp.Tin, rp.Tout, rp.Cap = r.Tin.Wad(), r.Tout.Wad(), r.Cap.Rad()
		if r.HaltSell {
			rp.Tin = pegrail.Halted
		}
		if r.HaltBuy {
			rp.Tout = pegrail.Halted
		}
		c.rails = append(c.rails, railSpec{name: name, token: ti, asset: assetIdx(r.Asset), params: rp})
	}
	if pp := s.PegPool; pp != nil {
		for i, name := range s.RailNames() {
			if name == pp.Rail {
				c.poolRail = i
			}
		}
		// Curve's fee and off-peg multiplier are in units of 1e-10;
		// validation bounded both.
		fee := new(uint256.Int)
		_ = pp.Fee.Uint(fee, 10)
		off := new(uint256.Int)
		_ = pp.OffpegFee.Uint(off, 10)
		c.pool = &dex.StableSwapParams{A: pp.A, Fee: fee.Uint64(), OffpegFeeMultiplier: off.Uint64(),
			MAExpTime: uint64(pp.MAExpTime.Seconds()),
			Decimals:  [2]uint8{18, c.tokens[c.rails[c.poolRail].token].decimals}}
		c.poolLiq = pp.Liquidity.Float()
	}
	for _, name := range scenarioKeys(s.Pools) {
		pl := s.Pools[name]
		for k := range c.profiles {
			if c.profiles[k].name == pl.Profile {
				c.cpools = append(c.cpools, cpoolSpec{name: name, profile: k, liquidity: pl.Liquidity})
			}
		}
	}
	c.books = map[int][]scenario.Position{}
	for g, bg := range s.Agents.Borrowers {
		if bg.Book != "" {
			book, err := s.LoadBook(bg.Book)
			if err != nil {
				return nil, err
			}
			c.books[g] = book
		}
	}
	b := &s.Backstop
	c.backstop = backstopSpec{line: s.System.DebtCeiling.Rad(), hole: s.System.LiquidationLimit.Rad(),
		reserve: b.Reserve.Float(), recapMax: b.RecapMax.Float(), wait: b.Wait.Seconds(),
		hump: b.Hump.Rad(), bump: b.Bump.Rad(), ttl: b.TTL.Seconds(), tau: b.Tau.Seconds(),
		debtAuctions: b.DebtAuctions, recap: b.Recap}
	c.backstop.sump = fixed.Max
	if b.DebtAuctions {
		c.backstop.sump, c.backstop.dump = b.Sump.Rad(), b.Dump.Wad()
	}
	c.backstop.beg, c.backstop.pad = b.Beg.Wad(), b.Pad.Wad()
	c.backstop.recapDelay = int(b.RecapDelay.Seconds() / c.Dt)
	c.dripEvery = int(math.Max(1, float64(3600/c.Dt)))
	c.checkEvery = int(s.CheckEvery.Seconds() / c.Dt)
	c.bucket = int(s.Bucket.Seconds() / c.Dt)
	c.buckets = (c.Steps + c.bucket - 1) / c.bucket
	registry.Lock()
	c.series = append([]seriesMetric(nil), registry.series...)
	c.summary = append([]summaryMetric(nil), registry.summary...)
	registry.Unlock()
	if c.hash, err = configHash(s); err != nil {
		return nil, err
	}
	return c, nil
}

func scenarioKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
