package rwausd

import (
	"errors"
	"reflect"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/auction"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// Helpers in dss test units: ether(x) = x·1e18, ray(x) = x·1e27, rad(x) = x·1e45,
// with x given as a decimal string so 1.1 and 0.02 are exact.
func dec(s string, decimals uint) *uint256.Int {
	var z uint256.Int
	if err := fixed.ParseDecimal(&z, s, decimals); err != nil {
		panic(err)
	}
	return &z
}
func ether(s string) *uint256.Int { return dec(s, 18) }
func ray(s string) *uint256.Int   { return dec(s, 27) }
func rad(s string) *uint256.Int   { return dec(s, 45) }
func num(s string) *uint256.Int   { return uint256.MustFromDecimal(s) }

const startTime = 604411200 // clip.t.sol's start

// clipFix is clip.t.sol's setUp: gold at $5 with mat 2 (spot 2.5), an
// account with 40 gold and 100 rwaUSD of principal, dust 20, chop 1.1,
// hole = Hole = 1000; then the price drops to $4 (spot 2) and the account is
// unsafe. ali and bob hold 1000 of internal rwaUSD each.
type clipFix struct {
	s            *System
	gld          token.ID
	gold         vault.ProfileID
	me, ali, bob token.Account
	urn          vault.AccountID
}

func baseParams() CollateralParams {
	p := CollateralParams{Tail: 3600}
	p.SafetyFactor = *ray("2") // mat 2 (h = 0)
	p.DebtCeiling = *rad("10000")
	p.Dust = *rad("20")
	p.FeeRate = fixed.RAY
	p.Chop = *ether("1.1")
	p.Hole = *rad("1000")
	// takeSetup: 1% per second stairstep, buf 1.25, cusp 0.3, tail 1 hour.
	p.Buf = *ray("1.25")
	p.Cusp = *ray("0.3")
	p.Calc = auction.Curve{Kind: auction.Stairstep, Step: 1, Cut: *ray("0.99")}
	return p
}

func newClipFix(t *testing.T, edit func(*CollateralParams)) *clipFix {
	t.Helper()
	s := New(startTime)
	f := &clipFix{s: s}
	f.gld = s.AddToken("GLD", 18)
	p := baseParams()
	if edit != nil {
		edit(&p)
	}
	var err error
	if f.gold, err = s.AddCollateral("gold", f.gld, &p); err != nil {
		t.Fatal(err)
	}
	s.Dog.Hole = *rad("1000")
	s.Vat.SetLine(rad("10000"))
	f.me, f.ali, f.bob = s.AddAccount("me"), s.AddAccount("ali"), s.AddAccount("bob")
	faucet := s.AddAccount("faucet")
	must(t, s.L.Mint(f.gld, f.me, ether("1000")))
	must(t, s.Poke(f.gold, ether("5"), true))
	f.urn = s.OpenAccount(f.gold, f.me)
	must(t, s.Deposit(f.me, f.urn, ether("40")))
	must(t, s.Mint(f.me, f.urn, ether("100")))
	must(t, s.Poke(f.gold, ether("4"), true)) // now unsafe
	must(t, s.Vat.Suck(faucet, f.ali, rad("1000")))
	must(t, s.Vat.Suck(faucet, f.bob, rad("1000")))
	f.check(t)
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *clipFix) check(t *testing.T) {
	t.Helper()
	if err := f.s.CheckInvariants(true); err != nil {
		t.Fatal(err)
	}
}

func (f *clipFix) bark(t *testing.T) BarkResult {
	t.Helper()
	var r BarkResult
	must(t, f.s.Bark(f.ali, f.urn, &r))
	f.check(t)
	return r
}

func (f *clipFix) sale(t *testing.T, id int64) *auction.Sale {
	t.Helper()
	c := f.s.Clip[f.gold]
	k := c.Find(id)
	if k < 0 {
		return nil
	}
	return &c.Sales[k]
}

func eq(t *testing.T, what string, got *uint256.Int, want *uint256.Int) {
	t.Helper()
	if !got.Eq(want) {
		t.Errorf("%s = %s, want %s", what, got.Dec(), want.Dec())
	}
}

// TestBark ports clip.t.sol's bark cases (protocol-mechanics §T1.3).
func TestBark(t *testing.T) {
	f := newClipFix(t, nil)
	r := f.bark(t)
	s := f.sale(t, r.ID)
	eq(t, "tab", &s.Tab, rad("110"))
	eq(t, "lot", &s.Lot, ether("40"))
	eq(t, "top", &s.Top, ray("5")) // $4 plus 25%
	if s.Tic != startTime || s.Usr != f.me {
		t.Errorf("tic %d usr %d", s.Tic, s.Usr)
	}
	a := f.s.Vat.Accounts[f.urn]
	if !a.Locked.IsZero() || !a.Principal.IsZero() {
		t.Errorf("account not emptied: ink %s art %s", a.Locked.Dec(), a.Principal.Dec())
	}
	eq(t, "Dirt", &f.s.Dog.Dirt, rad("110"))
	eq(t, "vow sin (due, without penalty)", f.s.Vat.Sin(f.s.VowAcct), rad("100"))
	eq(t, "queued Sin", &f.s.Vow.Sin, rad("100"))
}

// TestBarkCases are clip.t.sol's partial-liquidation and keeper-reward
// cases, one row each.
func TestBarkCases(t *testing.T) {
	ray102 := ray("1.02")
	mulRate := func(w string) *uint256.Int { return new(uint256.Int).Mul(ether(w), ray102) }
	for _, tt := range []struct {
		name             string
		edit             func(*CollateralParams)
		fold             bool // fee index 1.02 before bark
		hole             *uint256.Int
		Hole             *uint256.Int
		wantTab, wantLot *uint256.Int
		wantInk, wantArt *uint256.Int
		wantCoin         *uint256.Int
	}{
		{name: "kick pays tip", edit: func(p *CollateralParams) { p.Buf = fixed.RAY; p.Tip = *rad("100") },
			wantTab: rad("110"), wantLot: ether("40"), wantInk: ether("0"), wantArt: ether("0"), wantCoin: rad("100")},
		{name: "kick pays tip + chip·tab", edit: func(p *CollateralParams) { p.Tip = *rad("100"); p.Chip = *ether("0.02") },
			wantTab: rad("110"), wantLot: ether("40"), wantInk: ether("0"), wantArt: ether("0"), wantCoin: rad("102.2")},
		{name: "not leaving dust", edit: func(p *CollateralParams) { p.Chop = fixed.WAD }, hole: rad("80"),
			wantTab: rad("80"), wantLot: ether("32"), wantInk: ether("8"), wantArt: ether("20"), wantCoin: rad("0")},
		{name: "not leaving dust over hole", edit: func(p *CollateralParams) { p.Chop = fixed.WAD },
			hole:    new(uint256.Int).Add(rad("80"), ray("1")),
			wantTab: rad("100"), wantLot: ether("40"), wantInk: ether("0"), wantArt: ether("0"), wantCoin: rad("0")},
		{name: "not leaving dust, rate 1.02", edit: func(p *CollateralParams) { p.Chop = fixed.WAD; p.Dust = *mulRate("20") },
			fold: true, hole: mulRate("80"),
			wantTab: mulRate("80"), wantLot: ether("32"), wantInk: ether("8"), wantArt: ether("20"), wantCoin: rad("0")},
		{name: "hole 100, rate 1.02: leftover below dust, full", edit: func(p *CollateralParams) { p.Chop = fixed.WAD; p.Dust = *rad("20") },
			fold: true, hole: rad("100"),
			wantTab: mulRate("100"), wantLot: ether("40"), wantInk: ether("0"), wantArt: ether("0"), wantCoin: rad("0")},
		{name: "only leaving dust over hole, rate 1.02", edit: func(p *CollateralParams) { p.Chop = fixed.WAD; p.Dust = *mulRate("20") },
			fold: true, hole: new(uint256.Int).Mul(new(uint256.Int).AddUint64(ether("80"), 1), ray102),
			wantTab: mulRate("100"), wantLot: ether("40"), wantInk: ether("0"), wantArt: ether("0"), wantCoin: rad("0")},
		// tab = 75 RAD − 0.2 RAY of rounding (§T2.1: dart 68181818181818181818, dink 27272727272727272727).
		{name: "partial, Hole limit", Hole: rad("75"),
			wantTab: num("74999999999999999999800000000000000000000000000"), wantLot: num("27272727272727272727"),
			wantInk: num("12727272727272727273"), wantArt: num("31818181818181818182"), wantCoin: rad("0")},
		{name: "partial, hole limit", hole: rad("75"),
			wantTab: num("74999999999999999999800000000000000000000000000"), wantLot: num("27272727272727272727"),
			wantInk: num("12727272727272727273"), wantArt: num("31818181818181818182"), wantCoin: rad("0")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newClipFix(t, tt.edit)
			s := f.s
			if tt.fold {
				must(t, s.Vat.Fold(f.gold, s.VowAcct, ray("0.02")))
				eq(t, "rate", &s.Vat.Profiles[f.gold].FeeIndex, ray102)
			}
			if tt.hole != nil {
				s.Dog.Ilks[f.gold].Hole = *tt.hole
			}
			if tt.Hole != nil {
				s.Dog.Hole = *tt.Hole
			}
			before := new(uint256.Int).Set(s.Vat.Dai(f.ali))
			r := f.bark(t)
			sale := f.sale(t, r.ID)
			eq(t, "tab", &sale.Tab, tt.wantTab)
			eq(t, "lot", &sale.Lot, tt.wantLot)
			a := s.Vat.Accounts[f.urn]
			eq(t, "ink left", &a.Locked, tt.wantInk)
			eq(t, "art left", &a.Principal, tt.wantArt)
			eq(t, "kicker reward", new(uint256.Int).Sub(s.Vat.Dai(f.ali), before), tt.wantCoin)
			eq(t, "Dirt", &s.Dog.Dirt, tt.wantTab)
			eq(t, "dirt", &s.Dog.Ilks[f.gold].Dirt, tt.wantTab)
		})
	}
}

