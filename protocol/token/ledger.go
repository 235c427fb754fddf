package token

// ERC-20 balances and supply (OpenZeppelin ERC20, ds-token). Deviations:
// see doc.go (no allowances, no events).

import (
	"errors"
	"fmt"
	"slices"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
)

// ID names a token in a Ledger.
type ID int32

// Account names an account in a Ledger. Zero is the zero address.
type Account int32

// Zero is the zero address.
const Zero Account = 0

// Reverts of ledger operations.
var (
	ErrInsufficientBalance = errors.New("Token/insufficient-balance")
	ErrSupplyOverflow      = errors.New("Token/supply-overflow")
	ErrFromZero            = errors.New("Token/from-zero-address")
)

type tokenState struct {
	name     string
	decimals uint8
	supply   uint256.Int   // [token units]
	bal      []uint256.Int // [token units] by Account
}

// Ledger holds every token's supply and balances and the journal that all
// modules sharing it write through.
type Ledger struct {
	J        Journal
	tokens   []tokenState
	accounts int
	names    []string // account labels, for traces and errors
}

// NewLedger returns a ledger holding only the zero address.
func NewLedger() *Ledger {
	return &Ledger{accounts: 1, names: []string{"0x0"}}
}

// AddToken registers a token and returns its id.
func (l *Ledger) AddToken(name string, decimals uint8) ID {
	l.tokens = append(l.tokens, tokenState{
		name:     name,
		decimals: decimals,
		bal:      make([]uint256.Int, l.accounts),
	})
	return ID(len(l.tokens) - 1)
}

// AddAccount registers an account with a label and returns its id. It panics
// inside an open transaction: growing the balance slices would invalidate
// the journal.
func (l *Ledger) AddAccount(label string) Account {
	if l.J.open {
		panic("token: AddAccount inside a transaction")
	}
	for i := range l.tokens {
		l.tokens[i].bal = append(l.tokens[i].bal, uint256.Int{})
	}
	l.accounts++
	l.names = append(l.names, label)
	return Account(l.accounts - 1)
}

// Grow reserves room for n more accounts in every token's balances, so
// that adding them does not reallocate. Tokens added later are not
// covered.
func (l *Ledger) Grow(n int) {
	for i := range l.tokens {
		l.tokens[i].bal = slices.Grow(l.tokens[i].bal, n)
	}
	l.names = slices.Grow(l.names, n)
}

// Accounts reports the number of accounts, the zero address included.
func (l *Ledger) Accounts() int { return l.accounts }

// Tokens reports the number of tokens.
func (l *Ledger) Tokens() int { return len(l.tokens) }

// Label returns the label an account was registered with.
func (l *Ledger) Label(a Account) string { return l.names[a] }

// Name returns a token's name.
func (l *Ledger) Name(t ID) string { return l.tokens[t].name }

// Decimals returns a token's decimals.
func (l *Ledger) Decimals(t ID) uint8 { return l.tokens[t].decimals }

// Supply returns a token's total supply.
func (l *Ledger) Supply(t ID) *uint256.Int { return &l.tokens[t].supply }

// Balance returns an account's balance of a token. The result must not be
// modified.
func (l *Ledger) Balance(t ID, a Account) *uint256.Int { return &l.tokens[t].bal[a] }

// Mint creates amt of token t in account to.
func (l *Ledger) Mint(t ID, to Account, amt *uint256.Int) error {
	tk := &l.tokens[t]
	var s, b uint256.Int
	if _, of := s.AddOverflow(&tk.supply, amt); of {
		return ErrSupplyOverflow
	}
	b.Add(&tk.bal[to], amt) // cannot overflow: a balance never exceeds the supply
	l.J.Set(&tk.supply, &s)
	l.J.Set(&tk.bal[to], &b)
	return nil
}

// Burn destroys amt of token t held by account from.
func (l *Ledger) Burn(t ID, from Account, amt *uint256.Int) error {
	tk := &l.tokens[t]
	var b, s uint256.Int
	if _, uf := b.SubOverflow(&tk.bal[from], amt); uf {
		return ErrInsufficientBalance
	}
	s.Sub(&tk.supply, amt)
	l.J.Set(&tk.bal[from], &b)
	l.J.Set(&tk.supply, &s)
	return nil
}

// Transfer moves amt of token t from one account to another. Spending from
// the zero address reverts.
func (l *Ledger) Transfer(t ID, from, to Account, amt *uint256.Int) error {
	if from == Zero {
		return ErrFromZero
	}
	tk := &l.tokens[t]
	var f, g uint256.Int
	if _, uf := f.SubOverflow(&tk.bal[from], amt); uf {
		return ErrInsufficientBalance
	}
	if from == to {
		return nil
	}
	g.Add(&tk.bal[to], amt)
	l.J.Set(&tk.bal[from], &f)
	l.J.Set(&tk.bal[to], &g)
	return nil
}

// CheckInvariants verifies that every token's supply equals the sum of its
// balances.
func (l *Ledger) CheckInvariants() error {
	for i := range l.tokens {
		tk := &l.tokens[i]
		var sum uint256.Int
		if fixed.Sum(&sum, tk.bal) {
			return fmt.Errorf("token %s: balances overflow", tk.name)
		}
		if !sum.Eq(&tk.supply) {
			return fmt.Errorf("token %s: supply %s != sum of balances %s", tk.name, tk.supply.Dec(), sum.Dec())
		}
	}
	return nil
}

// CloneInto makes dst a deep copy of l with an empty journal, reusing the
// storage dst holds (a ledger a run has finished with), and returns it; a
// nil dst gives Clone's result. dst must not be l.
func (l *Ledger) CloneInto(dst *Ledger) *Ledger {
	if dst == nil {
		return l.Clone()
	}
	if dst == l {
		panic("token: Ledger.CloneInto onto itself")
	}
	dst.J.reset()
	dst.accounts = l.accounts
	dst.names = append(dst.names[:0], l.names...)
	dst.tokens = CopyReusing(dst.tokens, l.tokens, func(t *tokenState) *[]uint256.Int { return &t.bal })
	return dst
}

// CopyReusing copies src into dst's storage and returns it: each element
// is copied, and its inner slice of words (inner returns a pointer to it)
// is copied into the storage of the inner slice of the element of dst it
// replaces, so a clone built in the storage of an earlier one allocates
// only where src has grown.
func CopyReusing[T any](dst, src []T, inner func(*T) *[]uint256.Int) []T {
	old := dst
	dst = dst[:0]
	for i := range src {
		var words []uint256.Int
		if i < len(old) {
			words = (*inner(&old[i]))[:0] // read before the append below overwrites old[i]
		}
		dst = append(dst, src[i])
		w := inner(&dst[i]) // still src[i]'s words: copy them into the reused storage
		*w = append(words, *w...)
	}
	return dst
}

// Clone returns a deep copy of the ledger with an empty journal.
func (l *Ledger) Clone() *Ledger {
	c := &Ledger{accounts: l.accounts, names: append([]string(nil), l.names...)}
	c.tokens = make([]tokenState, len(l.tokens))
	for i, tk := range l.tokens {
		tk.bal = append([]uint256.Int(nil), tk.bal...)
		c.tokens[i] = tk
	}
	return c
}
