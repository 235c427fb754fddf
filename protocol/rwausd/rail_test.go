package rwausd

import (
	"errors"
	"reflect"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/pegrail"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
)

type railFix struct {
	s    *System
	usdx token.ID
	me   token.Account
	k    int
}

func newRailFix(t *testing.T, tin, tout *uint256.Int, capRad *uint256.Int) *railFix {
	t.Helper()
	s := New(startTime)
	f := &railFix{s: s}
	f.usdx = s.AddToken("USDX", 6)
	s.Vat.SetLine(rad("1000000"))
	var err error
	f.k, err = s.AddRail("usdx", f.usdx, &RailParams{Tin: *tin, Tout: *tout, Cap: *capRad})
	must(t, err)
	f.me = s.AddAccount("me")
	must(t, s.L.Mint(f.usdx, f.me, dec("1000", 6)))
	return f
}

func (f *railFix) urn() *vault.Account {
	return &f.s.Vat.Accounts[f.s.Rails[f.k].Urn]
}

// TestPegRailVectors ports dss-psm's psm.t.sol (protocol-mechanics §T1.4).
func TestPegRailVectors(t *testing.T) {
	var q pegrail.Quote
	t.Run("tin 0", func(t *testing.T) {
		f := newRailFix(t, ether("0"), ether("0"), rad("1000"))
		must(t, f.s.SellGem(f.me, f.k, dec("100", 6), &q))
		eq(t, "rwaUSD", f.s.L.Balance(f.s.Stable, f.me), ether("100"))
		eq(t, "ink", &f.urn().Locked, ether("100"))
		eq(t, "art", &f.urn().Principal, ether("100"))
		must(t, f.s.CheckInvariants(true))
	})
	t.Run("tin 1%", func(t *testing.T) {
		f := newRailFix(t, ether("0.01"), ether("0"), rad("1000"))
		must(t, f.s.SellGem(f.me, f.k, dec("100", 6), &q))
		eq(t, "rwaUSD", f.s.L.Balance(f.s.Stable, f.me), ether("99"))
		eq(t, "vow Joy", f.s.Vat.Dai(f.s.VowAcct), rad("1"))
		must(t, f.s.CheckInvariants(true))
	})
	t.Run("tin 5%, tout 10%", func(t *testing.T) {
		f := newRailFix(t, ether("0.05"), ether("0.10"), rad("1000"))
		must(t, f.s.SellGem(f.me, f.k, dec("100", 6), &q))
		eq(t, "rwaUSD", f.s.L.Balance(f.s.Stable, f.me), ether("95"))
		eq(t, "vow Joy", f.s.Vat.Dai(f.s.VowAcct), rad("5"))
		must(t, f.s.BuyGem(f.me, f.k, dec("40", 6), &q))
		eq(t, "cost", &q.Stable, ether("44"))
		eq(t, "rwaUSD", f.s.L.Balance(f.s.Stable, f.me), ether("51"))
		eq(t, "vow Joy", f.s.Vat.Dai(f.s.VowAcct), rad("9"))
		eq(t, "ink", &f.urn().Locked, ether("60"))
		eq(t, "art", &f.urn().Principal, ether("60"))
		eq(t, "USDX back", f.s.L.Balance(f.usdx, f.me), dec("940", 6))
		must(t, f.s.CheckInvariants(true))
	})
}

// TestPegRailLimits: the exposure cap and HALTED sides revert and leave
// state untouched.
func TestPegRailLimits(t *testing.T) {
	var q pegrail.Quote
	f := newRailFix(t, ether("0"), &pegrail.Halted, rad("150"))
	must(t, f.s.SellGem(f.me, f.k, dec("100", 6), &q))
	before := f.s.Clone()
	if err := f.s.SellGem(f.me, f.k, dec("51", 6), &q); !errors.Is(err, vault.ErrCeilingExceeded) {
		t.Fatalf("sell past cap: %v", err)
	}
	if err := f.s.BuyGem(f.me, f.k, dec("1", 6), &q); !errors.Is(err, pegrail.ErrBuyHalted) {
		t.Fatalf("buy halted: %v", err)
	}
	if err := f.s.SellGem(f.me, f.k, dec("5000", 6), &q); !errors.Is(err, token.ErrInsufficientBalance) {
		t.Fatalf("sell more than held: %v", err)
	}
	if !reflect.DeepEqual(before, f.s.Clone()) {
		t.Fatal("reverted rail swaps changed state")
	}
	must(t, f.s.Rails[f.k].SetTout(ether("0")))
	must(t, f.s.Rails[f.k].SetTin(&pegrail.Halted))
	if err := f.s.SellGem(f.me, f.k, dec("1", 6), &q); !errors.Is(err, pegrail.ErrSellHalted) {
		t.Fatalf("sell halted: %v", err)
	}
	must(t, f.s.BuyGem(f.me, f.k, dec("100", 6), &q))
	if err := f.s.BuyGem(f.me, f.k, dec("1", 6), &q); err == nil {
		t.Fatal("bought from an empty rail")
	}
	if err := f.s.Rails[f.k].SetTin(ether("1.01")); !errors.Is(err, pegrail.ErrTinRange) {
		t.Fatalf("tin > 1: %v", err)
	}
	must(t, f.s.CheckInvariants(true))
}