// TestTakeCases are clip.t.sol's take cases after takeSetup (bark → tab
// 110, lot 40, top 5), one row each.
func TestTakeCases(t *testing.T) {
	price60 := num("2735783211953807380973706855") // 5 · 0.99^60 (§T1.2)
	// 5 · 0.99^69, rmul(top, rpow(cut, 69)) in exact integers: 40 gold pay
	// about 99.97 DAI, less than the tab of 110 (§T1.3).
	price69 := num("2499185149495996261933827815")
	for _, tt := range []struct {
		name             string
		warp             int64
		amt, max         *uint256.Int
		wantErr          error
		wantBought       *uint256.Int // to ali's wallet [wad]
		wantPaid         *uint256.Int // from ali's internal balance [rad]
		wantReturned     *uint256.Int // gold back to me's wallet [wad]
		wantTab, wantLot *uint256.Int // sale after (nil: closed)
		wantDirt         *uint256.Int
	}{
		{name: "over tab", amt: ether("25"), max: ray("5"),
			wantBought: ether("22"), wantPaid: rad("110"), wantReturned: ether("18"), wantDirt: rad("0")},
		{name: "at tab", amt: ether("22"), max: ray("5"),
			wantBought: ether("22"), wantPaid: rad("110"), wantReturned: ether("18"), wantDirt: rad("0")},
		{name: "under tab", amt: ether("11"), max: ray("5"),
			wantBought: ether("11"), wantPaid: rad("55"), wantReturned: ether("0"),
			wantTab: rad("55"), wantLot: ether("29"), wantDirt: rad("55")},
		{name: "bid too low", amt: ether("22"), max: ray("4"), wantErr: auction.ErrTooExpensive},
		{name: "partial capped at chost", amt: ether("18"), max: ray("5"),
			// owe = 110 − chost(22) = 88 RAD, slice = 88/5 = 17.6
			wantBought: ether("17.6"), wantPaid: rad("88"), wantReturned: ether("0"),
			wantTab: rad("22"), wantLot: ether("22.4"), wantDirt: rad("22")},
		{name: "bid would create dust", amt: new(uint256.Int).SubUint64(ether("22"), 1), max: ray("5"),
			wantBought: ether("17.6"), wantPaid: rad("88"), wantReturned: ether("0"),
			wantTab: rad("22"), wantLot: ether("22.4"), wantDirt: rad("22")},
		{name: "whole lot below tab after 60 s", warp: 60, amt: ether("40"), max: ray("2.8"),
			wantBought: ether("40"), wantPaid: new(uint256.Int).Mul(ether("40"), price60), wantReturned: ether("0"),
			wantDirt: rad("0")},
		{name: "whole lot for about 100 after 69 s", warp: 69, amt: ether("40"), max: ray("2.5"),
			wantBought: ether("40"), wantPaid: new(uint256.Int).Mul(ether("40"), price69), wantReturned: ether("0"),
			wantDirt: rad("0")},
		{name: "needs reset after tail", warp: 3601, amt: ether("40"), max: ray("5"), wantErr: auction.ErrNeedsReset},
		{name: "no such auction", amt: ether("1"), max: ray("5"), wantErr: auction.ErrNotRunning},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newClipFix(t, nil)
			s := f.s
			r := f.bark(t)
			id := r.ID
			if tt.wantErr == auction.ErrNotRunning {
				id = 2
			}
			s.SetTime(startTime + tt.warp)
			daiBefore := new(uint256.Int).Set(s.Vat.Dai(f.ali))
			meBefore := new(uint256.Int).Set(s.L.Balance(f.gld, f.me))
			before := s.Clone()
			var tr TakeResult
			err := s.Take(f.ali, f.gold, id, tt.amt, tt.max, &tr)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if !reflect.DeepEqual(before, s.Clone()) {
					t.Fatal("reverted take changed state")
				}
				return
			}
			must(t, err)
			f.check(t)
			eq(t, "ali gold", s.L.Balance(f.gld, f.ali), tt.wantBought)
			eq(t, "ali paid", new(uint256.Int).Sub(daiBefore, s.Vat.Dai(f.ali)), tt.wantPaid)
			eq(t, "returned to me", new(uint256.Int).Sub(s.L.Balance(f.gld, f.me), meBefore), tt.wantReturned)
			sale := f.sale(t, r.ID)
			if tt.wantTab == nil {
				if sale != nil {
					t.Fatalf("auction still running: tab %s lot %s", sale.Tab.Dec(), sale.Lot.Dec())
				}
			} else {
				eq(t, "tab", &sale.Tab, tt.wantTab)
				eq(t, "lot", &sale.Lot, tt.wantLot)
			}
			eq(t, "Dirt", &s.Dog.Dirt, tt.wantDirt)
		})
	}
}

