package vault

// Vat (makerdao/dss @fa4f663 src/vat.sol): ilks as Collateral Profiles, urns
// as Collateral Accounts, frob, grab, slip, flux, move, suck, heal, fold.
// Deviations: see doc.go.

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

// Reverts, with dss's reason strings.
var (
	ErrIlkNotInit        = errors.New("Vat/ilk-not-init")
	ErrIlkAlreadyInit    = errors.New("Vat/ilk-already-init")
	ErrCeilingExceeded   = errors.New("Vat/ceiling-exceeded")
	ErrNotSafe           = errors.New("Vat/not-safe")
	ErrDust              = errors.New("Vat/dust")
	ErrNotAllowed        = errors.New("Vat/not-allowed-u")
	ErrRhoNotUpdated     = errors.New("Jug/rho-not-updated")
	ErrInvalidNow        = errors.New("Jug/invalid-now")
	ErrSpotterBadParam   = errors.New("Spotter/invalid-param")
	ErrNoSuchAccount     = errors.New("Vault/no-such-account")
	ErrAccountWrongOwner = errors.New("Vault/not-owner")
)

// ProfileID names a Collateral Profile.
type ProfileID int32

// AccountID names a Collateral Account.
type AccountID int32

// Profile is a Collateral Profile: one collateral asset with its oracle
// price input, risk parameters and Fee Index (a dss ilk, with its Spotter
// and Jug entries).
type Profile struct {
	Name  string
	Token token.ID    // collateral token
	Scale uint256.Int // 10^(18 − decimals): token units → wad (GemJoin's conversion)

	Principal   uint256.Int // Art: total minted principal [wad]
	FeeIndex    uint256.Int // rate: accumulated fee index [ray]
	SafePrice   uint256.Int // spot: price · (1 − h) / s [ray]
	DebtCeiling uint256.Int // line [rad]
	Dust        uint256.Int // minimum liability of a non-empty account [rad]

	Haircut      uint256.Int // h: discount on the oracle price [ray], 0 ≤ h < 1
	SafetyFactor uint256.Int // s: minimum coverage [ray], s ≥ 1
	Mat          uint256.Int // s / (1 − h), rounded up [ray]
	Price        uint256.Int // last oracle value poked [wad]
	PriceValid   int64       // 1 if the last poke had a valid price

	FeeRate  uint256.Int // duty: per-second fee multiplier [ray]; RAY is 0%
	LastDrip int64       // rho: time of the last drip [s]

	gem []uint256.Int // free collateral inside the engine, by ledger account [wad]
}

// Account is a Collateral Account (a dss urn) borrowing against one profile.
type Account struct {
	Profile   ProfileID
	Owner     token.Account
	Locked    uint256.Int // ink [wad]
	Principal uint256.Int // art [wad]
}

// Engine is the accounting core: Vat, Spotter and Jug over one ledger.
type Engine struct {
	L        *token.Ledger
	Profiles []Profile
	Accounts []Account

	dai []uint256.Int // internal stablecoin balances by ledger account [rad]
	sin []uint256.Int // unbacked debt by ledger account [rad]

	Debt uint256.Int // total internal stablecoin [rad]
	Vice uint256.Int // total unbacked debt [rad]
	Line uint256.Int // global debt ceiling [rad]
	Par  uint256.Int // reference per stablecoin [ray]
	Base uint256.Int // global per-second fee add-on [ray]
	Vow  token.Account

	scratch []uint256.Int // reused by CheckInvariants
	memo    []dripMemo    // drip rpow memo by profile (not state)
}

// New returns an engine over l whose fee income goes to vow. Par is 1.
func New(l *token.Ledger, vow token.Account) *Engine {
	e := &Engine{L: l, Vow: vow}
	e.Par = fixed.RAY
	e.Sync()
	return e
}

// Sync extends the per-account state to every ledger account. Call it after
// adding ledger accounts; it panics inside a transaction.
func (e *Engine) Sync() {
	if e.L.J.Open() {
		panic("vault: Sync inside a transaction")
	}
	n := e.L.Accounts()
	for len(e.dai) < n {
		e.dai = append(e.dai, uint256.Int{})
		e.sin = append(e.sin, uint256.Int{})
	}
	for i := range e.Profiles {
		p := &e.Profiles[i]
		for len(p.gem) < n {
			p.gem = append(p.gem, uint256.Int{})
		}
	}
}

