package rwausd

import (
	"errors"
	"reflect"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/auction"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/pegrail"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// bytes is a reader of fuzz input that yields zeros once exhausted.
type bytes struct {
	b []byte
	i int
}

func (r *bytes) u8() uint8 {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return r.b[r.i-1]
}
func (r *bytes) u16() uint16 { return uint16(r.u8())<<8 | uint16(r.u8()) }
func (r *bytes) done() bool  { return r.i >= len(r.b) }

// amount returns a token amount of a few orders of magnitude around one
// unit, sometimes odd in the last digit, from three input bytes.
func (r *bytes) amount(decimals uint8) *uint256.Int {
	mant := uint64(r.u16()) + 1
	exp := int(r.u8()%8) + int(decimals) - 4 // 1e-4 .. 1e3 units × mant
	if exp < 0 {
		exp = 0
	}
	var z uint256.Int
	z.Exp(uint256.NewInt(10), uint256.NewInt(uint64(exp)))
	return z.Mul(&z, uint256.NewInt(mant))
}

// fuzzWorld is a System with two collateral profiles (18- and 8-decimal
// tokens, stairstep and linear curves), one 6-decimal peg rail, three users
// and two keepers.
type fuzzWorld struct {
	s      *System
	toks   []token.ID // collateral tokens by profile
	prof   []vault.ProfileID
	ref    token.ID
	users  []token.Account
	urns   []vault.AccountID
	gov    token.Account
	market token.Account // buys what BarkSell sells, with rwaUSD from the rail
	prices []uint64      // oracle price in cents, by profile
}

func newFuzzWorld(t testing.TB) *fuzzWorld {
	s := New(startTime)
	w := &fuzzWorld{s: s}
	eth := s.AddToken("ETH", 18)
	btc := s.AddToken("BTC", 8)
	w.ref = s.AddToken("USDX", 6)
	s.Vat.SetLine(rad("100000000"))
	s.Dog.Hole = *rad("500000")
	s.Vow.Wait = 600
	s.Vow.Sump = *rad("100")
	s.Vow.Dump = *ether("1000")
	s.Vow.Bump = *rad("50")
	s.Vow.Hump = *rad("200")
	duty, _ := vault.PerSecondRate("0.20")
	for k, tok := range []token.ID{eth, btc} {
		p := baseParams()
		p.SafetyFactor = *ray("1.3")
		p.Haircut = *ray("0.05")
		p.DebtCeiling = *rad("10000000")
		p.Dust = *rad("100")
		p.FeeRate = *duty
		p.Hole = *rad("300000")
		p.Chip = *ether("0.001")
		p.Tip = *rad("5")
		if k == 1 {
			p.Calc = auction.Curve{Kind: auction.Linear, Tau: 7200}
			p.Cusp = *ray("0.4")
		}
		i, err := s.AddCollateral(s.L.Name(tok), tok, &p)
		if err != nil {
			t.Fatal(err)
		}
		w.toks = append(w.toks, tok)
		w.prof = append(w.prof, i)
	}
	if _, err := s.AddRail("usdx", w.ref, &RailParams{Tin: *ether("0.001"), Tout: *ether("0.002"), Cap: *rad("1000000")}); err != nil {
		t.Fatal(err)
	}
	w.gov = s.AddAccount("gov")
	for k := 0; k < 5; k++ {
		u := s.AddAccount("user")
		w.users = append(w.users, u)
		for _, tok := range append(w.toks, w.ref) {
			var amt uint256.Int
			amt.Exp(uint256.NewInt(10), uint256.NewInt(uint64(s.L.Decimals(tok))+6))
			if err := s.L.Mint(tok, u, &amt); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.market = s.AddAccount("market")
	if err := s.L.Mint(w.ref, w.market, uint256.NewInt(2e11)); err != nil { // 200,000 USDX
		t.Fatal(err)
	}
	var q pegrail.Quote
	if err := s.SellGem(w.market, 0, uint256.NewInt(2e11), &q); err != nil {
		t.Fatal(err)
	}
	w.prices = []uint64{200000, 3000000} // $2,000 and $30,000
	for k, i := range w.prof {
		if err := s.Poke(i, w.price(k), true); err != nil {
			t.Fatal(err)
		}
		for _, u := range w.users[:3] {
			w.urns = append(w.urns, s.OpenAccount(i, u))
		}
	}
	return w
}

func (w *fuzzWorld) price(k int) *uint256.Int {
	var z uint256.Int
	return z.Mul(uint256.NewInt(w.prices[k]), uint256.NewInt(1e16))
}

// step applies one random transaction and returns its revert, if any.
func (w *fuzzWorld) step(r *bytes) (string, error) {
	s := w.s
	user := w.users[int(r.u8())%len(w.users)]
	k := int(r.u8()) % len(w.prof)
	urn := w.urns[int(r.u8())%len(w.urns)]
	owner := s.Vat.Accounts[urn].Owner
	dec := s.L.Decimals(s.Vat.Profiles[s.Vat.Accounts[urn].Profile].Token)
	switch op := r.u8() % 20; op {
	case 0:
		return "deposit", s.Deposit(owner, urn, r.amount(dec))
	case 1:
		return "withdraw", s.Withdraw(owner, urn, r.amount(dec))
	case 2:
		return "mint", s.Mint(owner, urn, r.amount(18))
	case 3:
		return "repay", s.Repay(owner, urn, r.amount(18))
	case 4:
		return "repayAll", s.RepayAll(owner, urn)
	case 5:
		if pct := r.u8(); pct%2 == 1 {
			// Sell at once to the market account at up to 127% of the
			// oracle price; it may lack the rwaUSD, and the sale reverts.
			var sr SaleResult
			return "barkSell", s.BarkSell(user, urn, func(from token.Account, amt, out *uint256.Int) error {
				i := s.Vat.Accounts[urn].Profile
				tok := s.Vat.Profiles[i].Token
				if err := s.L.Transfer(tok, from, w.market, amt); err != nil {
					return err
				}
				out.Mul(amt, &s.Vat.Profiles[i].Scale)
				out.Mul(out, w.price(int(i)))
				out.Mul(out, uint256.NewInt(uint64(pct/2)))
				out.Div(out, uint256.NewInt(100))
				out.Div(out, uint256.NewInt(1e18))
				return s.L.Transfer(s.Stable, w.market, from, out)
			}, &sr)
		}
		var br BarkResult
		return "bark", s.Bark(user, urn, &br)
	case 6:
		c := s.Clip[w.prof[k]]
		if c.N == 0 {
			return "take", nil
		}
		sale := c.Sales[int(r.u8())%int(c.N)]
		var tr TakeResult
		max := new(uint256.Int).Mul(&sale.Top, uint256.NewInt(uint64(r.u8()%4+1)))
		max.Div(max, uint256.NewInt(2))
		return "take", s.Take(user, w.prof[k], sale.ID, r.amount(18), max, &tr)
	case 7:
		c := s.Clip[w.prof[k]]
		if c.N == 0 {
			return "redo", nil
		}
		var coin uint256.Int
		return "redo", s.Redo(user, w.prof[k], c.Sales[int(r.u8())%int(c.N)].ID, &coin)
	case 8: // market move of −30% .. +25% and a poke
		move := int64(r.u8()%56) - 30
		w.prices[k] = uint64(int64(w.prices[k]) * (100 + move) / 100)
		if w.prices[k] == 0 {
			w.prices[k] = 1
		}
		return "poke", s.Poke(w.prof[k], w.price(k), r.u8()%16 != 0)
	case 9:
		s.SetTime(s.Now + int64(r.u16()%4000))
		return "warp", nil
	case 10:
		return "drip", s.Drip(w.prof[k])
	case 11:
		var q pegrail.Quote
		return "sellGem", s.SellGem(user, 0, r.amount(6), &q)
	case 12:
		var q pegrail.Quote
		return "buyGem", s.BuyGem(user, 0, r.amount(6), &q)
	case 13:
		var x uint256.Int
		return "flogAll", s.FlogAll(&x)
	case 14:
		var x uint256.Int
		if r.u8()%2 == 0 {
			return "healMax", s.HealMax(&x)
		}
		return "heal", s.Heal(r.amount(45))
	case 15:
		_, err := s.Flop()
		return "flop", err
	case 16:
		if s.Flopper.N == 0 {
			return "dent", nil
		}
		b := s.Flopper.Bids[int(r.u8())%int(s.Flopper.N)]
		lot := new(uint256.Int).Mul(&b.Lot, uint256.NewInt(uint64(r.u8()%100)))
		lot.Div(lot, uint256.NewInt(100))
		bid := b.Bid
		if r.u8()%8 == 0 {
			bid.AddUint64(&bid, 1)
		}
		return "dent", s.Dent(user, b.ID, lot, &bid)
	case 17:
		if s.Flopper.N == 0 {
			return "deal", nil
		}
		id := s.Flopper.Bids[int(r.u8())%int(s.Flopper.N)].ID
		if r.u8()%2 == 0 {
			return "tick", s.TickFlop(id)
		}
		return "deal", s.Deal(id)
	case 18:
		if r.u8()%2 == 0 {
			return "flap", s.Flap()
		}
		return "recap", s.Recap(user, r.amount(18))
	default:
		return "exitStable", s.ExitStable(user, r.amount(18))
	}
}

// FuzzSystem applies random transaction sequences to a System. After every
// successful transaction all invariants (thorough) must hold; after every
// revert the state must be deep-equal to before; no transaction may panic.
func FuzzSystem(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, 1, 0, 10, 0, 0, 0, 8, 0, 0, 5, 0, 0, 0, 5})
	f.Add([]byte{1, 0, 1, 2, 200, 0, 9, 2, 1, 1, 8, 0, 0, 1, 1, 1, 5, 3, 1, 1, 6, 0, 255, 0, 0, 9, 9, 0, 0, 13})
	f.Add([]byte{2, 1, 2, 11, 50, 7, 3, 1, 2, 12, 9, 4, 2, 0, 2, 18, 0, 4, 0, 0, 0, 15, 0, 0, 0, 16, 0, 20, 0})
	// 100 ETH, 90,000 minted, two 30% falls, then a bark that sells at once
	// at 100% and at 75% of the oracle price.
	f.Add([]byte{0, 0, 0, 0, 0, 99, 4, 0, 0, 0, 2, 0x23, 0x27, 5, 0, 0, 0, 8, 0, 1, 0, 0, 0, 8, 0, 1, 0, 0, 0, 5, 201})
	f.Add([]byte{0, 0, 0, 0, 0, 99, 4, 0, 0, 0, 2, 0x23, 0x27, 5, 0, 0, 0, 8, 0, 1, 0, 0, 0, 8, 0, 1, 0, 0, 0, 5, 151})
	f.Fuzz(func(t *testing.T, data []byte) {
		w := newFuzzWorld(t)
		r := &bytes{b: data}
		for n := 0; n < 64 && !r.done(); n++ {
			before := w.s.Clone()
			name, err := w.step(r)
			if errors.Is(err, ErrInvariant) {
				t.Fatalf("step %d %s: %v", n, name, err)
			}
			if err != nil {
				if !reflect.DeepEqual(before, w.s.Clone()) {
					t.Fatalf("step %d %s reverted (%v) but changed state", n, name, err)
				}
				continue
			}
			if err := w.s.CheckInvariants(true); err != nil {
				t.Fatalf("step %d %s: %v", n, name, err)
			}
		}
	})
}

var _ = fixed.RAY