// TestTakeNoPartialPurchase: once the tab is at chost, only the whole
// remainder can be bought (clip.t.sol).
func TestTakeNoPartialPurchase(t *testing.T) {
	f := newClipFix(t, nil)
	s := f.s
	r := f.bark(t)
	var tr TakeResult
	must(t, s.Take(f.ali, f.gold, r.ID, ether("17.6"), ray("5"), &tr))
	eq(t, "tab", &f.sale(t, r.ID).Tab, rad("22"))
	eq(t, "lot", &f.sale(t, r.ID).Lot, ether("22.4"))
	before := s.Clone()
	if err := s.Take(f.bob, f.gold, r.ID, ether("1"), ray("5"), &tr); !errors.Is(err, auction.ErrNoPartial) {
		t.Fatalf("partial take at chost: %v", err)
	}
	if !reflect.DeepEqual(before, s.Clone()) {
		t.Fatal("reverted take changed state")
	}
	must(t, s.Take(f.bob, f.gold, r.ID, ether("22.4"), ray("5"), &tr))
	f.check(t)
	if f.sale(t, r.ID) != nil {
		t.Fatal("auction not closed")
	}
}

// TestTakeMultipleBidsDifferentPrices is clip.t.sol's
// test_take_multiple_bids_different_prices.
func TestTakeMultipleBidsDifferentPrices(t *testing.T) {
	f := newClipFix(t, nil)
	s := f.s
	r := f.bark(t)
	var tr TakeResult
	must(t, s.Take(f.ali, f.gold, r.ID, ether("10"), ray("5"), &tr))
	eq(t, "tab", &f.sale(t, r.ID).Tab, rad("60"))
	eq(t, "lot", &f.sale(t, r.ID).Lot, ether("30"))
	s.SetTime(startTime + 30)
	var price uint256.Int
	if _, ok := s.AuctionStatus(f.gold, r.ID, &price); !ok {
		t.Fatal("auction not running")
	}
	must(t, s.Take(f.bob, f.gold, r.ID, ether("30"), ray("4"), &tr))
	f.check(t)
	// bob gets tab/price, me gets the rest of the lot back.
	var want uint256.Int
	want.Div(new(uint256.Int).Mul(&fixed.RAY, ether("60")), &price)
	eq(t, "bob gold", s.L.Balance(f.gld, f.bob), &want)
	eq(t, "bob dai", s.Vat.Dai(f.bob), rad("940"))
	var ret uint256.Int
	ret.Sub(ether("30"), &want)
	eq(t, "me gold", s.L.Balance(f.gld, f.me), new(uint256.Int).Add(ether("960"), &ret))
}

