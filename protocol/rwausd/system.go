package rwausd

// The System: rwaUSD's modules over one ledger and journal. Deviations from
// the contracts it composes are listed in doc.go.

import (
	"errors"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/auction"
	"github.com/tempest-risk/tempest/protocol/backstop"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/pegrail"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// Reverts of the composition layer.
var (
	ErrNotOwner      = errors.New("Vault/not-owner")
	ErrNoSuchAccount = errors.New("Vault/no-such-account")
	ErrNoAuction     = errors.New("Dog/no-auction-for-profile")
	ErrNoSuchRail    = errors.New("PegRail/no-such-rail")
	ErrRateNotRay    = errors.New("DssLitePsm/rate-not-RAY")
)

// Totals are cumulative counters of what the System did, for metrics.
// They are state: a reverted transaction does not change them.
type Totals struct {
	Barks          int64
	Takes          int64
	Redos          int64
	AuctionsClosed int64
	Liquidated     uint256.Int // debt confiscated by bark, without penalty (Σ due) [rad]
	LiquidatedLot  uint256.Int // collateral sent to auction, summed over profiles [wad]
	Raised         uint256.Int // stablecoin paid into the backstop by takers [rad]
	KeeperRewards  uint256.Int // tip + chip paid to keepers (system cost) [rad]
	Shortfall      uint256.Int // tab left unpaid when a lot sold out [rad]
	Healed         uint256.Int // bad debt cancelled against surplus [rad]
	Recap          uint256.Int // stablecoin transferred in by governance [wad]
	Flapped        uint256.Int // surplus sent out by flap [rad]
	RailFees       uint256.Int // peg rail fees paid to the backstop [wad]
	GovMinted      uint256.Int // governance token minted by debt auctions [wad]
}

// System is the rwaUSD protocol: accounting core, auction house, peg rails
// and backstop over one ledger.
type System struct {
	L       *token.Ledger
	Vat     *vault.Engine
	Dog     *auction.Dog
	Clip    []*auction.Clipper // by profile; nil for profiles without auctions (rails)
	Vow     *backstop.Vow
	Flopper *backstop.Flopper
	Rails   []*pegrail.Rail

	Stable token.ID // rwaUSD
	Gov    token.ID // governance token minted by debt auctions

	VowAcct  token.Account   // the backstop
	JoinAcct token.Account   // stablecoin join: its internal balance backs the ERC-20 supply
	Sink     token.Account   // receives flapped surplus
	GemJoin  []token.Account // by profile: custody of the collateral token
	ClipAcct []token.Account // by profile: the auction's own account

	Now    int64
	Totals Totals

	violation error // first post-condition failure, reported by CheckInvariants
}

// New returns an empty System at time now with rwaUSD (18 decimals) and a
// governance token.
func New(now int64) *System {
	l := token.NewLedger()
	s := &System{L: l, Now: now}
	s.Stable = l.AddToken("rwaUSD", 18)
	s.Gov = l.AddToken("GOV", 18)
	s.VowAcct = l.AddAccount("vow")
	s.JoinAcct = l.AddAccount("stable-join")
	s.Sink = l.AddAccount("surplus-sink")
	s.Vat = vault.New(l, s.VowAcct)
	s.Dog = &auction.Dog{J: &l.J}
	s.Vow = &backstop.Vow{J: &l.J}
	s.Flopper = backstop.NewFlopper(&l.J)
	return s
}

// AddAccount registers a user or agent account. It panics inside a
// transaction.
func (s *System) AddAccount(label string) token.Account {
	a := s.L.AddAccount(label)
	s.Vat.Sync()
	return a
}

// Grow reserves room for accounts more ledger accounts and urns more
// collateral accounts (after the tokens and profiles are added), so that
// setting up a large population does not reallocate as it goes.
func (s *System) Grow(accounts, urns int) {
	s.L.Grow(accounts)
	s.Vat.Grow(accounts, urns)
}

// AddToken registers a token (collateral or reference stablecoin).
func (s *System) AddToken(name string, decimals uint8) token.ID {
	return s.L.AddToken(name, decimals)
}

// SetTime advances the clock. Time never goes backwards.
func (s *System) SetTime(now int64) {
	if now < s.Now {
		panic(fmt.Sprintf("rwausd: time going backwards: %d < %d", now, s.Now))
	}
	s.Now = now
}

// CollateralParams are a Collateral Profile's risk and auction parameters.
type CollateralParams struct {
	Haircut      uint256.Int // h [ray]
	SafetyFactor uint256.Int // s [ray], ≥ 1
	DebtCeiling  uint256.Int // [rad]
	Dust         uint256.Int // [rad]
	FeeRate      uint256.Int // per-second fee multiplier [ray]; RAY = 0%

	Chop uint256.Int // liquidation penalty [wad], ≥ 1
	Hole uint256.Int // per-profile in-auction limit [rad]
	Buf  uint256.Int // starting price multiplier [ray]
	Tail int64       // max auction age [s]
	Cusp uint256.Int // max price drop before reset [ray]
	Chip uint256.Int // keeper reward share of tab [wad]
	Tip  uint256.Int // keeper reward, flat [rad]
	Calc auction.Curve
}

// AddCollateral creates a Collateral Profile for token tok with its Dog and
// Clipper. The oracle price is set later by Poke.
func (s *System) AddCollateral(name string, tok token.ID, p *CollateralParams) (vault.ProfileID, error) {
	if err := p.Calc.Validate(); err != nil {
		return 0, err
	}
	if p.Buf.Lt(&fixed.RAY) {
		return 0, errors.New("Clipper/buf-lt-RAY")
	}
	i := s.Vat.AddProfile(name, tok, s.Now)
	s.GemJoin = append(s.GemJoin, s.AddAccount("join:"+name))
	s.ClipAcct = append(s.ClipAcct, s.AddAccount("clip:"+name))
	if err := s.Vat.SetRisk(i, &p.Haircut, &p.SafetyFactor); err != nil {
		return 0, err
	}
	s.Vat.SetDebtCeiling(i, &p.DebtCeiling)
	s.Vat.SetDust(i, &p.Dust)
	if err := s.Vat.SetFeeRate(i, &p.FeeRate, s.Now); err != nil {
		return 0, err
	}
	s.Dog.Ilks = append(s.Dog.Ilks, auction.DogIlk{On: true, Hole: p.Hole})
	if err := s.Dog.SetChop(int(i), &p.Chop); err != nil {
		return 0, err
	}
	c := &auction.Clipper{J: &s.L.J, Profile: int32(i), Buf: p.Buf, Tail: p.Tail, Cusp: p.Cusp,
		Chip: p.Chip, Tip: p.Tip, Calc: p.Calc}
	if err := c.Upchost(&p.Dust, &p.Chop); err != nil {
		return 0, err
	}
	s.Clip = append(s.Clip, c)
	return i, nil
}

// RailParams are a peg rail's parameters.
type RailParams struct {
	Tin, Tout uint256.Int // fees [wad] or pegrail.Halted
	Cap       uint256.Int // exposure cap: the rail profile's debt ceiling [rad]
}

// AddRail creates a peg rail for reference stablecoin gem: a profile with
// rate 1 and mat 1 priced at par, owned by the rail's own account.
func (s *System) AddRail(name string, gem token.ID, p *RailParams) (int, error) {
	i := s.Vat.AddProfile("rail:"+name, gem, s.Now)
	s.GemJoin = append(s.GemJoin, s.AddAccount("join:rail:"+name))
	s.ClipAcct = append(s.ClipAcct, token.Zero)
	s.Clip = append(s.Clip, nil)
	s.Dog.Ilks = append(s.Dog.Ilks, auction.DogIlk{})
	self := s.AddAccount("rail:" + name)
	s.Vat.SetDebtCeiling(i, &p.Cap)
	if err := s.Vat.Poke(i, &fixed.WAD, true); err != nil { // a fixed $1 price, as the PSM's pip
		return 0, err
	}
	r := &pegrail.Rail{J: &s.L.J, Name: name, Gem: gem, Profile: int32(i), Self: self,
		Urn: int32(s.Vat.OpenAccount(i, self))}
	r.Conv = s.Vat.Profiles[i].Scale
	if err := r.SetTin(&p.Tin); err != nil {
		return 0, err
	}
	if err := r.SetTout(&p.Tout); err != nil {
		return 0, err
	}
	s.Rails = append(s.Rails, r)
	return len(s.Rails) - 1, nil
}

// OpenAccount opens a Collateral Account on profile i for owner.
func (s *System) OpenAccount(i vault.ProfileID, owner token.Account) vault.AccountID {
	return s.Vat.OpenAccount(i, owner)
}

// begin opens a transaction; end commits it, or rolls it back on err.
func (s *System) begin() { s.L.J.Begin() }

func (s *System) end(err error) error {
	if err != nil {
		s.L.J.Rollback()
		return err
	}
	s.L.J.Commit()
	return nil
}

// add and sub update a Totals word through the journal.
func (s *System) add(p, v *uint256.Int) {
	var t uint256.Int
	t.Add(p, v) // totals are bounded by supplies; overflow is impossible in practice
	s.L.J.Set(p, &t)
}

func (s *System) addN(p *int64, n int64) { s.L.J.SetInt(p, *p+n) }

func (s *System) fail(err error) {
	if s.violation == nil {
		s.violation = err
	}
}
