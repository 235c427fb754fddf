package vault

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

func u(s string) *uint256.Int { return uint256.MustFromDecimal(s) }
func wad(v uint64) *uint256.Int {
	return new(uint256.Int).Mul(uint256.NewInt(v), &fixed.WAD)
}
func rad(v uint64) *uint256.Int {
	return new(uint256.Int).Mul(uint256.NewInt(v), &fixed.RAD)
}
func neg(x *uint256.Int) *uint256.Int { return new(uint256.Int).Neg(x) }

// wadOf is jug.t.sol's wad(x) = x / 1e27: a RAD balance in WAD.
func wadOf(x *uint256.Int) string { return new(uint256.Int).Div(x, &fixed.RAY).Dec() }

type fixture struct {
	l        *token.Ledger
	e        *Engine
	vow, ali token.Account
	gold     ProfileID
	urn      AccountID
}

// newFixture builds an engine with one gold profile whose safe price is
// high, and ali's account holding 1000 gold with 100 principal minted
// (jug.t.sol's Art = 100).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	l := token.NewLedger()
	gld := l.AddToken("GLD", 18)
	f := &fixture{l: l}
	f.vow = l.AddAccount("vow")
	f.ali = l.AddAccount("ali")
	f.e = New(l, f.vow)
	f.gold = f.e.AddProfile("gold", gld, 0)
	f.e.SetLine(rad(1_000_000))
	f.e.SetDebtCeiling(f.gold, rad(1_000_000))
	if err := f.e.Poke(f.gold, wad(1), true); err != nil { // spot = 1 RAY
		t.Fatal(err)
	}
	if err := f.e.Slip(f.gold, f.ali, wad(1000)); err != nil {
		t.Fatal(err)
	}
	f.urn = f.e.OpenAccount(f.gold, f.ali)
	if err := f.e.Frob(f.urn, f.ali, f.ali, wad(1000), wad(100)); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) drip(t *testing.T, duty string, now int64) {
	t.Helper()
	if _, err := f.e.Drip(f.gold, f.e.Profiles[f.gold].LastDrip); err != nil {
		t.Fatal(err)
	}
	if err := f.e.SetFeeRate(f.gold, u(duty), f.e.Profiles[f.gold].LastDrip); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.Drip(f.gold, now); err != nil {
		t.Fatal(err)
	}
	if err := f.e.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

const (
	day           = 86400
	fivePctPerDay = "1000000564701133626865910626"
	tenPctPerDay  = "1000001103127689513476993127"
	minus25PerDay = "999999706969857929985428567"
)

// TestJugVectors ports jug.t.sol (protocol-mechanics §T1.1, §T2.1).
func TestJugVectors(t *testing.T) {
	for _, tt := range []struct {
		days     int64
		wantDai  string
		wantRate string
	}{
		{1, "5000000000000000000", "1050000000000000000000016038"},
		{2, "10250000000000000000", "1102500000000000000000033678"},
		{3, "15762500000000000000", "1157625000000000000000053042"},
	} {
		f := newFixture(t)
		f.drip(t, fivePctPerDay, tt.days*day)
		if got := wadOf(f.e.Dai(f.vow)); got != tt.wantDai {
			t.Errorf("%d days: vow dai = %s, want %s", tt.days, got, tt.wantDai)
		}
		if got := f.e.Profiles[f.gold].FeeIndex.Dec(); got != tt.wantRate {
			t.Errorf("%d days: rate = %s, want %s", tt.days, got, tt.wantRate)
		}
	}
}

func TestJugNegativeRate(t *testing.T) {
	f := newFixture(t)
	if err := f.e.Move(f.ali, f.vow, rad(100)); err != nil { // vow holds 100
		t.Fatal(err)
	}
	f.drip(t, minus25PerDay, 3*day)
	if got, want := wadOf(f.e.Dai(f.vow)), "92685937500000000000"; got != want {
		t.Errorf("vow dai = %s, want %s", got, want)
	}
	if got, want := f.e.Profiles[f.gold].FeeIndex.Dec(), "926859375000000000000022885"; got != want {
		t.Errorf("rate = %s, want %s", got, want)
	}
}

func TestJugRateChange(t *testing.T) {
	f := newFixture(t)
	f.drip(t, fivePctPerDay, day)
	f.drip(t, tenPctPerDay, 2*day)
	if got, want := wadOf(f.e.Dai(f.vow)), "15500000000000000000"; got != want {
		t.Errorf("vow dai = %s, want %s", got, want)
	}
	if got, want := wadOf(&f.e.Debt), "115500000000000000000"; got != want {
		t.Errorf("debt = %s, want %s", got, want)
	}
	var r uint256.Int
	r.Div(&f.e.Profiles[f.gold].FeeIndex, &fixed.BLN)
	if got, want := r.Dec(), "1155000000000000000"; got != want {
		t.Errorf("rate/1e9 = %s, want %s", got, want)
	}
	if got, want := f.e.Profiles[f.gold].FeeIndex.Dec(), "1155000000000000000000061517"; got != want {
		t.Errorf("rate = %s, want %s", got, want)
	}
}

func TestJugBase(t *testing.T) {
	f := newFixture(t)
	f.e.Base = *u("50000000000000000000000000") // 0.05 RAY
	f.drip(t, "1050000000000000000000000000", 1)
	if got, want := wadOf(f.e.Dai(f.vow)), "10000000000000000000"; got != want {
		t.Errorf("vow dai = %s, want %s", got, want)
	}
}

func TestJugRhoRule(t *testing.T) {
	f := newFixture(t)
	if err := f.e.SetFeeRate(f.gold, u(fivePctPerDay), 10); !errors.Is(err, ErrRhoNotUpdated) {
		t.Errorf("file duty without drip: %v", err)
	}
	if _, err := f.e.Drip(f.gold, -1); !errors.Is(err, ErrInvalidNow) {
		t.Errorf("drip in the past: %v", err)
	}
}

// TestPerSecondRate checks the Maker rate table (spells-mainnet
// src/test/rates.sol, protocol-mechanics §T1.1).
func TestPerSecondRate(t *testing.T) {
	for _, tt := range []struct{ annual, want string }{
		{"0", "1000000000000000000000000000"},
		{"0.0001", "1000000000003170820659990704"},
		{"0.01", "1000000000315522921573372069"},
		{"0.05", "1000000001547125957863212448"},
		{"0.10", "1000000003022265980097387650"},
	} {
		got, err := PerSecondRate(tt.annual)
		if err != nil {
			t.Fatalf("%s: %v", tt.annual, err)
		}
		if got.Dec() != tt.want {
			t.Errorf("PerSecondRate(%s) = %s, want %s", tt.annual, got.Dec(), tt.want)
		}
	}
	for _, bad := range []string{"-0.01", "abc", "1000", ""} {
		if _, err := PerSecondRate(bad); err == nil {
			t.Errorf("PerSecondRate(%q) accepted", bad)
		}
	}
}

// TestFrobGates checks the solvency check gates minting and withdrawal only,
// and the ceiling and dust rules, with vat.t.sol-style cases.
func TestFrobGates(t *testing.T) {
	f := newFixture(t) // ink 1000, art 100, spot 1
	e := f.e
	check := func(name string, err, want error) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", name, err, want)
		}
	}
	// Price falls: spot 0.05 → cap 50 < tab 100: unsafe.
	if err := e.Poke(f.gold, u("50000000000000000"), true); err != nil {
		t.Fatal(err)
	}
	before := e.Clone(f.l.Clone())
	check("mint while unsafe", e.Frob(f.urn, f.ali, f.ali, new(uint256.Int), wad(1)), ErrNotSafe)
	check("withdraw while unsafe", e.Frob(f.urn, f.ali, f.ali, neg(wad(1)), new(uint256.Int)), ErrNotSafe)
	if !reflect.DeepEqual(before, e.Clone(f.l.Clone())) {
		t.Fatal("reverted frob changed state")
	}
	// Risk-reducing actions pass even while unsafe.
	check("repay while unsafe", e.Frob(f.urn, f.ali, f.ali, new(uint256.Int), neg(wad(10))), nil)
	if err := e.Slip(f.gold, f.ali, wad(10)); err != nil {
		t.Fatal(err)
	}
	check("deposit while unsafe", e.Frob(f.urn, f.ali, f.ali, wad(10), new(uint256.Int)), nil)

	// Ceilings.
	if err := e.Poke(f.gold, wad(1), true); err != nil {
		t.Fatal(err)
	}
	e.SetDebtCeiling(f.gold, rad(95))
	check("profile ceiling", e.Frob(f.urn, f.ali, f.ali, new(uint256.Int), wad(6)), ErrCeilingExceeded)
	e.SetDebtCeiling(f.gold, rad(1000))
	e.SetLine(rad(92))
	check("global ceiling", e.Frob(f.urn, f.ali, f.ali, new(uint256.Int), wad(3)), ErrCeilingExceeded)
	check("repay above ceiling", e.Frob(f.urn, f.ali, f.ali, new(uint256.Int), neg(wad(1))), nil)
	e.SetLine(rad(1000))

	// Dust: a non-empty account must owe at least dust; closing is fine.
	e.SetDust(f.gold, rad(20))
	check("leave dust", e.Frob(f.urn, f.ali, f.ali, new(uint256.Int), neg(wad(80))), ErrDust)
	check("close", e.Frob(f.urn, f.ali, f.ali, new(uint256.Int), neg(wad(89))), nil)
	if err := e.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// TestHaircutSafetyFactor checks the seed's solvency rule through mat:
