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
	CPools   []cpoolRun    // constant-product collateral/rwaUSD pools

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
	wake     wakeQueue // the agents' wake calendar
	touched  []int32   // agents with receipts this block
	rc       agents.Receipt
	sale     rwausd.SaleResult // reused: the seller it is passed to would make a local escape
	txs      []agents.Tx
	sorted   []agents.Tx
	idx      []int32
	keys     []uint64
	next     []int32 // senderOrder's scratch: the next transaction of the same agent
	first    []int32 // senderOrder's scratch, by agent: -1 between blocks
	receipts [][]agents.Receipt
	index    *agents.Index

	pegKey   poolKey // the inputs of pegPrice, the pool price last computed
	pegPrice float64
	pegOK    bool

	Stats    Stats
	trace    Tracer
	recycled [][]float64 // a finished run's series buffers for Stats to reuse
}

// cpoolRun is a constant-product pool of a run and its ledger accounts.
type cpoolRun struct {
	pool    *dex.ConstantProduct
	acct    token.Account
	lp      token.ID
	profile int
	token   token.ID
}

// NewRun builds run i of the batch with master seed on the market buffers
// mw, which it fills with the run's paths. With a fixed population the
// world is cloned from a template built once per master seed; otherwise the
// population is drawn from the run's own stream.
func NewRun(c *Compiled, master uint64, i int, mw *market.World) (*Run, error) {
	return newRun(c, master, i, mw, nil, nil)
}

// newRun is NewRun reusing the protocol storage of spare, a run of the same
// batch that has finished (nil for none), and series, series buffers no
// longer in use (nil for none). The run is the same either way.
func newRun(c *Compiled, master uint64, i int, mw *market.World, spare *Run, series [][]float64) (*Run, error) {
	seed := RunSeed(master, i)
	if c.S.FixedPopulation {
		t, err := c.template(master)
		if err != nil {
			return nil, err
		}
		r := t.cloneRun(i, seed, mw, spare, series)
		return r, nil
	}
	r := &Run{C: c, Index: i, Seed: seed, mw: mw, recycled: series}
	mw.Generate(stream(seed, streamMarket))
	r.feeds = feedIndices(c, mw)
	if err := r.setup(stream(seed, streamPopulation)); err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	r.order = stream(seed, streamOrder)
	r.schedule()
	return r, nil
}

func feedIndices(c *Compiled, mw *market.World) []int {
	feeds := make([]int, len(c.Assets))
	for a, name := range c.Assets {
		feeds[a], _ = mw.FeedIndex(name)
	}
	return feeds
}

// template returns the world every run of a fixed population starts from,
// built once per master seed (its population drawn from the master seed's
// population stream; only step 0 of the market is used).
func (c *Compiled) template(master uint64) (*Run, error) {
	c.tmplMu.Lock()
	defer c.tmplMu.Unlock()
	if t, ok := c.tmpl[master]; ok {
		return t.r, t.err
	}
	mw, err := market.NewWorld(c.Market)
	if err != nil {
		return nil, err
	}
	r := &Run{C: c, Index: -1, Seed: master, mw: mw}
	mw.Generate(stream(master, streamMarket))
	r.feeds = feedIndices(c, mw)
	if err = r.setup(stream(master, streamPopulation)); err != nil {
		err = fmt.Errorf("setup: %w", err)
		r = nil
	}
	if c.tmpl == nil {
		c.tmpl = map[uint64]templateEntry{}
	}
	c.tmpl[master] = templateEntry{r, err}
	return r, err
}

type templateEntry struct {
	r   *Run
	err error
}

