package scenario

// Scenario is one scenario file. Amounts of rwaUSD and USD are whole units
// (not wei); fractions are decimals ("0.05" is 5%).
type Scenario struct {
	Name        string   `toml:"name"`        // the scenario's name: the default output directory out/NAME
	Question    string   `toml:"question"`    // the question the scenario answers, for the report
	Description string   `toml:"description"` // one line for `tempest scenarios`
	Seed        uint64   `toml:"seed"`        // master seed; runs derive their seeds from it
	Runs        int      `toml:"runs"`        // default number of runs
	Step        Duration `toml:"step"`        // block interval (default "10m")
	Horizon     Duration `toml:"horizon"`     // run length (default "30d")
	Bucket      Duration `toml:"bucket"`      // time bucket of quantiles.csv (default "1h")
	CheckEvery  Duration `toml:"check_every"` // full invariant check interval (default "1h"; cheap checks run every block)
	// fixed_population draws the agent population once per batch (from
	// the master seed) instead of once per run; runs then differ only by
	// their market paths and the agents' own random streams.
	FixedPopulation bool `toml:"fixed_population"`

	System   System              `toml:"system"`
	Backstop Backstop            `toml:"backstop"`
	Profiles map[string]*Profile `toml:"profiles"`
	Auction  map[string]*Auction `toml:"auction"`
	PegRail  map[string]*Rail    `toml:"pegrail"`
	PegPool  *PegPool            `toml:"pegpool"`
	Pools    map[string]*Pool    `toml:"pools"`
	Market   Market              `toml:"market"`
	Oracles  map[string]*Oracle  `toml:"oracles"`
	Shocks   []Shock             `toml:"shocks"`
	Agents   Agents              `toml:"agents"`

	// Set by Load, not by the file.
	File      string            `toml:"-"`
	Lines     map[string]KeyPos `toml:"-"`
	Overrides []Override        `toml:"-"` // applied on top of the file
}

// System holds global protocol limits.
type System struct {
	DebtCeiling      Decimal `toml:"debt_ceiling"`      // global debt ceiling (Vat Line) [rwaUSD]
	LiquidationLimit Decimal `toml:"liquidation_limit"` // global in-auction limit (Dog Hole) [rwaUSD]
}

// Backstop is deficit accounting, the reserve buffer and recap (Vow,
// Flopper, governance).
type Backstop struct {
	Reserve      Decimal  `toml:"reserve"`       // reserve buffer funded at the start [rwaUSD]
	Hump         Decimal  `toml:"hump"`          // surplus the backstop keeps before auctioning the excess (flap) [rwaUSD]
	Bump         Decimal  `toml:"bump"`          // lot of a surplus auction (flap) [rwaUSD]; "0" disables them
	Wait         Duration `toml:"wait"`          // how long bad debt waits in the queue before it can be settled or auctioned
	DebtAuctions bool     `toml:"debt_auctions"` // allow debt auctions (flop), which mint the governance token to cover bad debt
	Sump         Decimal  `toml:"sump"`          // debt auction bid [rwaUSD]
	Dump         Decimal  `toml:"dump"`          // debt auction initial lot [GOV]
	Beg          Decimal  `toml:"beg"`           // debt auction: minimum lot decrease per bid (default 1.05)
	Pad          Decimal  `toml:"pad"`           // debt auction: lot increase on a restart without bids (default 1.5)
	TTL          Duration `toml:"ttl"`           // debt auction: bid lifetime (default 3h)
	Tau          Duration `toml:"tau"`           // debt auction: length (default 2d)
	Recap        bool     `toml:"recap"`         // governance recapitalises a lasting deficit
	RecapDelay   Duration `toml:"recap_delay"`   // how long a deficit lasts before recap (default 3d)
	RecapMax     Decimal  `toml:"recap_max"`     // governance treasury for recap [rwaUSD]
}

