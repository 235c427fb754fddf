package market

import "math"

// Calibrated defaults. Every constant in the first groups below is derived
// from a file in configs/data/ by the method its comment names, and
// TestDefaultsMatchData recomputes it from that file: change the data or the
// method and the test fails until the constant is updated. Constants are
// rounded to 6 significant digits. Parameters are annualised over a year of
// SecondsPerYear unless stated.
//
// The last group holds assumptions, not calibrations: the project has no
// licensed data for gas prices, stablecoin prices or oracle settings.

// ETH from reflexer_ETH_1H_2016-05_2020-04.csv (hourly ETH/USD, Close
// column, read by Date): 2016-05-09 14:00 to 2020-04-16 00:00 UTC, the
// oldest row (Open = 0) dropped, 34,492 one-hour log returns (the three
// missing hours drop a return each instead of making two-hour returns).
// The window holds the 2017 boom, the 2018 bust and Black Thursday
// (2020-03-12/13); ETHGBMMu is that window's drift, far above any
// forward-looking assumption, so stress scenarios usually set Mu to 0.
const (
	// ETHReturns is the number of hourly log returns used.
	ETHReturns = 34492

	// ETHGBMMu and ETHGBMSigma: GBM by moments ([FitGBM]).
	ETHGBMMu    = 1.47475
	ETHGBMSigma = 1.25423

	// ETHMerton*: Merton jump diffusion by the threshold method
	// ([FitMerton]) with jumps beyond ETHMertonThreshold standard deviations
	// (about 16 jumps a month).
	ETHMertonThreshold = 4.0
	ETHMertonMu        = 1.47551
	ETHMertonSigma     = 0.903455
	ETHMertonLambda    = 192.257
	ETHMertonJumpMean  = -0.000295377
	ETHMertonJumpSD    = 0.0627846

	// ETHGARCH*: GARCH(1,1) per hour by Gaussian maximum likelihood with
	// variance targeting ([FitGARCH]); persistence 0.9859 per hour, a
	// volatility half-life of about 49 hours.
	ETHGARCHMu    = 1.47475
	ETHGARCHOmega = 2.52441e-06
	ETHGARCHAlpha = 0.0903766
	ETHGARCHBeta  = 0.895566
)

// ETHGARCHPeriod is the interval of the ETH GARCH parameters: one hour in
// years.
const ETHGARCHPeriod = 3600.0 / SecondsPerYear

// ETHGBM returns the ETH GBM calibration.
func ETHGBM() GBM { return GBM{Mu: ETHGBMMu, Sigma: ETHGBMSigma} }

// ETHMerton returns the ETH Merton calibration.
func ETHMerton() Merton {
	return Merton{Mu: ETHMertonMu, Sigma: ETHMertonSigma, Lambda: ETHMertonLambda,
		JumpMean: ETHMertonJumpMean, JumpSD: ETHMertonJumpSD}
}

// ETHGARCH returns the ETH GARCH(1,1) calibration (hourly parameters).
func ETHGARCH() GARCH {
	return GARCH{Mu: ETHGARCHMu, Omega: ETHGARCHOmega, Alpha: ETHGARCHAlpha,
		Beta: ETHGARCHBeta, Period: ETHGARCHPeriod}
}

// Gold from gold_monthly_1833-2026.csv (USD per troy ounce), 2000-01 to
// 2026-06: 317 monthly log returns, dt = 1/12. The window starts after the
// rows that repeat annual averages (before 1960) and the Bretton Woods peg
// (to 1971), and covers the modern market. The series is of monthly
// averages, which understates volatility: for a random walk the change
// between consecutive averages has 2/3 of the variance of the change
// between point values, so GoldGBMSigma is the raw estimate times √(3/2),
// and GoldGBMMu keeps the raw mean log return with the matching Itô term.
const (
	GoldReturns     = 317
	GoldGBMSigmaRaw = 0.128227 // FitGBM on the monthly averages
	GoldGBMMuRaw    = 0.110449
	GoldGBMSigma    = 0.157045 // GoldGBMSigmaRaw·√1.5
	GoldGBMMu       = 0.114559
)