// cloneRun starts run i from the template t: a deep copy of the protocol,
// pools, oracles and agents, with the run's own market paths and streams.
// The protocol, the account index and the per-agent slices go into the
// storage of spare, a finished run of the same template, when there is
// one; nothing else of spare is reused (its series may still be in use).
func (t *Run) cloneRun(i int, seed uint64, mw *market.World, spare *Run, series [][]float64) *Run {
	r := &Run{C: t.C, Index: i, Seed: seed, mw: mw, feeds: t.feeds, Tokens: t.Tokens, Ref: t.Ref,
		PoolAcct: t.PoolAcct, LP: t.LP, Outside: t.Outside, recycled: series}
	mw.Generate(stream(seed, streamMarket))
	var sys *rwausd.System
	var index *agents.Index
	if spare != nil {
		sys, index = spare.Sys, spare.index
	}
	r.Sys = t.Sys.CloneInto(sys)
	if t.Pool != nil {
		p := *t.Pool
		r.Pool = &p
	}
	for _, cp := range t.CPools {
		p := *cp.pool
		cp.pool = &p
		r.CPools = append(r.CPools, cp)
	}
	r.oracles = append([]market.Oracle(nil), t.oracles...)
	r.lastVal = append([]float64(nil), t.lastVal...)
	r.lastHas = append([]bool(nil), t.lastHas...)
	n := len(t.Agents)
	if spare != nil && len(spare.Agents) == n {
		// The slices of the spare run, emptied: every entry is set below
		// or by schedule.
		r.Agents, r.rngs, r.receipts = spare.Agents, spare.rngs, spare.receipts
		clear(r.rngs)
		for k := range r.receipts {
			r.receipts[k] = r.receipts[k][:0]
		}
		r.Keepers = spare.Keepers[:0]
		// The block's scratch: emptied before each use.
		r.wake, r.touched, r.txs, r.sorted, r.idx, r.keys, r.next, r.first =
			spare.wake, spare.touched[:0], spare.txs[:0], spare.sorted[:0], spare.idx[:0], spare.keys[:0], spare.next[:0], spare.first
	} else {
		r.Agents = make([]agents.Agent, n)
		r.rngs = make([]*rand.Rand, n)
		r.receipts = make([][]agents.Receipt, n)
	}
	for k, a := range t.Agents {
		c := a.Clone()
		r.Agents[k] = c
		switch x := c.(type) {
		case *agents.Keeper:
			r.Keepers = append(r.Keepers, x)
		case *agents.Steward:
			r.Steward = x
		}
	}
	r.order = stream(seed, streamOrder)
	r.index = t.index.CloneInto(index, r.Sys)
	r.View = t.View
	v := &r.View
	v.Sys, v.Pool, v.Index, v.Receipts = r.Sys, r.Pool, r.index, r.receipts
	v.Prices = append([]float64(nil), t.View.Prices...)
	v.Impact = append([]float64(nil), t.View.Impact...)
	v.CPools = nil
	for k := range r.CPools {
		cp := t.View.CPools[k]
		cp.Pool = r.CPools[k].pool
		v.CPools = append(v.CPools, cp)
	}
	r.updateView(0)
	r.Stats = Stats{}
	r.Stats.init(r)
	r.schedule()
	return r
}

// schedule puts every agent in the wake calendar at its first block and
// gives the agents that will ever decide their random streams.
func (r *Run) schedule() {
	r.wake.reset(len(r.Agents), r.C.Steps)
	r.resetSenders()
	for k, a := range r.Agents {
		if w := a.Wake(); w >= 1 && w <= r.C.Steps {
			r.enqueue(int32(k), w)
			if r.rngs[k] == nil {
				r.rngs[k] = stream(r.Seed, streamAgent+uint64(k))
			}
		}
	}
}

// enqueue schedules agent k at block step (dropped past the horizon).
func (r *Run) enqueue(k int32, step int) {
	if step >= 1 && step <= r.C.Steps {
		r.wake.push(int32(step), k)
	}
}

// price returns asset a's market price at step.
func (r *Run) price(a, step int) float64 { return r.mw.Price(r.feeds[a], step) }