// Profile is a Collateral Profile.
type Profile struct {
	Token        string  `toml:"token"`         // collateral token symbol
	Decimals     uint8   `toml:"decimals"`      // collateral token decimals (≤ 18)
	Asset        string  `toml:"asset"`         // market asset giving its price
	Haircut      Decimal `toml:"haircut"`       // h: discount on the oracle price, 0 ≤ h < 1
	SafetyFactor Decimal `toml:"safety_factor"` // s: minimum coverage, ≥ 1
	DebtCeiling  Decimal `toml:"debt_ceiling"`  // most debt the profile may carry (Vat ilk line) [rwaUSD]
	Dust         Decimal `toml:"dust"`          // minimum account liability [rwaUSD]
	FeeRate      Decimal `toml:"fee_rate"`      // annual fee ("0.04" = 4%)
}

// Auction is a profile's liquidation and Dutch auction parameters (Dog and
// Clipper), keyed by profile name.
type Auction struct {
	Sale  string   `toml:"sale"`  // "auction" (Dutch auction, the default) or "pool" (sold at once into the profile's pool)
	Chop  Decimal  `toml:"chop"`  // penalty multiplier, ≥ 1 ("1.13" = 13%)
	Hole  Decimal  `toml:"hole"`  // in-auction limit [rwaUSD]
	Buf   Decimal  `toml:"buf"`   // starting price multiplier, ≥ 1
	Tail  Duration `toml:"tail"`  // max auction age before reset
	Cusp  Decimal  `toml:"cusp"`  // max price drop before reset, in (0, 1]
	Chip  Decimal  `toml:"chip"`  // keeper reward share of tab
	Tip   Decimal  `toml:"tip"`   // keeper reward, flat [rwaUSD]
	Curve string   `toml:"curve"` // "stairstep", "exponential" or "linear"
	Step  Duration `toml:"step"`  // stairstep: time per step
	Cut   Decimal  `toml:"cut"`   // stairstep, exponential: price multiplier per step or second, ≤ 1
	Tau   Duration `toml:"tau"`   // linear: time to zero
}

// Rail is a peg rail, keyed by name.
type Rail struct {
	Token    string  `toml:"token"`     // reference stablecoin symbol
	Decimals uint8   `toml:"decimals"`  // its decimals (6 for a USDC-like coin)
	Asset    string  `toml:"asset"`     // market asset giving its USD price
	Tin      Decimal `toml:"tin"`       // fee to sell the reference stablecoin for rwaUSD; "halted" not allowed here: use halt_sell
	Tout     Decimal `toml:"tout"`      // fee to buy it with rwaUSD
	HaltSell bool    `toml:"halt_sell"` // selling the reference stablecoin for rwaUSD is halted
	HaltBuy  bool    `toml:"halt_buy"`  // buying the reference stablecoin with rwaUSD is halted
	Cap      Decimal `toml:"cap"`       // exposure cap [rwaUSD]
}

// PegPool is the rwaUSD / reference-stablecoin StableSwap pool.
type PegPool struct {
	Rail      string   `toml:"rail"`        // the rail whose reference stablecoin is the pool's second coin
	A         uint64   `toml:"a"`           // amplification
	Fee       Decimal  `toml:"fee"`         // swap fee ("0.0004" = 4 bp)
	OffpegFee Decimal  `toml:"offpeg_fee"`  // off-peg fee multiplier (default 5)
	MAExpTime Duration `toml:"ma_exp_time"` // EMA oracle time constant (default 866s)
	Liquidity Decimal  `toml:"liquidity"`   // initial balance of each coin [units]
}

// Pool is an on-chain constant-product pool (Uniswap v2) pairing a
// profile's collateral with rwaUSD, keyed by name. Keepers sell auction
// collateral into it instead of on the external market.
type Pool struct {
	Profile   string  `toml:"profile"`   // the collateral
	Liquidity float64 `toml:"liquidity"` // collateral at the start; the rwaUSD side is liquidity × price
}

// Market is the off-chain world.
type Market struct {
	Assets      map[string]*Asset `toml:"assets"`
	Correlation *Correlation      `toml:"correlation"`
	Gas         Gas               `toml:"gas"`
}

