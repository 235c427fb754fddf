package token

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/holiman/uint256"
)

func n(v uint64) *uint256.Int { return uint256.NewInt(v) }

func TestLedgerMintBurnTransfer(t *testing.T) {
	l := NewLedger()
	usd := l.AddToken("USDX", 6)
	a, b := l.AddAccount("a"), l.AddAccount("b")
	if err := l.Mint(usd, a, n(100)); err != nil {
		t.Fatal(err)
	}
	if err := l.Transfer(usd, a, b, n(30)); err != nil {
		t.Fatal(err)
	}
	if err := l.Burn(usd, b, n(10)); err != nil {
		t.Fatal(err)
	}
	if got := l.Balance(usd, a).Uint64(); got != 70 {
		t.Errorf("a = %d, want 70", got)
	}
	if got := l.Balance(usd, b).Uint64(); got != 20 {
		t.Errorf("b = %d, want 20", got)
	}
	if got := l.Supply(usd).Uint64(); got != 90 {
		t.Errorf("supply = %d, want 90", got)
	}
	if err := l.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

func TestLedgerReverts(t *testing.T) {
	l := NewLedger()
	tk := l.AddToken("T", 18)
	a, b := l.AddAccount("a"), l.AddAccount("b")
	if err := l.Mint(tk, a, n(5)); err != nil {
		t.Fatal(err)
	}
	before := l.Clone()
	if err := l.Transfer(tk, a, b, n(6)); !errors.Is(err, ErrInsufficientBalance) {
		t.Errorf("transfer 6 of 5: %v", err)
	}
	if err := l.Burn(tk, b, n(1)); !errors.Is(err, ErrInsufficientBalance) {
		t.Errorf("burn from empty: %v", err)
	}
	if err := l.Transfer(tk, Zero, b, n(0)); !errors.Is(err, ErrFromZero) {
		t.Errorf("transfer from zero: %v", err)
	}
	max := new(uint256.Int).SetAllOne()
	if err := l.Mint(tk, b, max); !errors.Is(err, ErrSupplyOverflow) {
		t.Errorf("mint past 2^256: %v", err)
	}
	if !reflect.DeepEqual(before, l.Clone()) {
		t.Fatal("a reverted operation changed the ledger")
	}
}

func TestJournalRollback(t *testing.T) {
	l := NewLedger()
	tk := l.AddToken("T", 18)
	a, b := l.AddAccount("a"), l.AddAccount("b")
	if err := l.Mint(tk, a, n(50)); err != nil {
		t.Fatal(err)
	}
	var clock int64 = 7
	var who int32 = 3
	before := l.Clone()

	l.J.Begin()
	_ = l.Transfer(tk, a, b, n(20))
	_ = l.Mint(tk, b, n(5))
	l.J.SetInt(&clock, 9)
	l.J.SetInt32(&who, 4)
	_ = l.Transfer(tk, b, a, n(1))
	if l.J.Len() == 0 {
		t.Fatal("journal recorded nothing")
	}
	l.J.Rollback()

	if clock != 7 || who != 3 {
		t.Errorf("int words not restored: %d, %d", clock, who)
	}
	if !reflect.DeepEqual(before, l.Clone()) {
		t.Fatal("rollback did not restore the ledger")
	}

	l.J.Begin()
	_ = l.Transfer(tk, a, b, n(20))
	l.J.Commit()
	if got := l.Balance(tk, b).Uint64(); got != 20 {
		t.Fatalf("commit lost the write: b = %d", got)
	}
}

// TestJournalFrames: an inner frame's rollback undoes only its writes; an
// outer rollback undoes a committed inner frame too.
func TestJournalFrames(t *testing.T) {
	l := NewLedger()
	tk := l.AddToken("T", 18)
	a, b := l.AddAccount("a"), l.AddAccount("b")
	_ = l.Mint(tk, a, n(100))
	start := l.Clone()

	l.J.Begin()
	_ = l.Transfer(tk, a, b, n(10)) // outer write
	afterOuter := l.Clone()
	l.J.Begin()
	_ = l.Transfer(tk, a, b, n(20))
	l.J.Rollback() // inner revert
	if !reflect.DeepEqual(afterOuter, l.Clone()) {
		t.Fatal("inner rollback did not restore the frame's start")
	}
	l.J.Begin()
	_ = l.Transfer(tk, a, b, n(30))
	l.J.Commit() // inner success
	if l.J.Depth() != 1 {
		t.Fatalf("depth %d after inner commit", l.J.Depth())
	}
	l.J.Rollback() // outer revert undoes both
	if !reflect.DeepEqual(start, l.Clone()) {
		t.Fatal("outer rollback did not undo the committed inner frame")
	}
	if l.J.Open() {
		t.Fatal("journal still open")
	}
}

func TestJournalMisuse(t *testing.T) {
	l := NewLedger()
	expectPanic(t, "commit", func() { l.J.Commit() })
	expectPanic(t, "rollback", func() { l.J.Rollback() })
	expectPanic(t, "account in tx", func() { l.J.Begin(); l.AddAccount("x") })
}

func expectPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", name)
		}
	}()
	f()
}

func BenchmarkTransferInTx(b *testing.B) {
	l := NewLedger()
	tk := l.AddToken("T", 18)
	x, y := l.AddAccount("x"), l.AddAccount("y")
	_ = l.Mint(tk, x, n(1e18))
	one := n(1)
	b.ReportAllocs()
	for b.Loop() {
		l.J.Begin()
		_ = l.Transfer(tk, x, y, one)
		l.J.Rollback()
	}
}

// TestCopyReusing: the copy equals src, shares no words with it, and reuses
// the inner storage of the elements it replaces, whether dst was shorter or
// longer than src.
func TestCopyReusing(t *testing.T) {
	type elem struct {
		id    int
		words []uint256.Int
	}
	inner := func(e *elem) *[]uint256.Int { return &e.words }
	mk := func(n, base int) []elem {
		out := make([]elem, n)
		for i := range out {
			out[i].id = base + i
			for k := 0; k <= i; k++ {
				out[i].words = append(out[i].words, *uint256.NewInt(uint64(base + 10*i + k)))
			}
		}
		return out
	}
	for _, n := range []int{0, 2, 3, 5} {
		src := mk(3, 100)
		dst := mk(n, 0)
		for i := range dst {
			dst[i].words = slices.Grow(dst[i].words, 8) // room for any src element
		}
		storage := make([]*uint256.Int, len(dst))
		for i := range dst {
			storage[i] = &dst[i].words[:1][0]
		}
		got := CopyReusing(dst, src, inner)
		if !reflect.DeepEqual(got, src) {
			t.Fatalf("dst of %d: copy %v, want %v", n, got, src)
		}
		for i := range got {
			if &got[i].words[0] == &src[i].words[0] {
				t.Fatalf("dst of %d: element %d shares its words with src", n, i)
			}
			if i < n && &got[i].words[0] != storage[i] {
				t.Errorf("dst of %d: element %d did not reuse the storage it replaced", n, i)
			}
		}
	}
}
