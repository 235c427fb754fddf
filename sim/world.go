package sim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/agents"
	"github.com/tempest-risk/tempest/market"
	"github.com/tempest-risk/tempest/protocol/dex"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/pegrail"
	"github.com/tempest-risk/tempest/protocol/rwausd"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// Run is one run's world: the protocol, the peg pool, the market paths,
// the oracles and the agents.
type Run struct {
	C     *Compiled
	Index int
	Seed  uint64
	Step  int

	Sys      *rwausd.System
	Pool     *dex.StableSwap
	PoolAcct token.Account
	LP       token.ID
	Tokens   []token.ID    // by compiled token index
	Ref      token.ID      // the reference coin (pool coin 1)
	Outside  token.Account // the external market's account: where bought-in tokens come from and sold tokens go

	mw      *market.World
	feeds   []int // market feed index by asset
	oracles []market.Oracle
	lastVal []float64
	lastHas []bool

	Agents  []agents.Agent
	rngs    []*rand.Rand
	order   *rand.Rand
	Keepers []*agents.Keeper
	Steward *agents.Steward

	View     agents.View
	txs      []agents.Tx
	sorted   []agents.Tx
	idx      []int32
	keys     []uint64
	receipts [][]agents.Receipt
	index    *agents.Index

	Stats Stats
	trace Tracer
}

// NewRun builds run i of the batch with seed on the market buffers mw
// (Generate must not have been called for another run since).
func NewRun(c *Compiled, i int, seed uint64, mw *market.World) (*Run, error) {
	r := &Run{C: c, Index: i, Seed: seed, mw: mw}
	mw.Generate(stream(seed, streamMarket))
	r.feeds = make([]int, len(c.Assets))
	for a, name := range c.Assets {
		r.feeds[a], _ = mw.FeedIndex(name)
	}
	if err := r.setup(stream(seed, streamPopulation)); err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	r.order = stream(seed, streamOrder)
	return r, nil
}

// price returns asset a's market price at step.
func (r *Run) price(a, step int) float64 { return r.mw.Price(r.feeds[a], step) }

