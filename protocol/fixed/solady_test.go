package fixed

// Tests of solady.go: oracles transliterated from solady's
// FixedPointMathLib.sol (version in solady.go's header) and the exact
// vectors of its test suite (protocol-mechanics §T1.6 for expWad).

import (
	"errors"
	"math/big"
	"testing"

	"github.com/holiman/uint256"
)

func bdec(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("bad decimal " + s)
	}
	return v
}

// Oracles transliterated from FixedPointMathLib's assembly checks.

var soladyBinary = []binaryOp{
	// mulWad reverts when y is non-zero and x exceeds max / y.
	{name: "MulWad", fn: MulWad, oracle: func(x, y *big.Int) (*big.Int, error) {
		if y.Sign() != 0 && x.Cmp(quo(bMaxU, y)) > 0 {
			return nil, ErrMulWadFailed
		}
		return quo(mul(x, y), bWAD), nil
	}},
	{name: "MulWadUp", fn: MulWadUp, oracle: func(x, y *big.Int) (*big.Int, error) {
		if y.Sign() != 0 && x.Cmp(quo(bMaxU, y)) > 0 {
			return nil, ErrMulWadFailed
		}
		q, r := new(big.Int).QuoRem(mul(x, y), bWAD, new(big.Int))
		if r.Sign() != 0 {
			q.Add(q, bi(1))
		}
		return q, nil
	}},
	// divWad reverts when y is zero or x exceeds max / WAD.
	{name: "DivWad", fn: DivWad, oracle: func(x, y *big.Int) (*big.Int, error) {
		if y.Sign() == 0 || x.Cmp(quo(bMaxU, bWAD)) > 0 {
			return nil, ErrDivWadFailed
		}
		return quo(mul(x, bWAD), y), nil
	}},
	{name: "DivWadUp", fn: DivWadUp, oracle: func(x, y *big.Int) (*big.Int, error) {
		if y.Sign() == 0 || x.Cmp(quo(bMaxU, bWAD)) > 0 {
			return nil, ErrDivWadFailed
		}
		q, r := new(big.Int).QuoRem(mul(x, bWAD), y, new(big.Int))
		if r.Sign() != 0 {
			q.Add(q, bi(1))
		}
		return q, nil
	}},
	// sMulWad wraps the product, reverts unless x is zero or SDIV of the
	// product by x gives back y (excluding -1 · min), then divides by WAD.
	{name: "SMulWad", fn: SMulWad, oracle: func(x, y *big.Int) (*big.Int, error) {
		sx, sy := sg(x), sg(y)
		z := ws(mul(sx, sy))
		ok := sx.Sign() == 0 || evmSdiv(z, sx).Cmp(sy) == 0
		if !ok || (sx.Cmp(bi(-1)) == 0 && sy.Cmp(bMinI) == 0) {
			return nil, ErrSMulWadFailed
		}
		return evmSdiv(z, bWAD), nil
	}},
	// sDivWad reverts when y is zero or the wrapped x·WAD divided back by
	// WAD differs from x, then divides the wrapped product by y.
	{name: "SDivWad", fn: SDivWad, oracle: func(x, y *big.Int) (*big.Int, error) {
		sx, sy := sg(x), sg(y)
		z := ws(mul(sx, bWAD))
		if sy.Sign() == 0 || evmSdiv(z, bWAD).Cmp(sx) != 0 {
			return nil, ErrSDivWadFailed
		}
		return evmSdiv(z, sy), nil
	}},
}

