package sim

import (
	"errors"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/agents"
	"github.com/tempest-risk/tempest/protocol/dex"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/pegrail"
	"github.com/tempest-risk/tempest/protocol/rwausd"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// Reverts of the engine's own transactions (block space and the pool and
// external-market wrappers).
var (
	ErrGasLimit    = errors.New("Block/gas-limit")
	ErrNoPool      = errors.New("Pool/no-peg-pool")
	ErrNoLiquidity = errors.New("External/no-liquidity")
	ErrNotForSale  = errors.New("External/no-market")
	ErrAtMarket    = errors.New("Pool/at-market-price")
)

// exec applies one transaction and fills its receipt. Every branch applies
// fully or reverts and leaves state untouched (the System's journal, with
// the pool restored from a copy where it takes part).
func (r *Run) exec(t *agents.Tx, rc *agents.Receipt) {
	s := r.Sys
	rc.Tx, rc.Block, rc.Err = *t, r.Step, nil
	rc.Out.Clear()
	rc.In.Clear()
	var err error
	switch t.Kind {
	case agents.Deposit:
		err = s.Deposit(t.From, vault.AccountID(t.Account), &t.Amt)
		rc.In = t.Amt
	case agents.Withdraw:
		err = s.Withdraw(t.From, vault.AccountID(t.Account), &t.Amt)
		rc.Out = t.Amt
	case agents.Mint:
		err = s.Mint(t.From, vault.AccountID(t.Account), &t.Amt)
		rc.Out = t.Amt
	case agents.Repay:
		err = s.Repay(t.From, vault.AccountID(t.Account), &t.Amt)
		rc.In = t.Amt
	case agents.RepayAll:
		err = s.RepayAll(t.From, vault.AccountID(t.Account))
	case agents.Bark:
		if p, pi := r.saleInto(t); pi >= 0 {
			sr := &r.sale
			if err = r.barkSell(t, &r.CPools[pi], sr); err == nil {
				rc.Out = sr.Coin
				r.Stats.onSale(r, p, sr)
			}
			break
		}
		var br rwausd.BarkResult
		err = s.Bark(t.From, vault.AccountID(t.Account), &br)
		if err == nil {
			rc.Out = br.Coin
			rc.Tx.ID = br.ID
			r.Stats.onBark(r, t, &br)
		}
	case agents.Take:
		var tr rwausd.TakeResult
		err = s.Take(t.From, vault.ProfileID(t.Profile), t.ID, &t.Amt, &t.Max, &tr)
		if err == nil {
			rc.Out, rc.In = tr.Slice, tr.Owe
			r.Stats.onTake(r, t, &tr)
		}
	case agents.Redo:
		var coin uint256.Int
		err = s.Redo(t.From, vault.ProfileID(t.Profile), t.ID, &coin)
		rc.Out = coin
	case agents.SellGem:
		var q pegrail.Quote
		err = s.SellGem(t.From, int(t.Rail), &t.Amt, &q)
		rc.In, rc.Out = t.Amt, q.Stable
	case agents.BuyGem:
		var q pegrail.Quote
		err = s.BuyGem(t.From, int(t.Rail), &t.Amt, &q)
		rc.Out, rc.In = t.Amt, q.Stable
	case agents.PoolSwap:
		rc.In = t.Amt
		err = r.poolSwap(t, &rc.Out)
	case agents.ArbRail:
		rc.In = t.Amt
		err = r.arbRail(t, &rc.Out)
	case agents.SellExternal:
		rc.In = t.Amt
		err = r.sellExternal(t, &rc.Out)
	case agents.CPSwap:
		rc.In = t.Amt
		err = r.cpSwap(t, &rc.Out)
	case agents.CPArb:
		err = r.cpArb(t, rc)
	case agents.Backstop:
		r.backstopRound()
	case agents.Recap:
		err = s.Recap(t.From, &t.Amt)
		rc.In = t.Amt
	case agents.Flop:
		_, err = s.Flop()
	case agents.Dent:
		err = s.Dent(t.From, t.ID, &t.Amt, &t.Max)
	case agents.Deal:
		err = s.Deal(t.ID)
	case agents.TickFlop:
		err = s.TickFlop(t.ID)
	}
	rc.Err = err
	if t.Account >= 0 && (t.Kind <= agents.Bark && t.Kind != agents.None) {
		r.index.Touch(vault.AccountID(t.Account))
	}
}

// atomically runs f in a journal frame of ledger l: if f fails, the frame
// rolls back and *pool, which the journal does not cover, is restored from a
// copy.
func atomically[P any](l *token.Ledger, pool *P, f func() error) error {
	saved := *pool
	l.J.Begin()
	if err := f(); err != nil {
		l.J.Rollback()
		*pool = saved
		return err
	}
	l.J.Commit()
	return nil
}

// saleInto returns the profile of the account a bark names and, if that
// profile's unwinds sell at once, the index of the pool they sell into
// (else −1).
func (r *Run) saleInto(t *agents.Tx) (profile, pool int) {
	if int(t.Account) < 0 || int(t.Account) >= len(r.Sys.Vat.Accounts) {
		return 0, -1
	}
	p := int(r.Sys.Vat.Accounts[t.Account].Profile)
	if !r.C.profiles[p].sell {
		return p, -1
	}
	return p, r.View.PoolOf[p]
}

// barkSell unwinds account t.Account and sells its collateral into pool cp
// in the same transaction (rwausd.System.BarkSell, whose journal undoes the
// ledger; the pool is restored from a copy).
func (r *Run) barkSell(t *agents.Tx, cp *cpoolRun, sr *rwausd.SaleResult) error {
	l := r.Sys.L
	stable := r.Sys.Stable
	var zero uint256.Int // no minimum out: the sale takes what the pool pays
	saved := *cp.pool
	err := r.Sys.BarkSell(t.From, vault.AccountID(t.Account), func(from token.Account, amt, out *uint256.Int) error {
		if err := l.Transfer(cp.token, from, cp.acct, amt); err != nil {
			return err
		}
		var err error
		if *out, err = cp.pool.SwapExactIn(0, amt, &zero); err != nil {
			return err
		}
		return l.Transfer(stable, cp.acct, from, out)
	}, sr)
	if err != nil {
		*cp.pool = saved
	}
	return err
}

// poolSwap exchanges Amt of coin I for coin J in the peg pool, with Max as
// the minimum out.
func (r *Run) poolSwap(t *agents.Tx, out *uint256.Int) error {
	if r.Pool == nil {
		return ErrNoPool
	}
	return atomically(r.Sys.L, r.Pool, func() error {
		return r.swap(t.From, int(t.I), int(t.J), &t.Amt, &t.Max, out)
	})
}

// coinToken is the ledger token of pool coin i (0 rwaUSD, 1 the reference).
func (r *Run) coinToken(i int) token.ID {
	if i == 0 {
		return r.Sys.Stable
	}
	return r.Ref
}

// swap is the pool exchange inside an open journal frame: the coins in move
// to the pool, the pool quotes and updates, the coins out move back.
func (r *Run) swap(from token.Account, i, j int, dx, minDy, out *uint256.Int) error {
	if i < 0 || i > 1 || j < 0 || j > 1 || i == j {
		return errors.New("Pool/bad-coin-index")
	}
	l := r.Sys.L
	if err := l.Transfer(r.coinToken(i), from, r.PoolAcct, dx); err != nil {
		return err
	}
	dy, err := r.Pool.Exchange(i, j, dx, minDy, r.Sys.Now)
	if err != nil {
		return err
	}
	*out = dy
	return l.Transfer(r.coinToken(j), r.PoolAcct, from, &dy)
}

// ErrUnprofitable is the revert of an arbitrage contract whose round trip
// would lose money.
var ErrUnprofitable = errors.New("Arb/unprofitable")

// arbRail runs an arbitrageur's atomic round trip between the pool and the
// rail; any failure, including a loss, reverts all of it.
func (r *Run) arbRail(t *agents.Tx, out *uint256.Int) error {
	if r.Pool == nil {
		return ErrNoPool
	}
	return atomically(r.Sys.L, r.Pool, func() error { return r.arb(t, out) })
}

func (r *Run) arb(t *agents.Tx, out *uint256.Int) error {
	s := r.Sys
	rail := s.Rails[t.Rail]
	var q pegrail.Quote
	var zero uint256.Int
	if t.I == 0 {
		// Buy rwaUSD in the pool, redeem it at the rail.
		var got uint256.Int
		if err := r.swap(t.From, 1, 0, &t.Amt, &zero, &got); err != nil {
			return err
		}
		var gem18, gem, den uint256.Int
		den.Add(&fixed.WAD, &rail.Tout)
		if err := fixed.MulDiv(&gem18, &got, &fixed.WAD, &den); err != nil {
			return err
		}
		gem.Div(&gem18, &rail.Conv)
		if !gem.Gt(&t.Amt) {
			return ErrUnprofitable
		}
		if err := s.BuyGem(t.From, int(t.Rail), &gem, &q); err != nil {
			return err
		}
		*out = gem
		return nil
	}
	// Mint rwaUSD at the rail, sell it in the pool.
	if err := s.SellGem(t.From, int(t.Rail), &t.Amt, &q); err != nil {
		return err
	}
	var min uint256.Int
	min.AddUint64(&t.Amt, 1)
	if err := r.swap(t.From, 0, 1, &q.Stable, &min, out); err != nil {
		if errors.Is(err, dex.ErrExchangeSlippage) {
			return ErrUnprofitable
		}
		return err
	}
	return nil
}

// cpSwap trades Amt through constant-product pool t.Pool: I = 0 sells
// collateral for rwaUSD, I = 1 buys collateral with rwaUSD; Max is the
// minimum out.
func (r *Run) cpSwap(t *agents.Tx, out *uint256.Int) error {
	if int(t.Pool) < 0 || int(t.Pool) >= len(r.CPools) || t.I < 0 || t.I > 1 {
		return ErrNoPool
	}
	cp := &r.CPools[t.Pool]
	in, outTok := cp.token, r.Sys.Stable
	if t.I == 1 {
		in, outTok = r.Sys.Stable, cp.token
	}
	l := r.Sys.L
	return atomically(l, cp.pool, func() error {
		if err := l.Transfer(in, t.From, cp.acct, &t.Amt); err != nil {
			return err
		}
		var err error
		if *out, err = cp.pool.SwapExactIn(int(t.I), &t.Amt, &t.Max); err != nil {
			return err
		}
		return l.Transfer(outTok, cp.acct, t.From, out)
	})
}

// cpArb trades pool t.Pool back to the market price, sized on its reserves
// now (agents.PoolArbTrade); the receipt's Tx records the swap it made.
func (r *Run) cpArb(t *agents.Tx, rc *agents.Receipt) error {
	if int(t.Pool) < 0 || int(t.Pool) >= len(r.CPools) {
		return ErrNoPool
	}
	cp := &r.View.CPools[t.Pool]
	// The pool quotes rwaUSD; the market, USD.
	if r.View.Peg <= 0 || !agents.PoolArbTrade(cp, r.View.Prices[r.View.ProfileAsset[cp.Profile]]/r.View.Peg, &rc.Tx) {
		return ErrAtMarket
	}
	rc.In = rc.Tx.Amt
	return r.cpSwap(&rc.Tx, &rc.Out)
}

// sellExternal sells Amt of a collateral token on the external market for
// the reference coin at the market price less the impact of the size.
func (r *Run) sellExternal(t *agents.Tx, out *uint256.Int) error {
	if int(t.Profile) < 0 || int(t.Profile) >= len(r.C.profiles) {
		return ErrNotForSale
	}
	p := &r.C.profiles[t.Profile]
	v := &r.View
	dec := r.Sys.L.Decimals(t.Token)
	q := fixed.ToFloat(&t.Amt, uint(dec))
	px := v.Prices[p.asset]
	proceeds := q * px * (1 - v.Liquidity[p.asset].Impact(q*px, v.Impact[p.asset])) / v.RefPrice
	if !toUnits(out, proceeds, r.Sys.L.Decimals(r.Ref)) {
		return ErrNoLiquidity
	}
	l := r.Sys.L
	l.J.Begin()
	err := l.Transfer(t.Token, t.From, r.Outside, &t.Amt)
	if err == nil {
		err = l.Mint(r.Ref, t.From, out)
	}
	if err != nil {
		l.J.Rollback()
		return err
	}
	l.J.Commit()
	r.Stats.ExternalSold += q * px
	return nil
}

// backstopRound is the steward's hourly keeper work: release queued debt,
// heal what the surplus covers, flap surplus above the buffer. Each step is
// its own transaction; a revert of one (nothing to do) is not a failure.
func (r *Run) backstopRound() {
	s := r.Sys
	var x uint256.Int
	_ = s.FlogAll(&x)
	_ = s.HealMax(&x)
	if !s.Vow.Bump.IsZero() {
		_ = s.Flap()
	}
}