// accountHint is the number of ledger and collateral accounts a run opens,
// about: one per borrower and agent, and a few for the system.
func (c *Compiled) accountHint() (accounts, urns int) {
	for g, bg := range c.S.Agents.Borrowers {
		if book, ok := c.books[g]; ok {
			urns += len(book)
		} else {
			urns += bg.Count
		}
	}
	accounts = urns + 32
	if k := c.S.Agents.Keepers; k != nil {
		accounts += k.Count
	}
	if a := c.S.Agents.Arbitrageurs; a != nil {
		accounts += a.Count
	}
	return accounts, urns
}

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
	s.Grow(c.accountHint())
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
	if err := r.setupCPools(); err != nil {
		return err
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
		var look lookSpread
		for i := 0; i < k.Count; i++ {
			kp := &agents.Keeper{Capital: draw(pop, k.Capital), Latency: int(math.Round(draw(pop, k.Latency))),
				MinProfit: k.MinProfit, MaxTxs: k.MaxTxs, Slot: (float64(i) + pop.Float64()) / float64(k.Count)}
			kp.Priority = uint32(math.Round(draw(pop, k.Priority)))
			kp.Acct = s.AddAccount(fmt.Sprintf("keeper%d", i))
			r.addAgent(kp)
			kp.Next = look.next(kp.Latency)
			r.Keepers = append(r.Keepers, kp)
			if err := r.fundStable(kp.Acct, kp.Capital); err != nil {
				return fmt.Errorf("keeper capital: %w", err)
			}
			r.mintRef(kp.Acct, kp.Capital) // reference coins to refill the float
		}
	}
	if a := sc.Agents.Arbitrageurs; a != nil {
		var look lookSpread
		for i := 0; i < a.Count; i++ {
			ab := &agents.Arbitrageur{Latency: int(math.Round(draw(pop, a.Latency))), MinProfit: a.MinProfit}
			ab.Acct = s.AddAccount(fmt.Sprintf("arb%d", i))
			r.addAgent(ab)
			ab.Next = look.next(ab.Latency)
			r.mintRef(ab.Acct, draw(pop, a.Capital))
		}
	}
	if pa := sc.Agents.PoolArbitrageurs; pa != nil {
		for i := 0; i < pa.Count; i++ {
			if err := r.setupPoolArb(i); err != nil {
				return err
			}
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
	r.View.PoolOf = make([]int, len(s.Vat.Profiles))
	for k := range r.View.PoolOf {
		r.View.PoolOf[k] = -1
	}
	for i := range r.CPools {
		cp := &r.CPools[i]
		r.View.CPools = append(r.View.CPools, agents.CPool{Profile: vault.ProfileID(cp.profile), Pool: cp.pool,
			Decimals: s.L.Decimals(cp.token)})
		r.View.PoolOf[cp.profile] = i
	}
	r.updateView(0)
	r.Stats.init(r)
	return s.CheckInvariants(true)
}

// lookSpread spreads the first looks of a group of agents that each look
// every latency blocks: the agents that share a latency take the phases
// of that latency in turn, as borrowers' first looks are spread over
// their attention, so that agents of one latency do not all look at the
// same blocks. In lock-step, keepers with a 2-block latency would see an
// auction only every other block, and one whose price falls to its cusp
// within two blocks would be reset at every look and never bought.
// Spread by arrival, not drawn, so the population stream, and with it
// every drawn agent, is the same as without.
type lookSpread struct {
	seen map[int]int // agents so far, by latency
}

// next is the first block of the next agent of the group, whose latency
// is latency blocks.
func (l *lookSpread) next(latency int) int {
	latency = max(1, latency)
	if l.seen == nil {
		l.seen = make(map[int]int)
	}
	n := l.seen[latency]
	l.seen[latency] = n + 1
	return 1 + n%latency
}

func (r *Run) addAgent(a agents.Agent) {
	b := a.Self()
	b.ID = int32(len(r.Agents))
	b.Next = 1
	r.Agents = append(r.Agents, a)
	r.rngs = append(r.rngs, nil) // created by schedule for agents that decide
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
	if rail.Tin.Eq(&pegrail.Halted) {
		rail.Tin.Clear() // a halted side opens for the starting book only
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

// setupCPools creates the constant-product pools with their starting
// liquidity: collateral from outside, rwaUSD minted through the rail.
func (r *Run) setupCPools() error {
	c := r.C
	s := r.Sys
	for _, spec := range c.cpools {
		p := &c.profiles[spec.profile]
		tok := r.Tokens[p.token]
		cp := cpoolRun{pool: &dex.ConstantProduct{}, profile: spec.profile, token: tok}
		cp.acct = s.AddAccount("cpool:" + spec.name)
		cp.lp = s.AddToken(spec.name+"-LP", 18)
		lp := s.AddAccount("lp:" + spec.name)
		price := r.price(p.asset, 0)
		var a0, a1 uint256.Int
		mustUnits(&a0, spec.liquidity, s.L.Decimals(tok))
		mustUnits(&a1, spec.liquidity*price, 18)
		if err := s.L.Mint(tok, lp, &a0); err != nil {
			return err
		}
		if err := r.fundStable(lp, spec.liquidity*price*(1+1e-6)); err != nil {
			return fmt.Errorf("pool %s: %w", spec.name, err)
		}
		res, err := cp.pool.Deposit(&a0, &a1)
		if err != nil {
			return fmt.Errorf("pool %s: %w", spec.name, err)
		}
		if err := s.L.Transfer(tok, lp, cp.acct, &a0); err != nil {
			return err
		}
		if err := s.L.Transfer(s.Stable, lp, cp.acct, &a1); err != nil {
			return err
		}
		if err := s.L.Mint(cp.lp, lp, &res.Liquidity); err != nil {
			return err
		}
		if err := s.L.Mint(cp.lp, token.Zero, &res.Locked); err != nil {
			return err
		}
		r.CPools = append(r.CPools, cp)
	}
	return nil
}

// setupPoolArb adds a pool arbitrageur holding ten times each pool's
// reserves of both coins.
func (r *Run) setupPoolArb(i int) error {
	s := r.Sys
	a := &agents.PoolArb{}
	a.Acct = s.AddAccount(fmt.Sprintf("pool-arb%d", i))
	r.addAgent(a)
	for k := range r.CPools {
		cp := &r.CPools[k]
		var inv uint256.Int
		inv.Mul(&cp.pool.Reserve0, uint256.NewInt(10))
		if err := s.L.Mint(cp.token, a.Acct, &inv); err != nil {
			return err
		}
		if err := r.fundStable(a.Acct, 10*wad(&cp.pool.Reserve1)); err != nil {
			return fmt.Errorf("pool arbitrageur: %w", err)
		}
	}
	return nil
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
	if book, ok := c.books[g]; ok {
		return r.setupBook(pop, g, k, bg, book)
	}
	for i := 0; i < bg.Count; i++ {
		size := draw(pop, bg.Size)
		target := draw(pop, bg.TargetCR)
		if bg.TargetOverMin {
			target *= p.mat
		}
		target = math.Max(target, p.mat*1.02)
		buffer := draw(pop, bg.Buffer)
		att := draw(pop, bg.Attention) * 3600 / float64(c.Dt)
		reserve := draw(pop, bg.Reserve)
		lev := pop.Float64() < bg.LeverageShare
		band := bg.LeverageBand.Value // a constant band draws nothing
		if lev {
			band = draw(pop, bg.LeverageBand)
		}
		act := math.Min(p.mat*(1+buffer), target*0.98)
		b := &agents.Borrower{Profile: vault.ProfileID(k), Asset: p.asset, TargetCR: target, ActAt: act,
			Band: band, Leverage: lev, SellShare: bg.SellShare, Attention: att}
		b.Acct = s.AddAccount(fmt.Sprintf("borrower%d.%d", g, i))
		b.Urn = s.OpenAccount(vault.ProfileID(k), b.Acct)
		r.addAgent(b)
		b.Next = 1 + int(pop.Float64()*att) // first looks spread out
		if bg.Passive {
			b.Passive, b.Next = true, agents.Never
		}
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

// setupBook opens one account per position of a book, exactly as given.
func (r *Run) setupBook(pop *rand.Rand, g, k int, bg *scenario.Borrowers, book []scenario.Position) error {
	c := r.C
	s := r.Sys
	p := &c.profiles[k]
	tok := r.Tokens[p.token]
	dec := s.L.Decimals(tok)
	price := r.price(p.asset, 0)
	for i, pos := range book {
		// A row opens a borrower at its collateral and debt, whose target
		// is that opening ratio; an active one acts on the group's buffer,
		// attention and leverage settings, drawn as for a drawn group.
		b := &agents.Borrower{Profile: vault.ProfileID(k), Asset: p.asset, Passive: bg.Passive,
			TargetCR: pos.Collateral * price / math.Max(pos.Debt, 1e-18)}
		b.Acct = s.AddAccount(fmt.Sprintf("borrower%d.%d", g, i))
		b.Urn = s.OpenAccount(vault.ProfileID(k), b.Acct)
		r.addAgent(b) // sets Next: set it after
		b.Next = agents.Never
		if !bg.Passive {
			buffer := draw(pop, bg.Buffer)
			b.Attention = draw(pop, bg.Attention) * 3600 / float64(c.Dt)
			b.Leverage = pop.Float64() < bg.LeverageShare
			if b.Leverage {
				b.Band, b.SellShare = draw(pop, bg.LeverageBand), bg.SellShare
			}
			b.ActAt = math.Min(p.mat*(1+buffer), b.TargetCR*0.98)
			b.Next = 1 + int(pop.Float64()*b.Attention) // first looks spread out
		}
		var amt, debt uint256.Int
		if !toUnits(&amt, pos.Collateral, dec) {
			continue
		}
		if err := s.L.Mint(tok, b.Acct, &amt); err != nil {
			return err
		}
		if err := s.Deposit(b.Acct, b.Urn, &amt); err != nil {
			return fmt.Errorf("book %s row %d: deposit: %w", bg.Book, i+2, err)
		}
		if toUnits(&debt, pos.Debt, 18) {
			if err := s.Mint(b.Acct, b.Urn, &debt); err != nil {
				return fmt.Errorf("book %s row %d: mint %g: %w", bg.Book, i+2, pos.Debt, err)
			}
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