// oExpWad transliterates expWad step by step in int256 wrapping arithmetic
// (ws after each operation, Rsh = SAR on signed values, evmSdiv = SDIV).
func oExpWad(xu *big.Int) (*big.Int, error) {
	x := sg(xu)
	if x.Cmp(bdec("-41446531673892822313")) <= 0 {
		return new(big.Int), nil
	}
	if x.Cmp(bdec("135305999368893231589")) >= 0 {
		return nil, ErrExpOverflow
	}
	x = evmSdiv(ws(new(big.Int).Lsh(x, 78)), new(big.Int).Exp(bi(5), bi(18), nil))
	ln2 := bdec("54916777467707473351141471128")
	k := sar(ws(add(evmSdiv(ws(new(big.Int).Lsh(x, 96)), ln2), new(big.Int).Lsh(bi(1), 95))), 96)
	x = ws(sub(x, ws(mul(k, ln2))))

	y := ws(add(x, bdec("1346386616545796478920950773328")))
	y = ws(add(sar(ws(mul(y, x)), 96), bdec("57155421227552351082224309758442")))
	p := ws(sub(ws(add(y, x)), bdec("94201549194550492254356042504812")))
	p = ws(add(sar(ws(mul(p, y)), 96), bdec("28719021644029726153956944680412240")))
	p = ws(add(ws(mul(p, x)), new(big.Int).Lsh(bdec("4385272521454847904659076985693276"), 96)))

	q := ws(sub(x, bdec("2855989394907223263936484059900")))
	q = ws(add(sar(ws(mul(q, x)), 96), bdec("50020603652535783019961831881945")))
	q = ws(sub(sar(ws(mul(q, x)), 96), bdec("533845033583426703283633433725380")))
	q = ws(add(sar(ws(mul(q, x)), 96), bdec("3604857256930695427073651918091429")))
	q = ws(sub(sar(ws(mul(q, x)), 96), bdec("14423608567350463180887372962807573")))
	q = ws(add(sar(ws(mul(q, x)), 96), bdec("26449188498355588339934803723976023")))

	r := evmSdiv(p, q)
	// (uint256(r) * scale) >> uint256(195 - k): unsigned, wrapping.
	ru := wrap(mul(wrap(r), bdec("3822833074963236453042738258902158003155416615667")))
	sh := wrap(sub(bi(195), k))
	if sh.Cmp(bi(256)) >= 0 {
		return new(big.Int), nil
	}
	return new(big.Int).Rsh(ru, uint(sh.Uint64())), nil
}

// oLnWad transliterates lnWad's assembly, including its branch-free
// most-significant-bit computation.
func oLnWad(xu *big.Int) (*big.Int, error) {
	lt := func(a, b *big.Int) *big.Int {
		if a.Cmp(b) < 0 {
			return bi(1)
		}
		return bi(0)
	}
	shr := func(n, v *big.Int) *big.Int {
		if n.Cmp(bi(256)) >= 0 {
			return new(big.Int)
		}
		return new(big.Int).Rsh(v, uint(n.Uint64()))
	}
	shl := func(n uint, v *big.Int) *big.Int { return wrap(new(big.Int).Lsh(v, n)) }
	hex := func(s string) *big.Int { v, _ := new(big.Int).SetString(s, 16); return v }

	x := xu
	r := shl(7, lt(hex("ffffffffffffffffffffffffffffffff"), x))
	r = new(big.Int).Or(r, shl(6, lt(hex("ffffffffffffffff"), shr(r, x))))
	r = new(big.Int).Or(r, shl(5, lt(hex("ffffffff"), shr(r, x))))
	r = new(big.Int).Or(r, shl(4, lt(hex("ffff"), shr(r, x))))
	r = new(big.Int).Or(r, shl(3, lt(hex("ff"), shr(r, x))))
	if sg(x).Sign() <= 0 {
		return nil, ErrLnWadUndefined
	}
	idx := new(big.Int).And(bi(0x1f), shr(shr(r, x), hex("8421084210842108cc6318c6db6d54be")))
	table := hex("f8f9f9faf9fdfafbf9fdfcfdfafbfcfef9fafdfafcfcfbfefafafcfbffffffff")
	b := new(big.Int).And(new(big.Int).Rsh(table, uint(8*(31-idx.Uint64()))), bi(0xff))
	r = new(big.Int).Xor(r, b)
	xs := shr(bi(159), shl(uint(r.Uint64()), x))
	xv := sg(xs)

	m := func(a, b *big.Int) *big.Int { return ws(mul(a, b)) }
	p := ws(add(bdec("3273285459638523848632254066296"), xv))
	p = sar(m(p, xv), 96)
	p = ws(add(bdec("24828157081833163892658089445524"), p))
	p = sar(m(p, xv), 96)
	p = ws(add(bdec("43456485725739037958740375743393"), p))
	p = ws(sub(sar(m(p, xv), 96), bdec("11111509109440967052023855526967")))
	p = ws(sub(sar(m(p, xv), 96), bdec("45023709667254063763336534515857")))
	p = ws(sub(sar(m(p, xv), 96), bdec("14706773417378608786704636184526")))
	p = ws(sub(m(p, xv), new(big.Int).Lsh(bdec("795164235651350426258249787498"), 96)))

	q := ws(add(bdec("5573035233440673466300451813936"), xv))
	for _, c := range []string{"71694874799317883764090561454958", "283447036172924575727196451306956",
		"401686690394027663651624208769553", "204048457590392012362485061816622",
		"31853899698501571402653359427138", "909429971244387300277376558375"} {
		q = ws(add(bdec(c), sar(m(xv, q), 96)))
	}
	p = evmSdiv(p, q)
	p = m(bdec("1677202110996718588342820967067443963516166"), p)
	p = ws(add(m(bdec("16597577552685614221487285958193947469193820559219878177908093499208371"), ws(sub(bi(159), r))), p))
	p = ws(add(bdec("600920179829731861736702779321621459595472258049074101567377883020018308"), p))
	return sar(p, 174), nil
}

