package sim

import (
	"math"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/agents"
	"github.com/tempest-risk/tempest/market"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/rwausd"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// Stats accumulates one run's statistics block by block.
type Stats struct {
	PegMin, PegMax   float64
	PoolMin, PoolMax float64 // rwaUSD's price in the peg pool, in reference coins
	PegOff1, PegOff5 int     // blocks with |peg − 1| above 1% and 5%
	PeakDeficit      float64
	Reserve0         float64 // net surplus after setup [rwaUSD]
	ReserveMin       float64
	RailExposureMax  float64 // reference coins held by the rails [units]
	RailLossMax      float64 // their shortfall below par at the reference price [USD]
	Liquidations     int
	LiquidatedDebt   float64 // Σ due [rwaUSD]
	LiquidatedUSD    float64 // collateral sent to auction or sold at the market price [USD]
	Takes            int
	discountNum      float64 // Σ owe · (1 − auction price / market price), and the same for sales
	discountDen      float64 // Σ owe, and Σ proceeds of sales
	BadDebt          float64 // Σ over settled auctions of max(0, due − raised) [rwaUSD]
	ExternalSold     float64 // collateral sold externally by keepers [USD]
	keeperValue0     float64
	sales            []saleRec
	Violations       int
	FailStep         int

	deficit, reserve float64 // at the last block
	// deficitRad and reserveRad are the values deficit and reserve were
	// converted from.
	deficitRad, reserveRad uint256.Int
	series                 [][]float64
}

type saleRec struct {
	profile int32
	id      int64
	due     float64
	raised  float64
}

func (st *Stats) init(r *Run) {
	st.PegMin, st.PegMax = math.Inf(1), math.Inf(-1)
	st.PoolMin, st.PoolMax = math.Inf(1), math.Inf(-1)
	st.Reserve0 = rad(r.Sys.Surplus(new(uint256.Int)))
	st.ReserveMin = st.Reserve0
	for _, k := range r.Keepers {
		st.keeperValue0 += agents.KeeperValue(&r.View, k.Acct)
	}
	st.series = r.C.seriesBuffer(r.recycled)
	r.recycled = nil
}

// seriesBuffer returns buf, cleared, if it has the shape of this batch's
// series (one slice of c.buckets values per series), else a new buffer.
func (c *Compiled) seriesBuffer(buf [][]float64) [][]float64 {
	n := len(c.series) + len(c.Assets)
	if len(buf) == n {
		for _, s := range buf {
			if len(s) != c.buckets {
				buf = nil
				break
			}
			clear(s)
		}
		if buf != nil {
			return buf
		}
	}
	buf = make([][]float64, n)
	for k := range buf {
		buf[k] = make([]float64, c.buckets)
	}
	return buf
}

func (st *Stats) onBark(r *Run, t *agents.Tx, br *rwausd.BarkResult) {
	st.Liquidations++
	due := rad(&br.Plan.Due)
	st.LiquidatedDebt += due
	p := r.Sys.Vat.Accounts[t.Account].Profile
	st.LiquidatedUSD += wad(&br.Plan.Dink) * r.View.Prices[r.C.profiles[p].asset]
	st.sales = append(st.sales, saleRec{profile: int32(p), id: br.ID, due: due})
}

// onSale records a bark that sold its collateral at once (sale = "pool").
func (st *Stats) onSale(r *Run, p int, sr *rwausd.SaleResult) {
	st.Liquidations++
	due := rad(&sr.Plan.Due)
	st.LiquidatedDebt += due
	market := r.View.Prices[r.C.profiles[p].asset]
	st.LiquidatedUSD += wad(&sr.Plan.Dink) * market
	got := wad(&sr.Proceeds)
	if sold := fixed.ToFloat(&sr.Sold, uint(r.Sys.L.Decimals(r.Sys.Vat.Profiles[p].Token))); sold > 0 && market > 0 {
		st.discountNum += got * (1 - got*r.View.Peg/(sold*market)) // both in USD
		st.discountDen += got
	}
	st.BadDebt += math.Max(0, due-rad(&sr.Owe))
}

func (st *Stats) onTake(r *Run, t *agents.Tx, tr *rwausd.TakeResult) {
	st.Takes++
	owe := rad(&tr.Owe)
	market := r.View.Prices[r.C.profiles[t.Profile].asset]
	if market > 0 {
		st.discountNum += owe * (1 - ray(&tr.Price)*r.View.Peg/market) // both in USD
		st.discountDen += owe
	}
	for k := range st.sales {
		s := &st.sales[k]
		if s.profile == t.Profile && s.id == t.ID {
			s.raised += owe
			if tr.Done {
				st.BadDebt += math.Max(0, s.due-s.raised)
				st.sales[k] = st.sales[len(st.sales)-1]
				st.sales = st.sales[:len(st.sales)-1]
			}
			break
		}
	}
}

// block updates the per-block statistics after execution.
func (st *Stats) block(r *Run) {
	v := &r.View
	peg := r.peg()
	st.PegMin = math.Min(st.PegMin, peg)
	st.PegMax = math.Max(st.PegMax, peg)
	st.PoolMin = math.Min(st.PoolMin, v.PoolPrice)
	st.PoolMax = math.Max(st.PoolMax, v.PoolPrice)
	if d := math.Abs(peg - 1); d > 0.05 {
		st.PegOff5++
		st.PegOff1++
	} else if d > 0.01 {
		st.PegOff1++
	}
	// Deficit and surplus change in few blocks; convert only then.
	var x uint256.Int
	if r.Sys.Deficit(&x); !x.Eq(&st.deficitRad) {
		st.deficitRad, st.deficit = x, rad(&x)
	}
	if r.Sys.Surplus(&x); !x.Eq(&st.reserveRad) {
		st.reserveRad, st.reserve = x, rad(&x)
	}
	st.PeakDeficit = math.Max(st.PeakDeficit, st.deficit)
	st.ReserveMin = math.Min(st.ReserveMin, st.reserve)
	exp := 0.0
	for k := range r.Sys.Rails {
		exp += wad(r.Sys.Exposure(&x, k))
	}
	st.RailExposureMax = math.Max(st.RailExposureMax, exp)
	st.RailLossMax = math.Max(st.RailLossMax, exp*math.Max(0, 1-v.RefPrice))
}

// record stores the series values at the end of bucket b.
func (st *Stats) record(r *Run, b int) {
	for k := range st.series {
		st.series[k][b] = r.C.seriesValue(k, r)
	}
}

// MeanDiscount is the owe-weighted mean discount of auction prices to the
// market price.
func (st *Stats) MeanDiscount() float64 {
	if st.discountDen == 0 {
		return math.NaN()
	}
	return st.discountNum / st.discountDen
}

func (st *Stats) keeperProfit(r *Run) float64 {
	v := 0.0
	for _, k := range r.Keepers {
		v += agents.KeeperValue(&r.View, k.Acct) - k.GasSpent
	}
	return v - st.keeperValue0
}

func wad(x *uint256.Int) float64 { return fixed.ToFloat(x, 18) }
func ray(x *uint256.Int) float64 { return fixed.ToFloat(x, 27) }
func rad(x *uint256.Int) float64 { return fixed.ToFloat(x, 45) }

func init() {
	RegisterSeries(Metric{"peg", "rwaUSD price", "USD", "Price of rwaUSD in the peg pool times the reference coin's USD price.", 1, WorseLow},
		func(r *Run) float64 { return r.peg() })
	RegisterSeries(Metric{"supply", "rwaUSD supply", "rwaUSD", "Total rwaUSD in circulation.", 0, ""},
		func(r *Run) float64 { return wad(r.Sys.L.Supply(r.Sys.Stable)) })
	RegisterSeries(Metric{"deficit", "Deficit", "rwaUSD", "Backstop bad debt covered neither by its surplus nor by collateral still at auction.", 0, WorseHigh},
		func(r *Run) float64 { return r.Stats.deficit })
	// The reserve starts at the scenario's and moves by fractions of it:
	// sketched as deviations from it, its fan chart keeps those moves.
	registerLevelSeries(Metric{"reserve", "Reserve buffer", "rwaUSD", "Backstop surplus net of bad debt, counting debt at auction as covered.", 0, WorseLow},
		func(s *scenario.Scenario) float64 { return s.Backstop.Reserve.Float() },
		func(r *Run) float64 { return r.Stats.reserve })
	RegisterSeries(Metric{"auctions", "Running auctions", "count", "Auctions running at the end of the bucket.", 0, WorseHigh},
		func(r *Run) float64 {
			n := 0
			for _, c := range r.Sys.Clip {
				if c != nil {
					n += int(c.N)
				}
			}
			return float64(n)
		})
	RegisterSeries(Metric{"in_auction", "Collateral in auction", "USD", "Market value of the collateral in running auctions.", 0, WorseHigh},
		func(r *Run) float64 {
			v := 0.0
			for p, c := range r.Sys.Clip {
				if c == nil {
					continue
				}
				px := r.View.Prices[r.C.profiles[p].asset]
				for _, s := range c.Active() {
					v += wad(&s.Lot) * px
				}
			}
			return v
		})
	RegisterSeries(Metric{"liquidated", "Debt liquidated (cumulative)", "rwaUSD", "Debt confiscated by unwinds since the start.", 0, WorseHigh},
		func(r *Run) float64 { return r.Stats.LiquidatedDebt })
	RegisterSeries(Metric{"rail_exposure", "Peg rail holdings", "reference coins", "Reference stablecoins held by the peg rails.", 0, WorseHigh},
		func(r *Run) float64 {
			var x uint256.Int
			e := 0.0
			for k := range r.Sys.Rails {
				e += wad(r.Sys.Exposure(&x, k))
			}
			return e
		})
	registerMarketSeries(Metric{"gas_price", "Gas price", "gwei", "Gas price of the block.", 0, WorseHigh},
		func(mw *market.World, step int) float64 { return mw.GasPrice(step) })

	for _, m := range []struct {
		Metric
		f func(r *Run) float64
	}{
		{Metric{"final_deficit", "Final deficit", "rwaUSD", "Bad debt covered neither by surplus nor by collateral at auction, at the end of the run.", 0, ""}, func(r *Run) float64 { return r.Stats.deficit }},
		{Metric{"peak_deficit", "Peak deficit", "rwaUSD", "Largest uncovered bad debt at any block.", 0, ""}, func(r *Run) float64 { return r.Stats.PeakDeficit }},
		{Metric{"reserve_drawn", "Reserve drawn", "rwaUSD", "Largest fall of the net surplus below its value when the run starts: the funded reserve plus the fees collected while the system was set up.", 0, ""}, func(r *Run) float64 { return math.Max(0, r.Stats.Reserve0-r.Stats.ReserveMin) }},
		{Metric{"recap", "Recapitalisation", "rwaUSD", "rwaUSD governance transferred into the backstop.", 0, ""}, func(r *Run) float64 { return wad(&r.Sys.Totals.Recap) }},
		{Metric{"bad_debt", "Bad debt", "rwaUSD", "Sum over settled auctions (or immediate sales, with sale = \"pool\") of the debt they did not cover (without penalty).", 0, ""}, func(r *Run) float64 { return r.Stats.BadDebt }},
		{Metric{"shortfall", "Unpaid auction target", "rwaUSD", "Sum over settled auctions (or immediate sales) of the target, debt plus penalty, they did not raise.", 0, ""}, func(r *Run) float64 { return rad(&r.Sys.Totals.Shortfall) }},
		{Metric{"open_auction_target", "Auction target still open", "rwaUSD", "Target (debt plus penalty) of the auctions still running at the end: bad debt and the unpaid auction target count settled auctions only.", 0, ""}, func(r *Run) float64 { return rad(&r.Sys.Dog.Dirt) }},
		{Metric{"peg_min", "Lowest peg", "USD", "Lowest rwaUSD price at any block.", 0, ""}, func(r *Run) float64 { return r.Stats.PegMin }},
		{Metric{"peg_max", "Highest peg", "USD", "Highest rwaUSD price at any block.", 0, ""}, func(r *Run) float64 { return r.Stats.PegMax }},
		{Metric{"pool_price_min", "Lowest pool price", "reference coins", "Lowest price of rwaUSD in the peg pool, in the reference coin, at any block (1 without a pool): the peg's move apart from the reference coin's.", 0, ""}, func(r *Run) float64 { return r.Stats.PoolMin }},
		{Metric{"pool_price_max", "Highest pool price", "reference coins", "Highest price of rwaUSD in the peg pool, in the reference coin, at any block (1 without a pool).", 0, ""}, func(r *Run) float64 { return r.Stats.PoolMax }},
		{Metric{"hours_off_1pct", "Hours off peg by more than 1%", "hours", "Time with |peg − 1| > 1%.", 0, ""}, func(r *Run) float64 { return float64(r.Stats.PegOff1) * float64(r.C.Dt) / 3600 }},
		{Metric{"hours_off_5pct", "Hours off peg by more than 5%", "hours", "Time with |peg − 1| > 5%.", 0, ""}, func(r *Run) float64 { return float64(r.Stats.PegOff5) * float64(r.C.Dt) / 3600 }},
		{Metric{"liquidations", "Liquidations", "count", "Accounts unwound (barks).", 0, ""}, func(r *Run) float64 { return float64(r.Stats.Liquidations) }},
		{Metric{"liquidated_debt", "Debt liquidated", "rwaUSD", "Debt confiscated by unwinds, without penalty.", 0, ""}, func(r *Run) float64 { return r.Stats.LiquidatedDebt }},
		{Metric{"liquidated_collateral", "Collateral liquidated", "USD", "Market value of the collateral sent to auction.", 0, ""}, func(r *Run) float64 { return r.Stats.LiquidatedUSD }},
		{Metric{"auctions", "Auctions", "count", "Auctions started (immediate sales, with sale = \"pool\").", 0, ""}, func(r *Run) float64 { return float64(r.Sys.Totals.Barks) }},
		{Metric{"auction_takes", "Auction purchases", "count", "Successful takes.", 0, ""}, func(r *Run) float64 { return float64(r.Stats.Takes) }},
		{Metric{"mean_discount", "Mean auction discount", "fraction", "Payment-weighted mean of 1 − auction price / market price, both in USD (the auction's rwaUSD price at the peg).", 0, ""}, func(r *Run) float64 { return r.Stats.MeanDiscount() }},
		{Metric{"keeper_profit", "Keeper profit", "USD", "Keepers' change in holdings at market prices, net of gas.", 0, ""}, func(r *Run) float64 { return r.Stats.keeperProfit(r) }},
		{Metric{"keeper_rewards", "Keeper rewards", "rwaUSD", "Tip and chip paid to keepers (a system cost).", 0, ""}, func(r *Run) float64 { return rad(&r.Sys.Totals.KeeperRewards) }},
		{Metric{"rail_exposure_max", "Peak peg rail holdings", "reference coins", "Largest reference-coin holdings of the rails.", 0, ""}, func(r *Run) float64 { return r.Stats.RailExposureMax }},
		{Metric{"rail_loss_max", "Peak peg rail loss", "USD", "Largest shortfall of the rails' holdings below par.", 0, ""}, func(r *Run) float64 { return r.Stats.RailLossMax }},
		{Metric{"external_sold", "Collateral sold externally", "USD", "Auction collateral keepers sold on external markets.", 0, ""}, func(r *Run) float64 { return r.Stats.ExternalSold }},
		{Metric{"final_supply", "Final rwaUSD supply", "rwaUSD", "rwaUSD in circulation at the end.", 0, ""}, func(r *Run) float64 { return wad(r.Sys.L.Supply(r.Sys.Stable)) }},
		{Metric{"invariant_violations", "Invariant violations", "count", "Invariant checks that failed (the run stops at the first).", 0, ""}, func(r *Run) float64 { return float64(r.Stats.Violations) }},
	} {
		RegisterSummary(m.Metric, m.f)
	}
}