func (r *Run) setup(pop *rand.Rand) error {
	c := r.C
	s := rwausd.New(0)
	r.Sys = s
	for _, t := range c.tokens {
		r.Tokens = append(r.Tokens, s.AddToken(t.symbol, t.decimals))
	}
	r.Outside = s.AddAccount("external-market")
	s.Vat.SetLine(&c.backstop.line)
	s.Dog.Hole = c.backstop.hole
	b := &c.backstop
	s.Vow.Wait, s.Vow.Hump, s.Vow.Bump, s.Vow.Sump, s.Vow.Dump = b.wait, b.hump, b.bump, b.sump, b.dump
	s.Flopper.Beg, s.Flopper.Pad, s.Flopper.TTL, s.Flopper.Tau = b.beg, b.pad, b.ttl, b.tau
	for k := range c.profiles {
		p := &c.profiles[k]
		if _, err := s.AddCollateral(p.name, r.Tokens[p.token], &p.params); err != nil {
			return fmt.Errorf("profile %s: %w", p.name, err)
		}
	}
	for k := range c.rails {
		rl := &c.rails[k]
		if _, err := s.AddRail(rl.name, r.Tokens[rl.token], &rl.params); err != nil {
			return fmt.Errorf("rail %s: %w", rl.name, err)
		}
	}
	// Oracles publish the opening price; the protocol sees it.
	r.oracles = make([]market.Oracle, len(c.profiles))
	r.lastVal = make([]float64, len(c.profiles))
	r.lastHas = make([]bool, len(c.profiles))
	for k := range c.profiles {
		o, err := market.NewOracle(c.oracles[k])
		if err != nil {
			return err
		}
		r.oracles[k] = o
		r.oracles[k].Update(0, r.price(c.profiles[k].asset, 0))
		r.poke(k, 0)
	}

	// Starting rwaUSD comes through the rail, as on chain: the pool's
	// liquidity, the keepers' float, governance's treasury and reserve.
	if len(c.rails) > 0 {
		r.Ref = r.Tokens[c.rails[c.poolRail].token]
	}
	if c.pool != nil {
		if err := r.setupPool(); err != nil {
			return err
		}
	}
	steward := &agents.Steward{Every: max(1, int(3600/c.Dt)), Recap: b.recap, RecapDelay: b.recapDelay,
		DebtAuctions: b.debtAuctions}
	steward.Acct = s.AddAccount("governance")
	r.addAgent(steward)
	r.Steward = steward
	if b.reserve > 0 || b.recapMax > 0 {
		if err := r.fundStable(steward.Acct, b.reserve+b.recapMax); err != nil {
			return fmt.Errorf("governance treasury: %w", err)
		}
		var w uint256.Int
		if b.reserve > 0 {
			mustUnits(&w, b.reserve, 18)
			if err := s.Recap(steward.Acct, &w); err != nil {
				return fmt.Errorf("reserve buffer: %w", err)
			}
		}
	}
	sc := c.S
	if k := sc.Agents.Keepers; k != nil {
		for i := 0; i < k.Count; i++ {
			kp := &agents.Keeper{Capital: draw(pop, k.Capital), Latency: int(math.Round(draw(pop, k.Latency))),
				MinProfit: k.MinProfit, MaxTxs: k.MaxTxs, Slot: (float64(i) + pop.Float64()) / float64(k.Count)}
			kp.Priority = uint32(math.Round(draw(pop, k.Priority)))
			kp.Acct = s.AddAccount(fmt.Sprintf("keeper%d", i))
			r.addAgent(kp)
			r.Keepers = append(r.Keepers, kp)
			if err := r.fundStable(kp.Acct, kp.Capital); err != nil {
				return fmt.Errorf("keeper capital: %w", err)
			}
			r.mintRef(kp.Acct, kp.Capital) // reference coins to refill the float
		}
	}
	if a := sc.Agents.Arbitrageurs; a != nil {
		for i := 0; i < a.Count; i++ {
			ab := &agents.Arbitrageur{Latency: int(math.Round(draw(pop, a.Latency))), MinProfit: a.MinProfit}
			ab.Acct = s.AddAccount(fmt.Sprintf("arb%d", i))
			r.addAgent(ab)
			r.mintRef(ab.Acct, draw(pop, a.Capital))
		}
	}
	for g, bg := range sc.Agents.Borrowers {
		if err := r.setupBorrowers(pop, g, bg); err != nil {
			return err
		}
	}
	r.index = agents.NewIndex(s)
	r.receipts = make([][]agents.Receipt, len(r.Agents))
	s.Totals = rwausd.Totals{} // setup is not part of the run
	r.View = agents.View{Sys: s, Pool: r.Pool, PoolRail: c.poolRail, RefToken: r.Ref, Dt: c.Dt,
		Prices: make([]float64, len(c.Assets)), Impact: make([]float64, len(c.Assets)),
		Liquidity: make([]market.Liquidity, len(c.Assets)), ProfileAsset: make([]int, len(s.Vat.Profiles)),
		Index: r.index, Receipts: r.receipts, EthPrice: sc.Market.Gas.EthPrice}
	for a, name := range c.Assets {
		if l := sc.Market.Assets[name].Liquidity; l != nil {
			r.View.Liquidity[a] = market.Liquidity{K: l.K, B: l.B}
		}
	}
	for k := range r.View.ProfileAsset {
		r.View.ProfileAsset[k] = -1
	}
	for k := range c.profiles {
		r.View.ProfileAsset[k] = c.profiles[k].asset
	}
	r.updateView(0)
	r.Stats.init(r)
	return s.CheckInvariants(true)
}

func (r *Run) addAgent(a agents.Agent) {
	b := a.Self()
	b.ID = int32(len(r.Agents))
	b.Next = 1
	r.Agents = append(r.Agents, a)
	r.rngs = append(r.rngs, stream(r.Seed, streamAgent+uint64(b.ID)))
}

// mintRef gives an account reference coins from outside the model.
func (r *Run) mintRef(a token.Account, amount float64) {
	if amount <= 0 || len(r.C.rails) == 0 {
		return
	}
	var w uint256.Int
	mustUnits(&w, amount, r.Sys.L.Decimals(r.Ref))
	if err := r.Sys.L.Mint(r.Ref, a, &w); err != nil {
		panic("sim: minting reference coins: " + err.Error())
	}
}

// fundStable gives an account rwaUSD the way it would get it on chain:
// reference coins from outside, sold to the pool's rail.
func (r *Run) fundStable(a token.Account, amount float64) error {
	if amount <= 0 {
		return nil
	}
	if len(r.C.rails) == 0 {
		return fmt.Errorf("the scenario has no peg rail to mint starting rwaUSD through")
	}
	rail := r.Sys.Rails[r.C.poolRail]
	fee := fixed.ToFloat(&rail.Tin, 18)
	if rail.Tin.Eq(&pegrail.Halted) {
		fee = 0
	}
	gem := amount / (1 - fee) * (1 + 1e-9)
	r.mintRef(a, gem)
	var w uint256.Int
	mustUnits(&w, gem, r.Sys.L.Decimals(r.Ref))
	var q pegrail.Quote
	saved := rail.Tin
	rail.Tin = *new(uint256.Int).Set(&rail.Tin)
	if rail.Tin.Eq(&pegrail.Halted) {
		rail.Tin.Clear() // a halted side opens for the starting book
	}
	err := r.Sys.SellGem(a, r.C.poolRail, &w, &q)
	rail.Tin = saved
	if err != nil {
		return fmt.Errorf("minting %.0f rwaUSD at rail %s: %w (the rail cap must cover the starting rwaUSD: pool liquidity, keeper capital, reserve and treasury)",
			amount, r.C.rails[r.C.poolRail].name, err)
	}
	return nil
}