// Asset is one exogenous price series and its external liquidity.
type Asset struct {
	Process string  `toml:"process"` // gbm, merton, garch, regime, replay, bootstrap, nav, peg, constant
	Initial float64 `toml:"initial"` // price at time 0 [USD]
	Mu      float64 `toml:"mu"`      // drift per year
	Sigma   float64 `toml:"sigma"`   // volatility per √year

	Lambda   float64 `toml:"lambda"`    // merton: jumps per year
	JumpMean float64 `toml:"jump_mean"` // merton: mean log jump
	JumpSD   float64 `toml:"jump_sd"`   // merton: log jump sd

	Omega  float64  `toml:"omega"`  // garch: per-period constant
	Alpha  float64  `toml:"alpha"`  // garch
	Beta   float64  `toml:"beta"`   // garch
	Period Duration `toml:"period"` // garch: period the parameters are fitted on (default "1h")

	RegimeMu    []float64   `toml:"regime_mu"`    // regime: drift per regime
	RegimeSigma []float64   `toml:"regime_sigma"` // regime: volatility per regime
	RegimeRates [][]float64 `toml:"regime_rates"` // regime: transition rates per year, off-diagonal

	File     string `toml:"file"`      // replay, bootstrap: CSV path relative to the scenario file
	Column   string `toml:"column"`    // replay, bootstrap: price column (default "Close")
	Time     string `toml:"time"`      // replay, bootstrap: time column (default "Date")
	From     string `toml:"from"`      // replay: first date used (YYYY-MM-DD)
	BlockLen int    `toml:"block_len"` // bootstrap: block length in data points

	Theta      float64 `toml:"theta"`       // nav, peg: mean reversion per year
	Yield      float64 `toml:"yield"`       // nav: initial yield per year
	Level      float64 `toml:"level"`       // nav: long-run yield per year
	YieldSigma float64 `toml:"yield_sigma"` // nav: yield volatility per √year

	Liquidity *Liquidity `toml:"liquidity"` // external market depth for selling the asset
}

// Liquidity is price impact = k · (size in USD)^b.
type Liquidity struct {
	K float64 `toml:"k"` // price impact of a sale of 1 USD
	B float64 `toml:"b"` // exponent of the sale's USD size
}

// Correlation correlates the innovations of the named assets.
type Correlation struct {
	Assets []string    `toml:"assets"` // the market assets correlated, in the matrix's order
	Matrix [][]float64 `toml:"matrix"` // correlation of their innovations
}

// Gas is the gas market: price process and block space.
type Gas struct {
	Initial    float64 `toml:"initial"`     // gwei
	Theta      float64 `toml:"theta"`       // mean reversion per year of log gas price
	Sigma      float64 `toml:"sigma"`       // volatility of log gas price per √year
	Spikes     float64 `toml:"spikes"`      // spikes per year
	SpikeMean  float64 `toml:"spike_mean"`  // mean log jump of a spike
	SpikeSD    float64 `toml:"spike_sd"`    // sd of log jump
	BlockLimit uint64  `toml:"block_limit"` // gas per block
	EthPrice   float64 `toml:"eth_price"`   // USD per ETH, to price gas
}

// Oracle is a price feed for a profile (keyed by profile name): Chainlink-
// style deviation and heartbeat, an optional OSM delay, staleness and
// clamps.
type Oracle struct {
	Deviation float64  `toml:"deviation"` // publish on a move larger than this fraction
	Heartbeat Duration `toml:"heartbeat"` // or when this much time passed
	Delay     Duration `toml:"delay"`     // OSM delay ("0s" for none)
	Timeout   Duration `toml:"timeout"`   // older than this is stale: the protocol sees no price
	Min       float64  `toml:"min"`       // clamp [USD]; 0 for none
	Max       float64  `toml:"max"`       // clamp [USD]; 0 for none
}

// Shock overlays a market path or the agents' world over a window.
type Shock struct {
	Kind        string   `toml:"kind"`         // crash, vol, depeg, oracle_freeze, keeper_outage, gas_spike, drought
	Asset       string   `toml:"asset"`        // crash, vol, drought, oracle_freeze: asset name or "*"
	Start       Duration `toml:"start"`        // from the scenario start
	Duration    Duration `toml:"duration"`     // window length
	Size        float64  `toml:"size"`         // crash: fraction lost over the window (0.3 = −30%)
	Multiplier  float64  `toml:"multiplier"`   // vol, gas_spike, drought: multiplier
	Target      float64  `toml:"target"`       // depeg: price reached at the end of the window
	Recover     bool     `toml:"recover"`      // depeg: recover after the window
	HalfLife    Duration `toml:"half_life"`    // depeg: recovery half-life
	Fraction    float64  `toml:"fraction"`     // keeper_outage: share of keepers offline (default 1)
	LimitFactor float64  `toml:"limit_factor"` // gas_spike: block gas limit multiplier (default 1)
}