// TestRailNotBarkable: the rail's own account is never auctioned, even if
// its price input were to fall.
func TestRailNotBarkable(t *testing.T) {
	var q pegrail.Quote
	f := newRailFix(t, ether("0"), ether("0"), rad("1000"))
	must(t, f.s.SellGem(f.me, f.k, dec("100", 6), &q))
	must(t, f.s.Poke(vault.ProfileID(f.s.Rails[f.k].Profile), ether("0.5"), true))
	var br BarkResult
	if err := f.s.Bark(f.me, vault.AccountID(f.s.Rails[f.k].Urn), &br); !errors.Is(err, ErrNoAuction) {
		t.Fatalf("bark rail: %v", err)
	}
}

// TestMintRepayProxyAmounts: Mint delivers exactly the amount asked with a
// fee index above 1 (principal rounded up), Repay pays down floor(dai/rate),
// RepayAll clears the account.
func TestMintRepayProxyAmounts(t *testing.T) {
	f := newClipFix(t, func(p *CollateralParams) {
		d, _ := vault.PerSecondRate("0.05")
		p.FeeRate = *d
	})
	s := f.s
	must(t, s.Poke(f.gold, ether("100"), true))
	s.SetTime(startTime + 86400*30)
	bal := new(uint256.Int).Set(s.L.Balance(s.Stable, f.me))
	must(t, s.Mint(f.me, f.urn, ether("10")))
	eq(t, "minted", new(uint256.Int).Sub(s.L.Balance(s.Stable, f.me), bal), ether("10"))
	a := &s.Vat.Accounts[f.urn]
	var owed uint256.Int
	s.Vat.Liability(&owed, f.urn)
	if owed.Lt(rad("110")) {
		t.Fatalf("liability %s below what was drawn", owed.Dec())
	}
	must(t, s.Repay(f.me, f.urn, ether("50")))
	if !s.Vat.Dai(f.me).Lt(&s.Vat.Profiles[f.gold].FeeIndex) {
		t.Fatalf("repay left %s internal, more than one unit of principal", s.Vat.Dai(f.me).Dec())
	}
	// ali sends me enough rwaUSD to close the account.
	must(t, s.ExitStable(f.ali, ether("10")))
	must(t, s.L.Transfer(s.Stable, f.ali, f.me, ether("10")))
	must(t, s.CheckInvariants(true))
	s.SetTime(startTime + 86400*31)
	must(t, s.Drip(f.gold))
	must(t, s.RepayAll(f.me, f.urn))
	if !a.Principal.IsZero() {
		t.Fatalf("principal left %s", a.Principal.Dec())
	}
	must(t, s.Withdraw(f.me, f.urn, ether("40")))
	must(t, s.CheckInvariants(true))
}

// TestRiskGates: the System refuses a mint or withdrawal that would leave
// the account unsafe and allows deposits and repayments to an unsafe one.
func TestRiskGates(t *testing.T) {
	f := newClipFix(t, nil) // unsafe at $4
	s := f.s
	before := s.Clone()
	if err := s.Mint(f.me, f.urn, ether("1")); !errors.Is(err, vault.ErrNotSafe) {
		t.Fatalf("mint unsafe: %v", err)
	}
	if err := s.Withdraw(f.me, f.urn, ether("1")); !errors.Is(err, vault.ErrNotSafe) {
		t.Fatalf("withdraw unsafe: %v", err)
	}
	if err := s.Mint(f.ali, f.urn, ether("1")); !errors.Is(err, ErrNotOwner) {
		t.Fatalf("mint someone else's account: %v", err)
	}
	if !reflect.DeepEqual(before, s.Clone()) {
		t.Fatal("reverted transactions changed state")
	}
	must(t, s.Deposit(f.me, f.urn, ether("10")))
	must(t, s.Repay(f.me, f.urn, ether("10")))
	if !s.Vat.Safe(f.urn) {
		t.Fatal("still unsafe after deposit + repay")
	}
	must(t, s.CheckInvariants(true))
}

var _ = fixed.WAD
