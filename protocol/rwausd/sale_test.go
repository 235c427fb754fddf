package rwausd

import (
	"errors"
	"reflect"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/auction"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

// seller returns a Seller that pays price [wad per token unit of an
// 18-decimal token] from bob's wallet rwaUSD, which the fixture exits first.
func (f *clipFix) seller(t *testing.T, price string) Seller {
	t.Helper()
	must(t, f.s.exitStable(f.bob, ether("1000")))
	p := ether(price)
	return func(from token.Account, amt, out *uint256.Int) error {
		if err := f.s.L.Transfer(f.gld, from, f.bob, amt); err != nil {
			return err
		}
		if err := fixed.WMul(out, amt, p); err != nil {
			return err
		}
		return f.s.L.Transfer(f.s.Stable, f.bob, from, out)
	}
}

func TestBarkSellCoversTab(t *testing.T) {
	f := newClipFix(t, nil)
	sell := f.seller(t, "4") // the market price: 40 gold fetch 160
	var r SaleResult
	must(t, f.s.BarkSell(f.ali, f.urn, sell, &r))
	f.check(t)
	a := &f.s.Vat.Accounts[f.urn]
	eq(t, "ink", &a.Locked, new(uint256.Int))
	eq(t, "art", &a.Principal, new(uint256.Int))
	eq(t, "sold", &r.Sold, ether("40"))
	eq(t, "proceeds", &r.Proceeds, ether("160"))
	eq(t, "owe", &r.Owe, rad("110")) // tab = 100·1.1
	eq(t, "short", &r.Short, new(uint256.Int))
	eq(t, "vow dai", f.s.Vat.Dai(f.s.VowAcct), rad("110"))
	eq(t, "vow sin", f.s.Vat.Sin(f.s.VowAcct), rad("100"))
	eq(t, "owner's rest", f.s.Vat.Dai(f.me), rad("50"))
	eq(t, "clip gem", f.s.Vat.Gem(f.gold, f.s.ClipAcct[f.gold]), new(uint256.Int))
	eq(t, "bob's gold", f.s.L.Balance(f.gld, f.bob), ether("40"))
	if n := len(f.s.Clip[f.gold].Active()); n != 0 {
		t.Fatalf("%d auctions running, want none", n)
	}
	eq(t, "dirt", &f.s.Dog.Dirt, new(uint256.Int))
	tot := &f.s.Totals
	if tot.Barks != 1 || tot.Takes != 0 {
		t.Fatalf("barks %d takes %d, want 1 and 0", tot.Barks, tot.Takes)
	}
	eq(t, "raised", &tot.Raised, rad("110"))
	eq(t, "liquidated", &tot.Liquidated, rad("100"))
	eq(t, "shortfall", &tot.Shortfall, new(uint256.Int))
}

func TestBarkSellShortfall(t *testing.T) {
	f := newClipFix(t, func(p *CollateralParams) {
		p.Tip = *rad("5")
		p.Chip = *ether("0.01")
	})
	sell := f.seller(t, "2") // a deep dump: 40 gold fetch 80 of a 110 tab
	var r SaleResult
	must(t, f.s.BarkSell(f.ali, f.urn, sell, &r))
	f.check(t)
	eq(t, "owe", &r.Owe, rad("80"))
	eq(t, "short", &r.Short, rad("30"))
	eq(t, "owner's rest", f.s.Vat.Dai(f.me), new(uint256.Int))
	eq(t, "shortfall", &f.s.Totals.Shortfall, rad("30"))
	eq(t, "coin", &r.Coin, rad("6.1")) // tip 5 + 1% of 110
	eq(t, "keeper", f.s.Vat.Dai(f.ali), rad("1006.1"))
	var d uint256.Int
	eq(t, "deficit", f.s.Deficit(&d), rad("26.1")) // due 100 + coin 6.1 − 80 raised
}

// TestBarkSellBesideAuction: the clipper's account holds the lots of the
// profile's running auctions; a bark with an immediate sale on the same
// profile passes on only its own collateral and leaves those lots to their
// auctions.
func TestBarkSellBesideAuction(t *testing.T) {
	f := newClipFix(t, nil)
	s := f.s
	you := s.AddAccount("you")
	must(t, s.L.Mint(f.gld, you, ether("40")))
	must(t, s.Poke(f.gold, ether("5"), true))
	u := s.OpenAccount(f.gold, you)
	must(t, s.Deposit(you, u, ether("40")))
	must(t, s.Mint(you, u, ether("100")))
	must(t, s.Poke(f.gold, ether("4"), true))
	br := f.bark(t) // me's account: a Dutch auction of 40 gold
	clip := s.ClipAcct[f.gold]
	eq(t, "clip gem before", s.Vat.Gem(f.gold, clip), ether("40"))
	var r SaleResult
	must(t, s.BarkSell(f.ali, u, f.seller(t, "4"), &r))
	f.check(t)
	eq(t, "sold", &r.Sold, ether("40"))
	eq(t, "clip gem after", s.Vat.Gem(f.gold, clip), ether("40"))
	eq(t, "you's free gem", s.Vat.Gem(f.gold, you), new(uint256.Int))
	eq(t, "you's rest", s.Vat.Dai(you), rad("50"))
	// The auction runs on: at its top price of 5 the tab of 110 buys 22
	// gold, and the other 18 of its lot go back to me.
	var tr TakeResult
	must(t, s.Take(f.bob, f.gold, br.ID, ether("40"), ray("5"), &tr))
	f.check(t)
	eq(t, "bought", &tr.Bought, ether("22"))
	eq(t, "returned", &tr.Returned, ether("18"))
	eq(t, "clip gem at the end", s.Vat.Gem(f.gold, clip), new(uint256.Int))
}

func TestBarkSellReverts(t *testing.T) {
	f := newClipFix(t, nil)
	sell := f.seller(t, "4")
	before := f.s.Clone()
	boom := errors.New("Pool/boom")
	var r SaleResult
	err := f.s.BarkSell(f.ali, f.urn, func(from token.Account, amt, out *uint256.Int) error {
		if err := sell(from, amt, out); err != nil {
			return err
		}
		return boom // fails after moving tokens: everything rolls back
	}, &r)
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want %v", err, boom)
	}
	if !reflect.DeepEqual(before, f.s.Clone()) {
		t.Fatal("a failed sale changed state")
	}
	must(t, f.s.Poke(f.gold, ether("5"), true)) // safe again
	before = f.s.Clone()
	if err := f.s.BarkSell(f.ali, f.urn, sell, &r); !errors.Is(err, auction.ErrNotUnsafe) {
		t.Fatalf("err %v, want %v", err, auction.ErrNotUnsafe)
	}
	if !reflect.DeepEqual(before, f.s.Clone()) {
		t.Fatal("a bark of a safe account changed state")
	}
	must(t, f.s.Poke(f.gold, ether("4"), true))
	f.s.Clip[f.gold].Stopped = 1
	if err := f.s.BarkSell(f.ali, f.urn, sell, &r); !errors.Is(err, auction.ErrStopped) {
		t.Fatalf("err %v, want %v", err, auction.ErrStopped)
	}
	f.check(t)
}