// AddProfile initialises a Collateral Profile for a collateral token with
// FeeIndex = 1 (vat.init, jug.init) at time now. Risk parameters are set
// with the Set methods. It panics inside a transaction.
func (e *Engine) AddProfile(name string, tok token.ID, now int64) ProfileID {
	if e.L.J.Open() {
		panic("vault: AddProfile inside a transaction")
	}
	dec := e.L.Decimals(tok)
	if dec > 18 {
		panic(fmt.Sprintf("vault: collateral %s has %d decimals (> 18)", e.L.Name(tok), dec))
	}
	p := Profile{Name: name, Token: tok, LastDrip: now}
	p.Scale.Exp(uint256.NewInt(10), uint256.NewInt(uint64(18-dec)))
	p.FeeIndex = fixed.RAY
	p.FeeRate = fixed.RAY // jug.init: duty = ONE, a 0% fee
	p.SafetyFactor = fixed.RAY
	p.Mat = fixed.RAY
	p.gem = make([]uint256.Int, e.L.Accounts())
	e.Profiles = append(e.Profiles, p)
	return ProfileID(len(e.Profiles) - 1)
}

// OpenAccount opens an empty Collateral Account on profile i for owner. It
// panics inside a transaction or for an unknown profile.
// Grow reserves room for accounts more ledger accounts and urns more
// collateral accounts, so that opening them does not reallocate.
func (e *Engine) Grow(accounts, urns int) {
	e.dai = slices.Grow(e.dai, accounts)
	e.sin = slices.Grow(e.sin, accounts)
	for i := range e.Profiles {
		e.Profiles[i].gem = slices.Grow(e.Profiles[i].gem, accounts)
	}
	e.Accounts = slices.Grow(e.Accounts, urns)
}

func (e *Engine) OpenAccount(i ProfileID, owner token.Account) AccountID {
	if e.L.J.Open() {
		panic("vault: OpenAccount inside a transaction")
	}
	_ = e.Profiles[i]
	e.Accounts = append(e.Accounts, Account{Profile: i, Owner: owner})
	return AccountID(len(e.Accounts) - 1)
}

// Dai returns an account's internal stablecoin balance [rad].
func (e *Engine) Dai(a token.Account) *uint256.Int { return &e.dai[a] }

// Sin returns an account's unbacked debt [rad].
func (e *Engine) Sin(a token.Account) *uint256.Int { return &e.sin[a] }

// Gem returns an account's free collateral of profile i inside the engine [wad].
func (e *Engine) Gem(i ProfileID, a token.Account) *uint256.Int { return &e.Profiles[i].gem[a] }

// SumByProfile adds each account's Locked (locked) or Principal into
// sums[its profile], mod 2^256; sums needs an element per profile. A run
// of accounts of one profile, as a book opens them, is summed in
// registers (fixed.Sum's reason) and added once.
func (e *Engine) SumByProfile(sums []uint256.Int, locked bool) {
	for i := 0; i < len(e.Accounts); {
		p := e.Accounts[i].Profile
		var s0, s1, s2, s3 uint64
		for ; i < len(e.Accounts) && e.Accounts[i].Profile == p; i++ {
			x := &e.Accounts[i].Principal
			if locked {
				x = &e.Accounts[i].Locked
			}
			var c uint64
			s0, c = bits.Add64(s0, x[0], 0)
			s1, c = bits.Add64(s1, x[1], c)
			s2, c = bits.Add64(s2, x[2], c)
			s3, _ = bits.Add64(s3, x[3], c)
		}
		t := uint256.Int{s0, s1, s2, s3}
		sums[p].Add(&sums[p], &t)
	}
}

// SumGem sets z to the free collateral of profile i summed over the first
// n ledger accounts, mod 2^256 (fixed.Sum), and returns it.
func (e *Engine) SumGem(z *uint256.Int, i ProfileID, n int) *uint256.Int {
	fixed.Sum(z, e.Profiles[i].gem[:n])
	return z
}

// Liability sets z to an account's current liability, principal × Fee
// Index [rad], and returns it.
func (e *Engine) Liability(z *uint256.Int, u AccountID) *uint256.Int {
	a := &e.Accounts[u]
	return z.Mul(&a.Principal, &e.Profiles[a.Profile].FeeIndex) // fits: checked when written
}

// Safe reports whether an account passes the solvency check,
// principal·rate ≤ locked·spot. It allocates nothing.
func (e *Engine) Safe(u AccountID) bool {
	a := &e.Accounts[u]
	p := &e.Profiles[a.Profile]
	var tab, cap uint256.Int
	if of := fixed.MulOverflow(&tab, &a.Principal, &p.FeeIndex); of {
		return false
	}
	if of := fixed.MulOverflow(&cap, &a.Locked, &p.SafePrice); of {
		return true
	}
	return !tab.Gt(&cap)
}

