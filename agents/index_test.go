package agents

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/rwausd"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// TestIndexMatchesScan: after random changes to many accounts, the index
// returns exactly the accounts a full scan with the exact solvency check
// finds unsafe, in descending ratio order (seed PCG(1, 2), 200 accounts,
// 2,000 changes, 50 price checks).
func TestIndexMatchesScan(t *testing.T) {
	sys := rwausd.New(0)
	tok := sys.AddToken("G", 18)
	var p rwausd.CollateralParams
	p.SafetyFactor = fixed.RAY
	p.DebtCeiling = *new(uint256.Int).Mul(uint256.NewInt(1e12), &fixed.RAD)
	p.FeeRate, p.Chop, p.Buf = fixed.RAY, fixed.WAD, fixed.RAY
	p.Hole = p.DebtCeiling
	p.Calc.Kind = 1
	p.Calc.Step = 1
	p.Calc.Cut = fixed.RAY
	gold, err := sys.AddCollateral("g", tok, &p)
	if err != nil {
		t.Fatal(err)
	}
	sys.Vat.SetLine(&p.DebtCeiling)
	w := func(f float64) *uint256.Int {
		var z uint256.Int
		_ = fixed.FromFloat(&z, f, 18)
		return &z
	}
	if err := sys.Poke(gold, w(1000), true); err != nil {
		t.Fatal(err)
	}
	var urns []vault.AccountID
	for i := 0; i < 200; i++ {
		a := sys.AddAccount("u")
		_ = sys.L.Mint(tok, a, w(1e6))
		urns = append(urns, sys.OpenAccount(gold, a))
	}
	x := NewIndex(sys)
	r := rand.New(rand.NewPCG(1, 2))
	for step := 0; step < 2000; step++ {
		u := urns[r.IntN(len(urns))]
		owner := sys.Vat.Accounts[u].Owner
		switch r.IntN(3) {
		case 0:
			_ = sys.Deposit(owner, u, w(r.Float64()*10))
		case 1:
			_ = sys.Mint(owner, u, w(r.Float64()*5000))
		case 2:
			_ = sys.Repay(owner, u, w(r.Float64()*3000))
		}
		x.Touch(u)
		if step%40 == 0 {
			_ = sys.Poke(gold, w(200+r.Float64()*1000), true)
			got := slices.Clone(x.Unsafe(gold))
			var want []vault.AccountID
			for _, v := range urns {
				if !sys.Vat.Safe(v) {
					want = append(want, v)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("step %d: index %v, scan %v", step, got, want)
			}
		}
	}
	for _, l := range x.byP {
		if !slices.IsSortedFunc(l, cmpEntry) {
			t.Fatal("index out of order")
		}
	}

	// CloneInto onto the index in use gives Clone's index, sharing nothing
	// with the one copied.
	tmplSys := sys.Clone()
	tmpl := x.Clone(tmplSys)
	want := tmpl.Clone(tmplSys)
	for _, u := range urns[:50] {
		_ = sys.Mint(sys.Vat.Accounts[u].Owner, u, w(100))
		x.Touch(u)
	}
	got := tmpl.CloneInto(x, sys)
	if got != x || !reflect.DeepEqual(got.byP, want.byP) || !reflect.DeepEqual(got.ratio, want.ratio) {
		t.Fatal("CloneInto onto a used index differs from Clone")
	}
	got.Touch(urns[0])
	got.byP[0][0].ratio = -1
	if !reflect.DeepEqual(tmpl.byP, want.byP) {
		t.Fatal("changing the copy changed the index copied")
	}
}