// TestShortfallStaysExplicit: a lot that sells out below the tab leaves the
// gap as backstop bad debt, and the Dog's limits are released anyway.
func TestShortfallStaysExplicit(t *testing.T) {
	f := newClipFix(t, nil)
	s := f.s
	r := f.bark(t)
	s.SetTime(startTime + 69)
	var tr TakeResult
	must(t, s.Take(f.ali, f.gold, r.ID, ether("40"), ray("2.5"), &tr))
	f.check(t)
	if !tr.Shortfall || !tr.Done {
		t.Fatalf("shortfall %v done %v", tr.Shortfall, tr.Done)
	}
	if !s.Dog.Dirt.IsZero() {
		t.Fatalf("Dirt = %s, want 0", s.Dog.Dirt.Dec())
	}
	// Debt queued 100 (due); raised ≈ 99.96; the backstop holds the raise as
	// surplus and the due as bad debt: deficit = due − raised > 0.
	var deficit uint256.Int
	s.Deficit(&deficit)
	var want uint256.Int
	want.Sub(rad("100"), &tr.Owe)
	eq(t, "deficit", &deficit, &want)
	eq(t, "Totals.Shortfall", &s.Totals.Shortfall, new(uint256.Int).Sub(rad("110"), &tr.Owe))
}