var soladyUnary = []unaryOp{
	{"ExpWad", ExpWad, oExpWad},
	{"LnWad", LnWad, oLnWad},
}

// TestExpWadVectors is solady's testExpWad table (protocol-mechanics §T1.6).
func TestExpWadVectors(t *testing.T) {
	tests := []struct{ x, want string }{
		{"-41446531673892822312", "1"},
		{"-41446531673892822313", "0"},
		{"-3000000000000000000", "49787068367863942"},
		{"-2000000000000000000", "135335283236612691"},
		{"-1000000000000000000", "367879441171442321"},
		{"-500000000000000000", "606530659712633423"},
		{"-300000000000000000", "740818220681717866"},
		{"0", "1000000000000000000"},
		{"300000000000000000", "1349858807576003103"},
		{"500000000000000000", "1648721270700128146"},
		{"1000000000000000000", "2718281828459045235"},
		{"2000000000000000000", "7389056098930650227"},
		{"3000000000000000000", "20085536923187667741"},
		{"10000000000000000000", "22026465794806716516980"},
		{"50000000000000000000", "5184705528587072464148529318587763226117"},
		{"100000000000000000000", "26881171418161354484134666106240937146178367581647816351662017"},
		{"135305999368893231588", "57896044618658097650144101621524338577433870140581303254786265309376407432913"},
	}
	for _, tt := range tests {
		var z uint256.Int
		if err := ExpWad(&z, u256(tt.x)); err != nil {
			t.Errorf("ExpWad(%s): %v", tt.x, err)
			continue
		}
		if z.Dec() != tt.want {
			t.Errorf("ExpWad(%s) = %s, want %s", tt.x, z.Dec(), tt.want)
		}
	}
	for _, x := range []string{"135305999368893231589", "136000000000000000000", "57896044618658097711785492504343953926634992332820282019728792003956564819967"} {
		var z uint256.Int
		if err := ExpWad(&z, u256(x)); !errors.Is(err, ErrExpOverflow) {
			t.Errorf("ExpWad(%s): err = %v, want ErrExpOverflow", x, err)
		}
	}
	var z uint256.Int
	if err := ExpWad(&z, &MinInt256); err != nil || !z.IsZero() {
		t.Errorf("ExpWad(min) = %s, %v; want 0", z.Dec(), err)
	}
}

// TestLnWadVectors is solady's testLnWad, testLnWadSmall and testLnWadBig.
func TestLnWadVectors(t *testing.T) {
	tests := []struct{ x, want string }{
		{"1000000000000000000", "0"},
		{"2000000000000000000", "693147180559945309"},
		{"10000000000000000000", "2302585092994045683"},
		{"2718281828459045235", "999999999999999999"},
		{"11723640096265400935", "2461607324344817918"},
		{"1", "-41446531673892822313"},
		{"42", "-37708862055609454007"},
		{"10000", "-32236191301916639577"},
		{"1000000000", "-20723265836946411157"},
		{"57896044618658097711785492504343953926634992332820282019728792003956564819967", "135305999368893231589"},
		{"1496577676626844588240573268701473812127674924007424", "76388489021297880288"}, // 2^170
		{"340282366920938463463374607431768211456", "47276307437780177293"},              // 2^128
	}
	for _, tt := range tests {
		var z uint256.Int
		if err := LnWad(&z, u256(tt.x)); err != nil {
			t.Errorf("LnWad(%s): %v", tt.x, err)
			continue
		}
		if got := FormatDecimalInt(&z, 0); got != tt.want {
			t.Errorf("LnWad(%s) = %s, want %s", tt.x, got, tt.want)
		}
	}
	for _, x := range []string{"0", "-1", "-1000000000000000000"} {
		var z uint256.Int
		if err := LnWad(&z, u256(x)); !errors.Is(err, ErrLnWadUndefined) {
			t.Errorf("LnWad(%s): err = %v, want ErrLnWadUndefined", x, err)
		}
	}
}

// TestExpWadMonotone sweeps the domain in coarse steps: solady documents
// expWad as monotonically increasing.
func TestExpWadMonotone(t *testing.T) {
	var prev, z, x uint256.Int
	step := u256("9876543210987654")
	x.Set(u256("-41446531673892822313"))
	for x.Slt(u256("135305999368893231589")) {
		if err := ExpWad(&z, &x); err != nil {
			t.Fatalf("ExpWad(%s): %v", FormatDecimalInt(&x, 0), err)
		}
		if z.Lt(&prev) {
			t.Fatalf("ExpWad not monotone at %s", FormatDecimalInt(&x, 0))
		}
		prev = z
		x.Add(&x, step)
	}
}
