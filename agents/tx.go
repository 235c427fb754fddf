package agents

import (
	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/token"
)

// Kind is a transaction type.
type Kind uint8

// Transaction types. The comment names the fields each uses.
const (
	None         Kind = iota
	Deposit           // Account, Amt [collateral token units]
	Withdraw          // Account, Amt [collateral token units]
	Mint              // Account, Amt [rwaUSD wad]
	Repay             // Account, Amt [rwaUSD wad]
	RepayAll          // Account
	Bark              // Account
	Take              // Profile, ID, Amt [collateral wad], Max [ray]
	Redo              // Profile, ID
	SellGem           // Rail, Amt [reference units]: reference → rwaUSD at the rail
	BuyGem            // Rail, Amt [reference units]: rwaUSD → reference at the rail
	PoolSwap          // I → J, Amt [coin I units], Max = minimum out
	ArbRail           // I = 0: buy rwaUSD in the pool with Amt reference units, redeem at the rail; I = 1: the reverse
	SellExternal      // Token, Amt [token units]: sell on the external market for the reference coin
	Backstop          // steward: flog, heal, flap
	Recap             // Amt [rwaUSD wad] from the sender into the backstop
	Flop              // start a debt auction
	Dent              // ID, Amt = lot [wad], Max = bid [rad]
	Deal              // ID
	TickFlop          // ID
	CPSwap            // Pool, I = 0 sell Amt collateral for rwaUSD, I = 1 buy collateral with Amt rwaUSD; Max = minimum out
	CPArb             // Pool: trade it back to the market price, sized on its reserves when the transaction runs (PoolArbTrade)
	numKinds
)

var kindNames = [...]string{None: "none", Deposit: "deposit", Withdraw: "withdraw", Mint: "mint", Repay: "repay",
	RepayAll: "repay_all", Bark: "bark", Take: "take", Redo: "redo", SellGem: "sell_gem", BuyGem: "buy_gem",
	PoolSwap: "pool_swap", ArbRail: "arb_rail", SellExternal: "sell_external", Backstop: "backstop",
	Recap: "recap", Flop: "flop", Dent: "dent", Deal: "deal", TickFlop: "tick_flop", CPSwap: "cp_swap", CPArb: "cp_arb"}

// String names the kind as traces print it.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Field is a transaction's field, for a trace that shows each kind's own.
type Field uint16

// Fields of Tx.
const (
	FieldAccount Field = 1 << iota
	FieldProfile
	FieldRail
	FieldPool
	FieldToken
	FieldID
	FieldDir // I, and J for a pool swap
	FieldAmt
	FieldMax
)

// kindFields is the fields each kind uses, as the comments on the kinds
// list them (a cp_arb's receipt holds the swap it made: direction and
// amount).
var kindFields = [numKinds]Field{
	Deposit: FieldAccount | FieldAmt, Withdraw: FieldAccount | FieldAmt, Mint: FieldAccount | FieldAmt,
	Repay: FieldAccount | FieldAmt, RepayAll: FieldAccount, Bark: FieldAccount,
	Take: FieldProfile | FieldID | FieldAmt | FieldMax, Redo: FieldProfile | FieldID,
	SellGem: FieldRail | FieldAmt, BuyGem: FieldRail | FieldAmt, PoolSwap: FieldDir | FieldAmt | FieldMax,
	ArbRail: FieldRail | FieldDir | FieldAmt, SellExternal: FieldProfile | FieldToken | FieldAmt,
	Recap: FieldAmt, Dent: FieldID | FieldAmt | FieldMax, Deal: FieldID, TickFlop: FieldID,
	CPSwap: FieldPool | FieldDir | FieldAmt | FieldMax, CPArb: FieldPool | FieldDir | FieldAmt,
}

// Uses reports whether transactions of kind k use field f.
func (k Kind) Uses(f Field) bool { return k < numKinds && kindFields[k]&f != 0 }

// Gas is the gas a transaction of each kind uses, close to what the
// contracts use on mainnet. External trades are off chain: no gas.
var Gas = [numKinds]uint32{Deposit: 180_000, Withdraw: 180_000, Mint: 250_000, Repay: 200_000, RepayAll: 220_000,
	Bark: 450_000, Take: 300_000, Redo: 150_000, SellGem: 160_000, BuyGem: 160_000, PoolSwap: 180_000,
	ArbRail: 330_000, Backstop: 200_000, Recap: 150_000, Flop: 200_000, Dent: 120_000, Deal: 100_000, TickFlop: 60_000, CPSwap: 110_000,
	CPArb: 130_000}

// Tx is one transaction an agent sends.
type Tx struct {
	Kind     Kind
	Agent    int32         // index of the sender in the population
	From     token.Account // the sender's account
	Priority uint32        // priority fee [gwei]
	Account  int32         // Collateral Account (vault.AccountID)
	Profile  int32         // Collateral Profile (vault.ProfileID)
	Rail     int32         // peg rail index
	Pool     int32         // constant-product pool index
	Token    token.ID      // for SellExternal
	ID       int64         // auction id
	I, J     int8          // pool coins, arb direction
	Amt      uint256.Int
	Max      uint256.Int
}

// Receipt is the outcome of a transaction, delivered to its sender in the
// next block.
type Receipt struct {
	Tx    Tx
	Err   error       // nil, or the revert
	Out   uint256.Int // main amount received (collateral bought, coins out, ...)
	In    uint256.Int // main amount paid
	Block int
}