// set writes a state word through the ledger's journal.
func (e *Engine) set(p, v *uint256.Int) { e.L.J.Set(p, v) }

// Frob modifies Collateral Account u: dink collateral moves from v's free
// collateral into the account, dart principal is minted to w's internal
// balance (or, negative, repaid). dink and dart are two's complement. The
// checks are vat.frob's, in its order: risk-increasing changes must leave
// the account safe and within the debt ceilings; a non-empty account must
// stay above dust. Ownership (dss's wish) is the caller's concern.
func (e *Engine) Frob(u AccountID, v, w token.Account, dink, dart *uint256.Int) error {
	if int(u) < 0 || int(u) >= len(e.Accounts) {
		return ErrNoSuchAccount
	}
	a := e.Accounts[u]
	p := &e.Profiles[a.Profile]
	if p.FeeIndex.IsZero() {
		return ErrIlkNotInit
	}
	var ink, art, Art, dtab, tab, debt uint256.Int
	if err := fixed.AddInt(&ink, &a.Locked, dink); err != nil {
		return err
	}
	if err := fixed.AddInt(&art, &a.Principal, dart); err != nil {
		return err
	}
	if err := fixed.AddInt(&Art, &p.Principal, dart); err != nil {
		return err
	}
	if err := fixed.MulInt(&dtab, &p.FeeIndex, dart); err != nil {
		return err
	}
	if err := fixed.Mul(&tab, &p.FeeIndex, &art); err != nil {
		return err
	}
	if err := fixed.AddInt(&debt, &e.Debt, &dtab); err != nil {
		return err
	}
	dartPos := !fixed.IsNeg(dart) && !dart.IsZero()
	riskier := dartPos || fixed.IsNeg(dink)
	// either debt has decreased, or debt ceilings are not exceeded
	if dartPos {
		var total uint256.Int
		if err := fixed.Mul(&total, &Art, &p.FeeIndex); err != nil {
			return err
		}
		if total.Gt(&p.DebtCeiling) || debt.Gt(&e.Line) {
			return ErrCeilingExceeded
		}
	}
	// urn is either less risky than before, or it is safe
	if riskier {
		var cap uint256.Int
		if err := fixed.Mul(&cap, &ink, &p.SafePrice); err != nil {
			return err
		}
		if tab.Gt(&cap) {
			return ErrNotSafe
		}
	}
	// urn has no debt, or a non-dusty amount
	if !art.IsZero() && tab.Lt(&p.Dust) {
		return ErrDust
	}
	var gem, dai uint256.Int
	var negDink uint256.Int
	negDink.Neg(dink)
	if err := fixed.AddInt(&gem, &p.gem[v], &negDink); err != nil {
		return err
	}
	if err := fixed.AddInt(&dai, &e.dai[w], &dtab); err != nil {
		return err
	}
	e.set(&p.gem[v], &gem)
	e.set(&e.dai[w], &dai)
	e.set(&e.Accounts[u].Locked, &ink)
	e.set(&e.Accounts[u].Principal, &art)
	e.set(&p.Principal, &Art)
	e.set(&e.Debt, &debt)
	return nil
}

// Grab confiscates collateral and principal from account u for a
// liquidation (vat.grab): the collateral goes to v's free balance and the
// liability becomes unbacked debt (sin) of w. dink and dart are two's
// complement, normally negative.
func (e *Engine) Grab(u AccountID, v, w token.Account, dink, dart *uint256.Int) error {
	a := e.Accounts[u]
	p := &e.Profiles[a.Profile]
	var ink, art, Art, dtab, gem, sin, vice, neg uint256.Int
	if err := fixed.AddInt(&ink, &a.Locked, dink); err != nil {
		return err
	}
	if err := fixed.AddInt(&art, &a.Principal, dart); err != nil {
		return err
	}
	if err := fixed.AddInt(&Art, &p.Principal, dart); err != nil {
		return err
	}
	if err := fixed.MulInt(&dtab, &p.FeeIndex, dart); err != nil {
		return err
	}
	neg.Neg(dink)
	if err := fixed.AddInt(&gem, &p.gem[v], &neg); err != nil {
		return err
	}
	neg.Neg(&dtab)
	if err := fixed.AddInt(&sin, &e.sin[w], &neg); err != nil {
		return err
	}
	if err := fixed.AddInt(&vice, &e.Vice, &neg); err != nil {
		return err
	}
	e.set(&e.Accounts[u].Locked, &ink)
	e.set(&e.Accounts[u].Principal, &art)
	e.set(&p.Principal, &Art)
	e.set(&p.gem[v], &gem)
	e.set(&e.sin[w], &sin)
	e.set(&e.Vice, &vice)
	return nil
}