// TestAuctionReset ports clip.t.sol's reset cases with a linear curve:
// after tail (tau 10 h) or cusp (tau 1 h, cusp 0.5) the auction needs a
// redo, which restarts it at the latest feed price × buf.
func TestAuctionReset(t *testing.T) {
	for _, tt := range []struct {
		name         string
		tau          int64
		early, ready int64
	}{
		{"tail", 10 * 3600, 3600, 3601},
		{"cusp", 3600, 1800, 1801},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newClipFix(t, func(p *CollateralParams) {
				p.Calc = auction.Curve{Kind: auction.Linear, Tau: tt.tau}
				p.Cusp = *ray("0.5")
			})
			s := f.s
			r := f.bark(t)
			must(t, s.Poke(f.gold, ether("3"), true))
			eq(t, "top before", &f.sale(t, r.ID).Top, ray("5"))
			var coin, price uint256.Int
			s.SetTime(startTime + tt.early)
			if need, _ := s.AuctionStatus(f.gold, r.ID, &price); need {
				t.Fatal("needs redo too early")
			}
			if err := s.Redo(f.bob, f.gold, r.ID, &coin); !errors.Is(err, auction.ErrCannotReset) {
				t.Fatalf("early redo: %v", err)
			}
			s.SetTime(startTime + tt.ready)
			if need, _ := s.AuctionStatus(f.gold, r.ID, &price); !need {
				t.Fatal("does not need redo")
			}
			must(t, s.Redo(f.bob, f.gold, r.ID, &coin))
			f.check(t)
			sale := f.sale(t, r.ID)
			if sale.Tic != startTime+tt.ready {
				t.Errorf("tic = %d", sale.Tic)
			}
			eq(t, "top after", &sale.Top, ray("3.75")) // $3 × 1.25
			if err := s.Redo(f.bob, f.gold, r.ID, &coin); !errors.Is(err, auction.ErrCannotReset) {
				t.Fatalf("second redo: %v", err)
			}
		})
	}
}

