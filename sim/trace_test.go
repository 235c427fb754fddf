package sim

import (
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/agents"
)

// TestTxDetail: a trace row shows the fields its kind uses, and only those.
func TestTxDetail(t *testing.T) {
	tx := agents.Tx{Account: 3, Profile: 1, Rail: 2, Pool: 4, ID: 7, I: 1, J: 0,
		Amt: *uint256.NewInt(5), Max: *uint256.NewInt(9)}
	for _, c := range []struct {
		kind agents.Kind
		want string
	}{
		{agents.Deposit, "account=3 amt=5"},
		{agents.Bark, "account=3"},
		{agents.Take, "profile=1 id=7 amt=5 max=9"},
		{agents.PoolSwap, "i=1 j=0 amt=5 max=9"},
		{agents.ArbRail, "rail=2 i=1 amt=5"},
		{agents.CPArb, "pool=4 i=1 amt=5"},
		{agents.Backstop, ""},
	} {
		tx.Kind = c.kind
		if got := txDetail(&tx); got != c.want {
			t.Errorf("%s: %q, want %q", c.kind, got, c.want)
		}
	}
}