// collateral·price·(1−h) ≥ liability·s.
func TestHaircutSafetyFactor(t *testing.T) {
	f := newFixture(t)
	e := f.e
	// h = 20%, s = 1.25 → mat = 1.5625; price 1 → spot 0.64.
	if err := e.SetRisk(f.gold, u("200000000000000000000000000"), u("1250000000000000000000000000")); err != nil {
		t.Fatal(err)
	}
	if got, want := e.Profiles[f.gold].Mat.Dec(), "1562500000000000000000000000"; got != want {
		t.Fatalf("mat = %s, want %s", got, want)
	}
	if err := e.Poke(f.gold, wad(1), true); err != nil {
		t.Fatal(err)
	}
	if got, want := e.Profiles[f.gold].SafePrice.Dec(), "640000000000000000000000000"; got != want {
		t.Fatalf("spot = %s, want %s", got, want)
	}
	// 1000 collateral·1·0.8 = 800 ≥ liability·1.25 ⇒ liability ≤ 640.
	if err := e.Frob(f.urn, f.ali, f.ali, new(uint256.Int), wad(540)); err != nil {
		t.Fatalf("mint to exactly 640: %v", err)
	}
	if err := e.Frob(f.urn, f.ali, f.ali, new(uint256.Int), uint256.NewInt(1)); !errors.Is(err, ErrNotSafe) {
		t.Fatalf("mint 1 wei past the limit: %v", err)
	}
	// An invalid oracle price zeroes spot: no minting at all.
	if err := e.Poke(f.gold, wad(1), false); err != nil {
		t.Fatal(err)
	}
	if e.Safe(f.urn) {
		t.Fatal("account safe with no valid price")
	}
	for _, bad := range [][2]string{{"1000000000000000000000000000", "1000000000000000000000000000"}, {"0", "999999999999999999999999999"}} {
		if err := e.SetRisk(f.gold, u(bad[0]), u(bad[1])); !errors.Is(err, ErrSpotterBadParam) {
			t.Errorf("SetRisk(%s, %s) = %v", bad[0], bad[1], err)
		}
	}
}