// TestRedoIncentive: redo pays tip + chip·tab only when the tab and the lot
// value are at least chost (clip.redo's anti-farming rule).
func TestRedoIncentive(t *testing.T) {
	f := newClipFix(t, func(p *CollateralParams) { p.Tip = *rad("100"); p.Chip = *ether("0.02") })
	s := f.s
	r := f.bark(t)
	s.SetTime(startTime + 3601)
	var coin uint256.Int
	must(t, s.Redo(f.bob, f.gold, r.ID, &coin))
	eq(t, "redo coin", &coin, rad("102.2"))

	// A dusty auction (tab below chost) pays nothing on redo.
	g := newClipFix(t, func(p *CollateralParams) { p.Tip = *rad("100") })
	r = g.bark(t)
	var tr TakeResult
	must(t, g.s.Take(g.ali, g.gold, r.ID, ether("17.6"), ray("5"), &tr)) // tab → 22 = chost
	g.s.Clip[g.gold].Chost = *rad("23")                                  // governance raised dust
	g.s.SetTime(startTime + 3601)
	must(t, g.s.Redo(g.bob, g.gold, r.ID, &coin))
	eq(t, "dusty redo coin", &coin, rad("0"))
	g.check(t)
}

// TestBreaker: stopped 1 blocks kick, 2 also redo, 3 also take.
func TestBreaker(t *testing.T) {
	f := newClipFix(t, nil)
	s := f.s
	c := s.Clip[f.gold]
	c.Stopped = 1
	var br BarkResult
	if err := s.Bark(f.ali, f.urn, &br); !errors.Is(err, auction.ErrStopped) {
		t.Fatalf("bark at level 1: %v", err)
	}
	c.Stopped = 0
	r := f.bark(t)
	c.Stopped = 2
	s.SetTime(startTime + 10)
	var tr TakeResult
	must(t, s.Take(f.ali, f.gold, r.ID, ether("1"), ray("5"), &tr)) // take still allowed
	s.SetTime(startTime + 3601)
	var coin uint256.Int
	if err := s.Redo(f.bob, f.gold, r.ID, &coin); !errors.Is(err, auction.ErrStopped) {
		t.Fatalf("redo at level 2: %v", err)
	}
	c.Stopped = 1
	must(t, s.Redo(f.bob, f.gold, r.ID, &coin)) // redo allowed at level 1
	c.Stopped = 3
	if err := s.Take(f.ali, f.gold, r.ID, ether("1"), ray("5"), &tr); !errors.Is(err, auction.ErrStopped) {
		t.Fatalf("take at level 3: %v", err)
	}
	f.check(t)
}

// TestBarkReverts: a safe account, a price-less profile and the limits.
func TestBarkReverts(t *testing.T) {
	f := newClipFix(t, nil)
	s := f.s
	var br BarkResult
	must(t, s.Poke(f.gold, ether("5"), true)) // safe again
	before := s.Clone()
	if err := s.Bark(f.ali, f.urn, &br); !errors.Is(err, auction.ErrNotUnsafe) {
		t.Fatalf("bark safe account: %v", err)
	}
	must(t, s.Poke(f.gold, ether("4"), false)) // oracle invalid: spot 0
	if err := s.Bark(f.ali, f.urn, &br); !errors.Is(err, auction.ErrNotUnsafe) {
		t.Fatalf("bark without price: %v", err)
	}
	must(t, s.Poke(f.gold, ether("4"), true))
	s.Dog.Hole = *rad("0")
	if err := s.Bark(f.ali, f.urn, &br); !errors.Is(err, auction.ErrLimitHit) {
		t.Fatalf("bark at Hole: %v", err)
	}
	_ = before
	f.check(t)
}

// TestRacingKeepers: two keepers bark the same account in one block; the
// first succeeds, the second reverts Dog/not-unsafe (the account is empty)
// and leaves no trace.
func TestRacingKeepers(t *testing.T) {
	f := newClipFix(t, func(p *CollateralParams) { p.Tip = *rad("10") })
	s := f.s
	var r1, r2 BarkResult
	must(t, s.Bark(f.ali, f.urn, &r1))
	before := s.Clone()
	err := s.Bark(f.bob, f.urn, &r2)
	if !errors.Is(err, auction.ErrNotUnsafe) {
		t.Fatalf("second bark: %v, want Dog/not-unsafe", err)
	}
	if !reflect.DeepEqual(before, s.Clone()) {
		t.Fatal("reverted bark changed state")
	}
	eq(t, "bob got no reward", s.Vat.Dai(f.bob), rad("1000"))
	eq(t, "ali got the reward", s.Vat.Dai(f.ali), rad("1010"))
	f.check(t)
}
