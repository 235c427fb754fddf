package rwausd

// Deep copies of a System for tests and run templates: not a contract.

import (
	"github.com/tempest-risk/tempest/protocol/auction"
	"github.com/tempest-risk/tempest/protocol/backstop"
	"github.com/tempest-risk/tempest/protocol/pegrail"
	"github.com/tempest-risk/tempest/protocol/token"
)

// CloneInto makes dst a deep copy of s's state with an empty journal,
// reusing the ledger and engine storage dst holds (a System a run has
// finished with), and returns it; a nil dst gives Clone's result. The
// result equals Clone's. dst must not be s.
func (s *System) CloneInto(dst *System) *System {
	if dst == nil {
		return s.Clone()
	}
	if dst == s {
		panic("rwausd: System.CloneInto onto itself")
	}
	l := s.L.CloneInto(dst.L)
	vat := s.Vat.CloneInto(dst.Vat, l)
	c := s.cloneModules(l, dst.Clip, dst.Vow)
	c.Vat = vat
	*dst = *c
	return dst
}

// Clone returns a deep copy of the System's state with an empty journal. Two
// clones compare equal with reflect.DeepEqual exactly when the Systems'
// states are equal (slice capacity reserved for future auctions is not
// state).
func (s *System) Clone() *System {
	l := s.L.Clone()
	c := s.cloneModules(l, nil, nil)
	c.Vat = s.Vat.Clone(l)
	return c
}

// cloneModules returns a copy of s over the cloned ledger l, with every module
// but the vault engine cloned (c.Vat is s's until the caller sets it). The
// auctions and the backstop's debt queue reuse the storage of spare and
// spareVow, those of a System a run has finished with, if not nil.
func (s *System) cloneModules(l *token.Ledger, spare []*auction.Clipper, spareVow *backstop.Vow) *System {
	c := *s
	c.L = l
	c.Dog = s.Dog.Clone(&l.J)
	c.Clip = make([]*auction.Clipper, len(s.Clip))
	for i, k := range s.Clip {
		if k != nil {
			var d *auction.Clipper
			if i < len(spare) {
				d = spare[i]
			}
			c.Clip[i] = k.CloneInto(d, &l.J)
		}
	}
	c.Vow = s.Vow.CloneInto(spareVow, &l.J)
	c.Flopper = s.Flopper.Clone(&l.J)
	c.Rails = make([]*pegrail.Rail, len(s.Rails))
	for i, r := range s.Rails {
		rr := *r
		rr.J = &l.J
		c.Rails[i] = &rr
	}
	c.GemJoin = append(c.GemJoin[:0:0], s.GemJoin...)
	c.ClipAcct = append(c.ClipAcct[:0:0], s.ClipAcct...)
	return &c
}
