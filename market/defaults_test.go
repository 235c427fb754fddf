package market

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// dataDir is the project's copy of the calibration data.
var dataDir = filepath.Join("..", "configs", "data")

// Tokens of the 1inch quote file (addresses and decimals from the data
// README).
var (
	tokUSDC    = Token{"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", 6}
	tokUSDT    = Token{"0xdac17f958d2ee523a2206206994597c13d831ec7", 6}
	tokWETH    = Token{"0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2", 18}
	tokWstETH  = Token{"0x7f39c581f595b53c5cb19bd0b3f8da6c935e2ca0", 18}
	tokSfrxETH = Token{"0xac3e018457b222d93114458476f3e3416abbe38f", 18}
	tokWBTC    = Token{"0x2260fac5e5542a773aa44fbcfedf7c193bc2c599", 8}
)

// calibration holds every number defaults.go derives from data.
type calibration struct {
	ethGBM       GBM
	ethMerton    Merton
	ethGARCH     GARCH
	ethReturns   int
	goldRaw      GBM
	goldAdjusted GBM
	goldReturns  int
	tbill        OU
	tbillLast    float64
	tbillMonths  int
	impact       map[string]Liquidity // free exponent, sizes >= $1M
	impactSqrt   map[string]Liquidity // exponent 0.5, sizes >= $1M
	impactN      map[string]int
	corr         [4][4]float64 // WETH, wstETH, sfrxETH, WBTC
	vol2023      [4]float64
}

func utc(y int, m time.Month) int64 { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Unix() }