func (r *Run) setupPool() error {
	c := r.C
	s := r.Sys
	pool, err := dex.NewStableSwap(*c.pool, 0)
	if err != nil {
		return fmt.Errorf("pegpool: %w", err)
	}
	r.Pool = pool
	r.PoolAcct = s.AddAccount("pegpool")
	r.LP = s.AddToken("rwaUSD-LP", 18)
	lp := s.AddAccount("liquidity-provider")
	if err := r.fundStable(lp, c.poolLiq); err != nil {
		return fmt.Errorf("pegpool liquidity: %w", err)
	}
	r.mintRef(lp, c.poolLiq)
	var amts [2]uint256.Int
	mustUnits(&amts[0], c.poolLiq, 18)
	mustUnits(&amts[1], c.poolLiq, s.L.Decimals(r.Ref))
	minted, err := pool.AddLiquidity(amts, new(uint256.Int), 0)
	if err != nil {
		return fmt.Errorf("pegpool liquidity: %w", err)
	}
	if err := s.L.Transfer(s.Stable, lp, r.PoolAcct, &amts[0]); err != nil {
		return err
	}
	if err := s.L.Transfer(r.Ref, lp, r.PoolAcct, &amts[1]); err != nil {
		return err
	}
	return s.L.Mint(r.LP, lp, &minted)
}

// setupBorrowers draws group g's borrowers and opens their accounts at
// their target collateral ratio.
func (r *Run) setupBorrowers(pop *rand.Rand, g int, bg *scenario.Borrowers) error {
	c := r.C
	s := r.Sys
	k := -1
	for i := range c.profiles {
		if c.profiles[i].name == bg.Profile {
			k = i
		}
	}
	p := &c.profiles[k]
	tok := r.Tokens[p.token]
	dec := s.L.Decimals(tok)
	price := r.price(p.asset, 0)
	for i := 0; i < bg.Count; i++ {
		size := draw(pop, bg.Size)
		target := math.Max(draw(pop, bg.TargetCR), p.mat*1.02)
		buffer := draw(pop, bg.Buffer)
		att := draw(pop, bg.Attention) * 3600 / float64(c.Dt)
		reserve := draw(pop, bg.Reserve)
		lev := pop.Float64() < bg.LeverageShare
		act := math.Min(p.mat*(1+buffer), target*0.98)
		b := &agents.Borrower{Profile: vault.ProfileID(k), Asset: p.asset, TargetCR: target, ActAt: act,
			Band: 0.25, Leverage: lev, SellShare: bg.SellShare, Attention: att}
		b.Acct = s.AddAccount(fmt.Sprintf("borrower%d.%d", g, i))
		b.Urn = s.OpenAccount(vault.ProfileID(k), b.Acct)
		r.addAgent(b)
		b.Next = 1 + int(pop.Float64()*att) // first looks spread out
		units := size / price
		var amt, spare uint256.Int
		if !toUnits(&amt, units, dec) {
			continue
		}
		toUnits(&spare, units*reserve, dec)
		var total uint256.Int
		total.Add(&amt, &spare)
		if err := s.L.Mint(tok, b.Acct, &total); err != nil {
			return err
		}
		r.mintRef(b.Acct, size/target*reserve) // cash to repay with
		if err := s.Deposit(b.Acct, b.Urn, &amt); err != nil {
			return fmt.Errorf("borrower %d.%d deposit: %w", g, i, err)
		}
		var debt uint256.Int
		if toUnits(&debt, size/target, 18) {
			// A full debt ceiling is not a setup failure: that borrower
			// simply opens without debt, as it would on chain.
			_ = s.Mint(b.Acct, b.Urn, &debt)
		}
	}
	return nil
}

// draw samples a distribution.
func draw(r *rand.Rand, d scenario.Dist) float64 {
	switch d.Dist {
	case "uniform":
		return d.Min + (d.Max-d.Min)*r.Float64()
	case "lognormal":
		return d.Median * math.Exp(d.Sigma*r.NormFloat64())
	case "normal":
		x := d.Mean + d.Sigma*r.NormFloat64()
		if d.Max > d.Min {
			x = math.Min(math.Max(x, d.Min), d.Max)
		}
		return x
	}
	return d.Value
}

func toUnits(z *uint256.Int, f float64, dec uint8) bool {
	if !(f > 0) || math.IsInf(f, 0) {
		z.Clear()
		return false
	}
	if err := fixed.FromFloat(z, f, uint(dec)); err != nil {
		z.Clear()
		return false
	}
	return !z.IsZero()
}

func mustUnits(z *uint256.Int, f float64, dec uint8) {
	if !toUnits(z, f, dec) {
		panic(fmt.Sprintf("sim: amount %g at %d decimals", f, dec))
	}
}