// GoldGBM returns the gold GBM calibration (averaging-corrected).
func GoldGBM() GBM { return GBM{Mu: GoldGBMMu, Sigma: GoldGBMSigma} }

// The 3-month T-bill from fred_TB3MS_monthly_1934-2023.csv (secondary
// market rate, monthly average, discount basis, percent divided by 100),
// 1954-01 to 2023-11 (839 months, after the wartime rate peg), fitted as a
// Vasicek/OU process by AR(1) regression ([FitOU]), dt = 1/12: a half-life
// of about 6.4 years, so over a 30-day run the yield barely reverts.
// TBillLast is the last observation, a natural initial level.
const (
	TBillMonths = 839
	TBillTheta  = 0.108235
	TBillMu     = 0.0473071
	TBillSigma  = 0.0140389
	TBillLast   = 0.0527
)

// TBillOU returns the T-bill yield calibration.
func TBillOU() OU { return OU{Theta: TBillTheta, Mu: TBillMu, Sigma: TBillSigma} }

// External price impact from xenophon_1inch_quotes_20231120.csv (1inch
// quotes of 2023-11-20): for each collateral, the quotes selling it into
// USDC or USDT of at least ImpactMinUSD notional ([ImpactSample]: the size
// is the stablecoin output at the batch's best price, $1 per stablecoin),
// fitted by least squares of ln impact on ln size ([FitImpact]). Below $1M
// the quoted impacts are dominated by noise around each batch's best quote.
// The fitted exponents are near 1, not the square-root law's 0.5: at these
// sizes aggregator depth behaves like a linear book. The *Sqrt constants fit
// K with B fixed at 0.5 ([FitImpactFixedB]) for scenarios that want the
// square-root law; it understates impact above roughly $10M and overstates
// it below. Impact at $10M: WETH 0.53%, wstETH 0.65%, sfrxETH 2.4%,
// WBTC 1.7%.
const (
	ImpactMinUSD = 1e6

	WETHImpactK    = 1.20928e-09
	WETHImpactB    = 0.948871
	WstETHImpactK  = 1.23633e-09
	WstETHImpactB  = 0.959794
	SfrxETHImpactK = 2.11488e-10
	SfrxETHImpactB = 1.15002
	WBTCImpactK    = 6.91928e-09
	WBTCImpactB    = 0.913370

	WETHImpactKSqrt    = 1.81511e-06
	WstETHImpactKSqrt  = 2.21373e-06
	SfrxETHImpactKSqrt = 8.50905e-06
	WBTCImpactKSqrt    = 5.88613e-06
)

// WETHLiquidity returns the fitted WETH impact curve.
func WETHLiquidity() Liquidity { return Liquidity{K: WETHImpactK, B: WETHImpactB} }

// WstETHLiquidity returns the fitted wstETH impact curve.
func WstETHLiquidity() Liquidity { return Liquidity{K: WstETHImpactK, B: WstETHImpactB} }

// SfrxETHLiquidity returns the fitted sfrxETH impact curve.
func SfrxETHLiquidity() Liquidity { return Liquidity{K: SfrxETHImpactK, B: SfrxETHImpactB} }

// WBTCLiquidity returns the fitted WBTC impact curve.
func WBTCLiquidity() Liquidity { return Liquidity{K: WBTCImpactK, B: WBTCImpactB} }

// Correlations and volatilities of 2023-10-12 to 2024-01-07 from
// xenophon_crvusd_price_config_5min_20231012-20240107.json: Xenophon Labs'
// annualised covariance of 5-minute log returns (a fitted input, not raw
// prices), turned into correlations c_ij/√(c_ii·c_jj). Order: WETH, wstETH,
// sfrxETH, WBTC. Correlations of 5-minute returns are lowered by
// asynchronous quotes, so these probably understate how closely the
// staked-ETH tokens follow ETH over hours or days.
const (
	CorrWETHWstETH    = 0.823246
	CorrWETHSfrxETH   = 0.770530
	CorrWETHWBTC      = 0.591892
	CorrWstETHSfrxETH = 0.827798
	CorrWstETHWBTC    = 0.587318
	CorrSfrxETHWBTC   = 0.717803

	WETHSigma2023    = 0.460897
	WstETHSigma2023  = 0.449017
	SfrxETHSigma2023 = 0.469875
	WBTCSigma2023    = 0.425651
)