// calibrate recomputes the defaults from configs/data exactly as defaults.go
// documents.
func calibrate(t testing.TB) calibration {
	t.Helper()
	var c calibration

	// ETH: hourly closes, oldest row (Open = 0) dropped, returns only across
	// exact one-hour gaps.
	eth, err := LoadSeries(filepath.Join(dataDir, "reflexer_ETH_1H_2016-05_2020-04.csv"), "Date", "Close")
	if err != nil {
		t.Fatal(err)
	}
	eth = Series{Times: eth.Times[1:], Values: eth.Values[1:]}
	r, err := eth.LogReturns(3600)
	if err != nil {
		t.Fatal(err)
	}
	c.ethReturns = len(r)
	h := Years(3600)
	if c.ethGBM, err = FitGBM(r, h); err != nil {
		t.Fatal(err)
	}
	if c.ethMerton, err = FitMerton(r, h, ETHMertonThreshold); err != nil {
		t.Fatal(err)
	}
	if c.ethGARCH, err = FitGARCH(r, h); err != nil {
		t.Fatal(err)
	}

	// Gold: monthly averages from 2000-01.
	gold, err := LoadSeries(filepath.Join(dataDir, "gold_monthly_1833-2026.csv"), "Date", "Price")
	if err != nil {
		t.Fatal(err)
	}
	gr, err := gold.Between(utc(2000, 1), math.MaxInt64).LogReturns(0)
	if err != nil {
		t.Fatal(err)
	}
	c.goldReturns = len(gr)
	if c.goldRaw, err = FitGBM(gr, 1.0/12); err != nil {
		t.Fatal(err)
	}
	sa := c.goldRaw.Sigma * math.Sqrt(1.5)
	c.goldAdjusted = GBM{Mu: c.goldRaw.Mu - c.goldRaw.Sigma*c.goldRaw.Sigma/2 + sa*sa/2, Sigma: sa}

	// T-bill: monthly TB3MS from 1954-01, percent to fraction.
	tb, err := LoadSeries(filepath.Join(dataDir, "fred_TB3MS_monthly_1934-2023.csv"), "Date", "TB3MS")
	if err != nil {
		t.Fatal(err)
	}
	tb = tb.Between(utc(1954, 1), math.MaxInt64)
	x := make([]float64, tb.Len())
	for i, v := range tb.Values {
		x[i] = v / 100
	}
	c.tbillMonths = len(x)
	c.tbillLast = x[len(x)-1]
	if c.tbill, err = FitOU(x, 1.0/12); err != nil {
		t.Fatal(err)
	}

	// Impact: 1inch quotes selling each collateral into USDC or USDT.
	q, err := LoadQuotes(filepath.Join(dataDir, "xenophon_1inch_quotes_20231120.csv"))
	if err != nil {
		t.Fatal(err)
	}
	c.impact, c.impactSqrt, c.impactN = map[string]Liquidity{}, map[string]Liquidity{}, map[string]int{}
	for name, tok := range map[string]Token{"WETH": tokWETH, "wstETH": tokWstETH, "sfrxETH": tokSfrxETH, "WBTC": tokWBTC} {
		s, im := ImpactSample(q, tok, []Token{tokUSDC, tokUSDT}, ImpactMinUSD)
		l, n, err := FitImpact(s, im)
		if err != nil {
			t.Fatal(err)
		}
		ls, _, err := FitImpactFixedB(s, im, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		c.impact[name], c.impactSqrt[name], c.impactN[name] = l, ls, n
	}

	// Correlation and 2023 volatilities: Xenophon Labs' fitted covariance.
	b, err := os.ReadFile(filepath.Join(dataDir, "xenophon_crvusd_price_config_5min_20231012-20240107.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Cov map[string]map[string]float64 `json:"cov"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	keys := [4]string{"weth", "wrapped-steth", "staked-frax-ether", "wrapped-bitcoin"}
	for i, a := range keys {
		c.vol2023[i] = math.Sqrt(cfg.Cov[a][a])
		for j, b := range keys {
			c.corr[i][j] = cfg.Cov[a][b] / math.Sqrt(cfg.Cov[a][a]*cfg.Cov[b][b])
		}
	}
	return c
}

// TestDefaultsMatchData recomputes every calibrated constant of defaults.go
// from configs/data/. Closed-form fits must match to 1e-5 relative (the
// constants are rounded to 6 significant digits, an error of at most 5e-7);
// the GARCH fit, found by a numerical search, to 1e-3.
func TestDefaultsMatchData(t *testing.T) {
	t.Parallel()
	c := calibrate(t)
	const tol, tolSearch = 1e-5, 1e-3
	check := func(name string, got, want, tol float64) {
		t.Helper()
		if !(math.Abs(got-want) <= tol*math.Abs(want)) {
			t.Errorf("%s: data give %.8g, defaults.go has %.8g (rel. tol %g)", name, got, want, tol)
		}
	}
	counts := []struct {
		name      string
		got, want int
	}{
		{"ETHReturns", c.ethReturns, ETHReturns},
		{"GoldReturns", c.goldReturns, GoldReturns},
		{"TBillMonths", c.tbillMonths, TBillMonths},
	}
	for _, n := range counts {
		if n.got != n.want {
			t.Errorf("%s: data give %d, defaults.go has %d", n.name, n.got, n.want)
		}
	}
	check("ETHGBMMu", c.ethGBM.Mu, ETHGBMMu, tol)
	check("ETHGBMSigma", c.ethGBM.Sigma, ETHGBMSigma, tol)
	check("ETHMertonMu", c.ethMerton.Mu, ETHMertonMu, tol)
	check("ETHMertonSigma", c.ethMerton.Sigma, ETHMertonSigma, tol)
	check("ETHMertonLambda", c.ethMerton.Lambda, ETHMertonLambda, tol)
	check("ETHMertonJumpMean", c.ethMerton.JumpMean, ETHMertonJumpMean, tol)
	check("ETHMertonJumpSD", c.ethMerton.JumpSD, ETHMertonJumpSD, tol)
	check("ETHGARCHMu", c.ethGARCH.Mu, ETHGARCHMu, tol)
	check("ETHGARCHOmega", c.ethGARCH.Omega, ETHGARCHOmega, tolSearch)
	check("ETHGARCHAlpha", c.ethGARCH.Alpha, ETHGARCHAlpha, tolSearch)
	check("ETHGARCHBeta", c.ethGARCH.Beta, ETHGARCHBeta, tolSearch)
	check("ETHGARCHPeriod", c.ethGARCH.Period, ETHGARCHPeriod, 1e-15)
	check("GoldGBMMuRaw", c.goldRaw.Mu, GoldGBMMuRaw, tol)
	check("GoldGBMSigmaRaw", c.goldRaw.Sigma, GoldGBMSigmaRaw, tol)
	check("GoldGBMMu", c.goldAdjusted.Mu, GoldGBMMu, tol)
	check("GoldGBMSigma", c.goldAdjusted.Sigma, GoldGBMSigma, tol)
	check("TBillTheta", c.tbill.Theta, TBillTheta, tol)
	check("TBillMu", c.tbill.Mu, TBillMu, tol)
	check("TBillSigma", c.tbill.Sigma, TBillSigma, tol)
	check("TBillLast", c.tbillLast, TBillLast, 1e-12)
	for name, want := range map[string][3]float64{
		"WETH":    {WETHImpactK, WETHImpactB, WETHImpactKSqrt},
		"wstETH":  {WstETHImpactK, WstETHImpactB, WstETHImpactKSqrt},
		"sfrxETH": {SfrxETHImpactK, SfrxETHImpactB, SfrxETHImpactKSqrt},
		"WBTC":    {WBTCImpactK, WBTCImpactB, WBTCImpactKSqrt},
	} {
		check(name+" impact K", c.impact[name].K, want[0], tol)
		check(name+" impact B", c.impact[name].B, want[1], tol)
		check(name+" impact K (B=0.5)", c.impactSqrt[name].K, want[2], tol)
		if c.impactN[name] < 200 {
			t.Errorf("%s: only %d quotes above $%g", name, c.impactN[name], ImpactMinUSD)
		}
	}
	def := CollateralCorrelation()
	for i := range def {
		for j := range def {
			check("CollateralCorrelation", c.corr[i][j], def[i][j], tol)
		}
	}
	for i, want := range []float64{WETHSigma2023, WstETHSigma2023, SfrxETHSigma2023, WBTCSigma2023} {
		check("Sigma2023", c.vol2023[i], want, tol)
	}
	if _, err := NewCorrelation(def); err != nil {
		t.Errorf("CollateralCorrelation: %v", err)
	}
}

// TestDefaultsValidate checks that every default value passes validation.
func TestDefaultsValidate(t *testing.T) {
	t.Parallel()
	for name, p := range map[string]interface{ Validate() error }{
		"ETHGBM": ETHGBM(), "ETHMerton": ETHMerton(), "ETHGARCH": ETHGARCH(), "GoldGBM": GoldGBM(),
		"TBillOU": TBillOU(), "WETHLiquidity": WETHLiquidity(), "WstETHLiquidity": WstETHLiquidity(),
		"SfrxETHLiquidity": SfrxETHLiquidity(), "WBTCLiquidity": WBTCLiquidity(),
		"DefaultGasPrice": DefaultGasPrice(), "DefaultPeg": DefaultPeg(),
		"DefaultOracle": DefaultOracle(), "DefaultOSM": DefaultOSM(),
	} {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
