package agents

import (
	"math"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/market"
	"github.com/tempest-risk/tempest/protocol/dex"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/rwausd"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// View is what every agent sees at the start of a block. Agents must treat
// every pointer in it as read only. (Reading an auction's status fills a
// small price memo in its Clipper, which is not state; agents of a run
// decide one after another, so this is safe.)
type View struct {
	Sys      *rwausd.System
	Pool     *dex.StableSwap // the peg pool (coin 0 rwaUSD, coin 1 the reference coin), or nil
	PoolRail int             // the rail of the pool's reference coin
	RefToken token.ID        // the reference coin

	Step int   // block number, from 1
	Now  int64 // block time [s]
	Dt   int64 // block interval [s]

	Prices       []float64          // external USD price by market asset
	Impact       []float64          // liquidity-drought multiplier by market asset
	Liquidity    []market.Liquidity // external market depth by market asset
	ProfileAsset []int              // market asset of each profile
	RefPrice     float64            // USD price of the reference coin
	Peg          float64            // USD price of rwaUSD (pool price × RefPrice), 1 without a pool
	PoolPrice    float64            // rwaUSD price in reference coins in the pool, 1 without a pool
	GasPrice     float64            // gwei
	EthPrice     float64            // USD per ETH
	Availability float64            // share of keepers online (keeper outages)
	Index        *Index             // unsafe-account candidates by profile
	Receipts     [][]Receipt        // previous block's receipts by agent
	CPools       []CPool            // constant-product collateral/rwaUSD pools
	PoolOf       []int              // by profile: index into CPools, or −1
	Deficit      float64            // backstop bad debt not covered by surplus [rwaUSD]
	DeficitSince int                // block since which the deficit has been positive, or 0
}

// CPool is a constant-product pool pairing a profile's collateral (token 0)
// with rwaUSD (token 1).
type CPool struct {
	Profile  vault.ProfileID
	Pool     *dex.ConstantProduct
	Decimals uint8 // of the collateral token
}

// GasUSD returns the USD cost of gas units at the block's gas price.
func (v *View) GasUSD(gas uint32) float64 { return float64(gas) * v.GasPrice * 1e-9 * v.EthPrice }

// wad and friends convert protocol amounts for agents' float decisions.
func wad(x *uint256.Int) float64 { return fixed.ToFloat(x, 18) }
func ray(x *uint256.Int) float64 { return fixed.ToFloat(x, 27) }
func rad(x *uint256.Int) float64 { return fixed.ToFloat(x, 45) }

// units converts a token amount to a float in whole tokens.
func units(x *uint256.Int, decimals uint8) float64 { return fixed.ToFloat(x, uint(decimals)) }

// toUnits sets z to f whole tokens at decimals (f ≥ 0, rounded down so an
// agent never asks for more than it computed).
func toUnits(z *uint256.Int, f float64, decimals uint8) bool {
	if !(f > 0) || math.IsInf(f, 0) {
		return false
	}
	if err := fixed.FromFloat(z, f, uint(decimals)); err != nil {
		return false
	}
	if z.IsZero() {
		return false
	}
	z.SubUint64(z, 1) // below the rounded value: never more than computed
	return !z.IsZero()
}

// Position returns an account's locked collateral [units] and liability
// [rwaUSD].
func (v *View) Position(u vault.AccountID) (locked, debt float64) {
	a := &v.Sys.Vat.Accounts[u]
	p := &v.Sys.Vat.Profiles[a.Profile]
	return wad(&a.Locked), wad(&a.Principal) * ray(&p.FeeIndex)
}

// Wallet returns an account's balance of a token in whole tokens.
func (v *View) Wallet(t token.ID, a token.Account) float64 {
	return units(v.Sys.L.Balance(t, a), v.Sys.L.Decimals(t))
}

func newWad() *uint256.Int { return new(uint256.Int).Set(&fixed.WAD) }