func TestSuckHealMoveFlux(t *testing.T) {
	f := newFixture(t)
	e := f.e
	if err := e.Suck(f.vow, f.ali, rad(7)); err != nil {
		t.Fatal(err)
	}
	if err := e.Move(f.ali, f.vow, rad(7)); err != nil {
		t.Fatal(err)
	}
	if err := e.Heal(f.vow, rad(7)); err != nil {
		t.Fatal(err)
	}
	if !e.Vice.IsZero() || !e.Sin(f.vow).IsZero() {
		t.Fatal("heal left debt")
	}
	if err := e.Heal(f.vow, rad(1)); !errors.Is(err, fixed.ErrUnderflow) {
		t.Fatalf("heal with no sin: %v", err)
	}
	if err := e.Flux(f.gold, f.ali, f.vow, wad(1)); !errors.Is(err, fixed.ErrUnderflow) {
		t.Fatalf("flux with no free gem: %v", err)
	}
	if err := e.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkDrip(b *testing.B) {
	l := token.NewLedger()
	tok := l.AddToken("G", 18)
	vow := l.AddAccount("vow")
	e := New(l, vow)
	p := e.AddProfile("g", tok, 0)
	duty, _ := PerSecondRate("0.05")
	_ = e.SetFeeRate(p, duty, 0)
	var now int64
	b.ReportAllocs()
	for b.Loop() {
		now += 600 // one 10-minute block
		if _, err := e.Drip(p, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSafe(b *testing.B) {
	l := token.NewLedger()
	tok := l.AddToken("G", 18)
	vow := l.AddAccount("vow")
	ali := l.AddAccount("ali")
	e := New(l, vow)
	p := e.AddProfile("g", tok, 0)
	e.SetLine(rad(1e6))
	e.SetDebtCeiling(p, rad(1e6))
	_ = e.Poke(p, wad(2000), true)
	_ = e.Slip(p, ali, wad(10))
	a := e.OpenAccount(p, ali)
	_ = e.Frob(a, ali, ali, wad(10), wad(5000))
	b.ReportAllocs()
	for b.Loop() {
		if !e.Safe(a) {
			b.Fatal("unsafe")
		}
	}
}

// TestSumByProfile compares SumByProfile with adding account by account,
// for accounts whose profiles come in runs, interleave or repeat, with
// values of every width (wrapping sums included): seed 3, 500 engines of
// up to 60 accounts over 1 to 4 profiles.
func TestSumByProfile(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 0))
	word := func() uint256.Int {
		x := uint256.Int{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
		return *x.Rsh(&x, uint(rng.IntN(257)))
	}
	for range 500 {
		profiles := 1 + rng.IntN(4)
		e := &Engine{Accounts: make([]Account, rng.IntN(61))}
		for i := range e.Accounts {
			p := ProfileID(rng.IntN(profiles))
			if i > 0 && rng.IntN(3) > 0 {
				p = e.Accounts[i-1].Profile // runs, as a book opens accounts
			}
			e.Accounts[i] = Account{Profile: p, Locked: word(), Principal: word()}
		}
		for _, locked := range []bool{false, true} {
			// Both start from the same totals: SumByProfile adds to them.
			want := make([]uint256.Int, profiles)
			for k := range want {
				want[k] = word()
			}
			got := slices.Clone(want)
			for _, a := range e.Accounts {
				x := a.Principal
				if locked {
					x = a.Locked
				}
				want[a.Profile].Add(&want[a.Profile], &x)
			}
			e.SumByProfile(got, locked)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("locked %v, %d accounts: %v, want %v", locked, len(e.Accounts), got, want)
			}
		}
	}
}
