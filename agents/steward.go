package agents

import (
	"math/rand/v2"
)

// Steward is governance and the backstop's keepers in one: every hour it
// releases queued bad debt and heals what the surplus covers (flog, heal),
// flaps surplus above the buffer if flap is on, starts a debt auction
// when released debt remains and debt auctions are on, and, if recap is on,
// covers a deficit that has lasted RecapDelay blocks from its treasury.
// Bidders in debt auctions are modelled by the steward too: it dents each
// auction once at the minimum decrease and deals it when done.
type Steward struct {
	Base
	Every        int // blocks between looks
	Recap        bool
	RecapDelay   int // blocks a deficit lasts before recap
	DebtAuctions bool
	Flap         bool
}

// Decide implements Agent.
func (s *Steward) Decide(v *View, r *rand.Rand, out []Tx) []Tx {
	s.Next = v.Step + max(1, s.Every)
	out = append(out, s.tx(Backstop))
	sys := v.Sys
	if s.Recap && v.Deficit > 0 && v.DeficitSince > 0 && v.Step-v.DeficitSince >= s.RecapDelay {
		if have := v.Wallet(sys.Stable, s.Acct); have > 0 {
			t := s.tx(Recap)
			if toUnits(&t.Amt, min(have, v.Deficit*1.000001), 18) {
				out = append(out, t)
			}
		}
	}
	if s.DebtAuctions {
		out = append(out, s.tx(Flop))
		for _, b := range sys.Flopper.Active() {
			switch {
			case b.Tic == 0 && b.End < v.Now:
				t := s.tx(TickFlop)
				t.ID = b.ID
				out = append(out, t)
			case b.Tic != 0 && (b.Tic < v.Now || b.End < v.Now):
				t := s.tx(Deal)
				t.ID = b.ID
				out = append(out, t)
			case b.Tic == 0:
				t := s.tx(Dent)
				t.ID = b.ID
				t.Amt.Mul(&b.Lot, &wadScale)
				t.Amt.Div(&t.Amt, &sys.Flopper.Beg)
				t.Max = b.Bid
				out = append(out, t)
			}
		}
	}
	return out
}

var wadScale = *newWad()

// Clone implements Agent.
func (a *Steward) Clone() Agent {
	c := *a
	return &c
}