// Slip adds wad (two's complement) to usr's free collateral of profile i
// (vat.slip, called by a collateral join).
func (e *Engine) Slip(i ProfileID, usr token.Account, wad *uint256.Int) error {
	p := &e.Profiles[i]
	var g uint256.Int
	if err := fixed.AddInt(&g, &p.gem[usr], wad); err != nil {
		return err
	}
	e.set(&p.gem[usr], &g)
	return nil
}

// Flux moves free collateral of profile i between accounts (vat.flux).
func (e *Engine) Flux(i ProfileID, src, dst token.Account, wad *uint256.Int) error {
	p := &e.Profiles[i]
	var s, d uint256.Int
	if err := fixed.Sub(&s, &p.gem[src], wad); err != nil {
		return err
	}
	if src == dst {
		return nil
	}
	if err := fixed.Add(&d, &p.gem[dst], wad); err != nil {
		return err
	}
	e.set(&p.gem[src], &s)
	e.set(&p.gem[dst], &d)
	return nil
}

// Move moves internal stablecoin between accounts (vat.move) [rad].
func (e *Engine) Move(src, dst token.Account, rad *uint256.Int) error {
	var s, d uint256.Int
	if err := fixed.Sub(&s, &e.dai[src], rad); err != nil {
		return err
	}
	if src == dst {
		return nil
	}
	if err := fixed.Add(&d, &e.dai[dst], rad); err != nil {
		return err
	}
	e.set(&e.dai[src], &s)
	e.set(&e.dai[dst], &d)
	return nil
}

// Suck creates rad of unbacked debt for u and the same internal stablecoin
// for v (vat.suck): how keeper rewards and recap are paid.
func (e *Engine) Suck(u, v token.Account, rad *uint256.Int) error {
	var s, d, vice, debt uint256.Int
	if err := fixed.Add(&s, &e.sin[u], rad); err != nil {
		return err
	}
	if err := fixed.Add(&d, &e.dai[v], rad); err != nil {
		return err
	}
	if err := fixed.Add(&vice, &e.Vice, rad); err != nil {
		return err
	}
	if err := fixed.Add(&debt, &e.Debt, rad); err != nil {
		return err
	}
	e.set(&e.sin[u], &s)
	e.set(&e.dai[v], &d)
	e.set(&e.Vice, &vice)
	e.set(&e.Debt, &debt)
	return nil
}

// Heal cancels rad of u's unbacked debt against the same amount of u's
// internal stablecoin (vat.heal).
func (e *Engine) Heal(u token.Account, rad *uint256.Int) error {
	var s, d, vice, debt uint256.Int
	if err := fixed.Sub(&s, &e.sin[u], rad); err != nil {
		return err
	}
	if err := fixed.Sub(&d, &e.dai[u], rad); err != nil {
		return err
	}
	if err := fixed.Sub(&vice, &e.Vice, rad); err != nil {
		return err
	}
	if err := fixed.Sub(&debt, &e.Debt, rad); err != nil {
		return err
	}
	e.set(&e.sin[u], &s)
	e.set(&e.dai[u], &d)
	e.set(&e.Vice, &vice)
	e.set(&e.Debt, &debt)
	return nil
}

// Fold adds rate (two's complement) to profile i's Fee Index and credits the
// resulting fee income Art·rate to u (vat.fold).
func (e *Engine) Fold(i ProfileID, u token.Account, rate *uint256.Int) error {
	p := &e.Profiles[i]
	var r, rad, d, debt uint256.Int
	if err := fixed.AddInt(&r, &p.FeeIndex, rate); err != nil {
		return err
	}
	if err := fixed.MulInt(&rad, &p.Principal, rate); err != nil {
		return err
	}
	if err := fixed.AddInt(&d, &e.dai[u], &rad); err != nil {
		return err
	}
	if err := fixed.AddInt(&debt, &e.Debt, &rad); err != nil {
		return err
	}
	e.set(&p.FeeIndex, &r)
	e.set(&e.dai[u], &d)
	e.set(&e.Debt, &debt)
	return nil
}
