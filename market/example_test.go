package market_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/tempest-risk/tempest/market"
)

// A 30-day world of 10-minute steps: ETH with GARCH volatility crashes 40%
// over the first day while gas spikes; the oracle follows with a 0.5%
// deviation threshold.
func ExampleWorld() {
	w, err := market.NewWorld(market.Config{
		Steps:  30 * 144,
		Dt:     market.Years(600),
		Assets: []market.Feed{{Name: "ETH", Process: market.ETHGARCH(), Initial: 2000}},
		Gas:    market.DefaultGas(),
		Shocks: market.Shocks{
			Crashes:   []market.Crash{{Feed: "ETH", Drop: 0.4, Window: market.Window{Start: 1, End: 145}}},
			GasSpikes: []market.GasSpike{{Multiplier: 10, LimitFactor: 1, Window: market.Window{Start: 1, End: 145}}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	w.Generate(rand.New(rand.NewPCG(1, 1)))
	o, _ := market.NewOracle(market.DefaultOracle())
	updates := 0
	for step := 0; step <= w.Steps(); step++ {
		if o.Update(int64(step*600), w.Price(0, step)) {
			updates++
		}
	}
	fmt.Printf("ETH after one day: %.0f\n", w.Price(0, 144))
	fmt.Printf("ETH after 30 days: %.0f, oracle %.0f, %d oracle updates\n", w.Price(0, w.Steps()), o.Price(), updates)
	fmt.Printf("gas at the spike: %.0f gwei\n", w.GasPrice(72))
	// Output:
	// ETH after one day: 1141
	// ETH after 30 days: 873, oracle 875, 1528 oracle updates
	// gas at the spike: 216 gwei
}

// Proceeds of selling 1,000 WETH at $2,000 into the external market, with
// and without a 3× liquidity drought.
func ExampleLiquidity() {
	l := market.WETHLiquidity()
	fmt.Printf("impact %.4f, proceeds $%.0f\n", l.Impact(2e6, 1), l.Proceeds(1000, 2000, 1))
	fmt.Printf("in drought: impact %.4f, proceeds $%.0f\n", l.Impact(2e6, 3), l.Proceeds(1000, 2000, 3))
	// Output:
	// impact 0.0012, proceeds $1997696
	// in drought: impact 0.0035, proceeds $1993089
}