// Agents are the populations.
type Agents struct {
	Borrowers        []*Borrowers      `toml:"borrowers"`
	Keepers          *Keepers          `toml:"keepers"`
	Arbitrageurs     *Arbitrageurs     `toml:"arbitrageurs"`
	PoolArbitrageurs *PoolArbitrageurs `toml:"pool_arbitrageurs"`
}

// PoolArbitrageurs move each constant-product pool back to the external
// price every block, trading through the pool (and paying its fee).
type PoolArbitrageurs struct {
	Count int `toml:"count"` // arbitrageurs
}

// Dist is a distribution of an agent parameter.
type Dist struct {
	Dist   string  `toml:"dist"`   // const, uniform, lognormal, normal
	Value  float64 `toml:"value"`  // const
	Min    float64 `toml:"min"`    // uniform; lower clamp for normal
	Max    float64 `toml:"max"`    // uniform; upper clamp for normal (0: none)
	Median float64 `toml:"median"` // lognormal
	Sigma  float64 `toml:"sigma"`  // lognormal: sd of log; normal: sd
	Mean   float64 `toml:"mean"`   // normal
}

// Borrowers is a group of borrowers of one profile.
type Borrowers struct {
	Profile  string `toml:"profile"`   // the collateral profile they borrow against
	Count    int    `toml:"count"`     // borrowers in the group
	Size     Dist   `toml:"size"`      // collateral value at open [USD]
	TargetCR Dist   `toml:"target_cr"` // collateral value / liability when they open or rebalance
	// target_over_min draws target_cr as a multiple of the profile's
	// minimum collateral ratio, safety_factor / (1 − haircut), instead of
	// as a ratio: borrowers then keep their margin over the minimum when a
	// sweep moves the haircut or the safety factor, as borrowers who
	// lever up to what the protocol allows do.
	TargetOverMin bool    `toml:"target_over_min"`
	Buffer        Dist    `toml:"buffer"`         // act when CR < liquidation ratio × (1 + buffer)
	Attention     Dist    `toml:"attention"`      // mean hours between checks of their position
	Reserve       Dist    `toml:"reserve"`        // spare collateral in the wallet, as a fraction of the locked amount
	LeverageShare float64 `toml:"leverage_share"` // share who mint more when their CR rises
	// leverage_band: a leverage seeker mints back down to its target_cr
	// when its ratio has risen this far above it, as a fraction of the
	// target (default 0.25: a 25% rise of the collateral's price).
	LeverageBand Dist    `toml:"leverage_band"`
	SellShare    float64 `toml:"sell_share"` // share of minted rwaUSD sold into the peg pool
	// book, if set, is a CSV (relative to the scenario) with columns
	// collateral (token units) and debt (rwaUSD): one borrower per row,
	// opened exactly so, its target ratio the one it opens at; count,
	// size, target_cr, target_over_min and reserve are then ignored.
	Book string `toml:"book"`
	// passive borrowers never touch their position after opening it.
	Passive bool `toml:"passive"`
}

// Keepers are liquidators.
type Keepers struct {
	Count     int     `toml:"count"`      // keepers
	Capital   Dist    `toml:"capital"`    // rwaUSD float kept for auctions [rwaUSD]
	Latency   Dist    `toml:"latency"`    // blocks between looks at the chain
	MinProfit float64 `toml:"min_profit"` // minimum expected profit per take [USD]
	MaxTxs    int     `toml:"max_txs"`    // transactions per block
	Priority  Dist    `toml:"priority"`   // priority fee [gwei]
}

// Arbitrageurs trade the peg pool against the rail.
type Arbitrageurs struct {
	Count     int     `toml:"count"`      // arbitrageurs
	Capital   Dist    `toml:"capital"`    // reference stablecoin held [USD]
	MinProfit float64 `toml:"min_profit"` // minimum expected profit per trade [USD]
	Latency   Dist    `toml:"latency"`    // blocks between looks
}

// KeyPos is where a key is written in the file and the comment next to it.
type KeyPos struct {
	Line    int
	Comment string
}