// CollateralCorrelation returns a new copy of the correlation matrix of
// WETH, wstETH, sfrxETH and WBTC, in that order.
func CollateralCorrelation() [][]float64 {
	return [][]float64{
		{1, CorrWETHWstETH, CorrWETHSfrxETH, CorrWETHWBTC},
		{CorrWETHWstETH, 1, CorrWstETHSfrxETH, CorrWstETHWBTC},
		{CorrWETHSfrxETH, CorrWstETHSfrxETH, 1, CorrSfrxETHWBTC},
		{CorrWETHWBTC, CorrWstETHWBTC, CorrSfrxETHWBTC, 1},
	}
}

// Assumptions (not calibrated from data).
const (
	// GasLevelGwei is the long-run gas price level: 20 gwei.
	GasLevelGwei = 20.0
	// GasHalfLife is the half-life of gas price deviations: one hour.
	GasHalfLife = 3600
	// GasLogSD is the stationary standard deviation of ln gas price
	// without spikes.
	GasLogSD = 0.4
	// GasSpikesPerYear is the rate of gas spikes: one a day.
	GasSpikesPerYear = 365.0
	// GasLimit is the block gas limit: 30M, Ethereum mainnet's from 2021 to
	// early 2025.
	GasLimit = 30_000_000

	// PegHalfLife is the half-life of a healthy reference stablecoin's
	// deviations from 1: one day.
	PegHalfLife = 86400
	// PegSD is its stationary standard deviation: 10 basis points.
	PegSD = 0.001

	// OracleDeviation and OracleHeartbeat are the deviation threshold and
	// heartbeat listed for Chainlink's ETH/USD feed on Ethereum mainnet
	// (0.5%, one hour; not checked against data here); OracleTimeout is a staleness limit of three
	// heartbeats; OSMDelay is Maker's one-hour OSM hop.
	OracleDeviation = 0.005
	OracleHeartbeat = 3600
	OracleTimeout   = 3 * OracleHeartbeat
	OSMDelay        = 3600
)

// DefaultGasPrice returns the assumed gas price process (gwei): a [LogOU]
// around GasLevelGwei with a one-hour half-life, stationary log standard
// deviation GasLogSD, and daily spikes that triple the price on average
// (log jump mean ln 3, standard deviation 0.5).
func DefaultGasPrice() LogOU {
	theta := math.Ln2 / Years(GasHalfLife)
	return LogOU{Theta: theta, Level: GasLevelGwei, Sigma: GasLogSD * math.Sqrt(2*theta),
		Lambda: GasSpikesPerYear, JumpMean: math.Log(3), JumpSD: 0.5}
}

// DefaultGas returns the assumed gas market: [DefaultGasPrice] from
// GasLevelGwei and a GasLimit block gas limit.
func DefaultGas() Gas {
	return Gas{Price: DefaultGasPrice(), Initial: GasLevelGwei, Limit: GasLimit}
}

// DefaultPeg returns the assumed healthy reference stablecoin: half-life
// PegHalfLife, stationary standard deviation PegSD.
func DefaultPeg() Peg {
	theta := math.Ln2 / Years(PegHalfLife)
	return Peg{Theta: theta, Sigma: PegSD * math.Sqrt(2*theta)}
}

// DefaultOracle returns a Chainlink-style oracle configuration with the
// assumed ETH/USD settings, no OSM and no clamps (Min 0, Max +Inf).
func DefaultOracle() OracleConfig {
	return OracleConfig{Deviation: OracleDeviation, Heartbeat: OracleHeartbeat,
		Timeout: OracleTimeout, Min: 0, Max: math.Inf(1)}
}

// DefaultOSM returns [DefaultOracle] behind a Maker-style OSM with a
// one-hour delay; its staleness limit covers the delay.
func DefaultOSM() OracleConfig {
	c := DefaultOracle()
	c.Delay = OSMDelay
	c.Timeout += 2 * OSMDelay
	return c
}
