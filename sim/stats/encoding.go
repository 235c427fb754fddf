package stats

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
)

// ErrCorrupt is returned (wrapped, with the reason) by the UnmarshalBinary
// and MergeBinary methods when the input is truncated, corrupted, of an
// unknown format or version, or not in the canonical form MarshalBinary
// writes.
var ErrCorrupt = errors.New("stats: corrupt encoding")

// Format constants; the formats are described in the package
// documentation.
const (
	formatVersion = 1
	sumMagic      = "tS"
	sketchMagic   = "tK"
	tableMagic    = "tT"
)

const flagNegative = 1 << 3

// MarshalBinary encodes the exact total in the canonical format described
// in the package documentation: sums of the same values marshal to the same
// bytes whatever the order they were added in. It never fails.
func (s *Sum) MarshalBinary() ([]byte, error) {
	b := append([]byte(sumMagic), formatVersion)
	return s.appendBody(b), nil
}

// UnmarshalBinary sets s to the sum encoded in data by MarshalBinary. On
// error (wrapping ErrCorrupt) s is unchanged.
func (s *Sum) UnmarshalBinary(data []byte) error {
	d := decoder{b: data}
	d.header(sumMagic)
	var t Sum
	d.sum(&t)
	if err := d.finish(); err != nil {
		return err
	}
	*s = t
	return nil
}

func (s *Sum) appendBody(b []byte) []byte {
	var acc wide
	acc.sum(s)
	flags := s.special
	if acc.neg() {
		flags |= flagNegative
		acc.negate()
	}
	b = append(b, flags)
	n := acc.byteLen()
	b = binary.AppendUvarint(b, uint64(n))
	return acc.appendBytes(b, n)
}

// wide is a two's complement integer of wideLimbs 64-bit limbs, least
// significant first: wide enough for a Sum's exact total in units of
// 2^-1074 (partials below 2^1024, carries of 2^1023 counted in an int64:
// under 2^2162 in magnitude). It spares encoding the allocations of
// math/big.
type wide [wideLimbs]uint64

const wideLimbs = 35

// sum sets w to the exact total of s (as Sum.exact does).
func (w *wide) sum(s *Sum) {
	*w = wide{}
	for _, p := range s.partials {
		mant, shift := scaledParts(p)
		w.addShifted(mant, shift, p < 0)
	}
	if s.over != 0 {
		o := uint64(s.over)
		if s.over < 0 {
			o = -o
		}
		w.addShifted(o, carryShift, s.over < 0)
	}
}

// addShifted adds v·2^shift to w, or subtracts it if neg.
func (w *wide) addShifted(v uint64, shift uint, neg bool) {
	k, off := shift/64, shift%64
	lo, hi := v<<off, uint64(0)
	if off > 0 {
		hi = v >> (64 - off)
	}
	var c uint64
	if !neg {
		w[k], c = bits.Add64(w[k], lo, 0)
		w[k+1], c = bits.Add64(w[k+1], hi, c)
		for i := k + 2; c != 0 && i < wideLimbs; i++ {
			w[i], c = bits.Add64(w[i], 0, c)
		}
		return
	}
	w[k], c = bits.Sub64(w[k], lo, 0)
	w[k+1], c = bits.Sub64(w[k+1], hi, c)
	for i := k + 2; c != 0 && i < wideLimbs; i++ {
		w[i], c = bits.Sub64(w[i], 0, c)
	}
}

func (w *wide) neg() bool { return w[wideLimbs-1]>>63 != 0 }

func (w *wide) negate() {
	var c uint64 = 1
	for i := range w {
		w[i], c = bits.Add64(^w[i], 0, c)
	}
}

// byteLen returns the length of w's big-endian magnitude without leading
// zero bytes (w ≥ 0).
func (w *wide) byteLen() int {
	for i := wideLimbs - 1; i >= 0; i-- {
		if w[i] != 0 {
			return i*8 + (bits.Len64(w[i])+7)/8
		}
	}
	return 0
}

// appendBytes appends the n low bytes of w, big-endian.
func (w *wide) appendBytes(b []byte, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(w[i/8]>>(8*(i%8))))
	}
	return b
}

// MarshalBinary encodes the sketch in the canonical format described in the
// package documentation: sketches of the same multiset of values (with the
// same parameters) marshal to the same bytes however they were built. It
// fails only if s was not made by NewSketch or UnmarshalBinary.
func (s *Sketch) MarshalBinary() ([]byte, error) {
	if s.logGamma == 0 {
		return nil, errors.New("stats: Sketch.MarshalBinary: sketch not made by NewSketch")
	}
	b := append([]byte(sketchMagic), formatVersion)
	b = appendParams(b, s.alpha, s.maxBuckets)
	return s.appendBody(b), nil
}

// UnmarshalBinary sets s to the sketch encoded in data by MarshalBinary,
// parameters included. On error (wrapping ErrCorrupt) s is unchanged.
func (s *Sketch) UnmarshalBinary(data []byte) error {
	d := decoder{b: data}
	d.header(sketchMagic)
	alpha, maxB := d.params()
	if d.err != nil {
		return d.err
	}
	var t Sketch
	t.init(alpha, maxB)
	d.sketch(&t)
	if err := d.finish(); err != nil {
		return err
	}
	*s = t
	return nil
}

func appendParams(b []byte, alpha float64, maxB int) []byte {
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(alpha))
	return binary.AppendUvarint(b, uint64(maxB))
}

func (s *Sketch) appendBody(b []byte) []byte {
	b = binary.AppendUvarint(b, s.count)
	if s.count > 0 {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.min))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.max))
	}
	b = binary.AppendUvarint(b, s.zeros)
	b = s.sum.appendBody(b)
	b = s.neg.appendTo(b)
	return s.pos.appendTo(b)
}

func (st *store) appendTo(b []byte) []byte {
	if st.total == 0 {
		return binary.AppendUvarint(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(st.hi-st.lo+1))
	b = binary.AppendVarint(b, int64(st.lo))
	for k := st.lo - st.offset; k <= st.hi-st.offset; k++ {
		b = binary.AppendUvarint(b, st.get(k))
	}
	return b
}

// decoder reads an encoding, keeping the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
	}
}

// finish returns the first error, or an error if bytes are left over.
func (d *decoder) finish() error {
	if d.err == nil && len(d.b) > 0 {
		d.fail("%d trailing bytes", len(d.b))
	}
	return d.err
}

func (d *decoder) header(magic string) {
	if len(d.b) < len(magic)+1 || string(d.b[:len(magic)]) != magic {
		d.fail("not a %q encoding", magic)
		return
	}
	if v := d.b[len(magic)]; v != formatVersion {
		d.fail("unsupported version %d", v)
		return
	}
	d.b = d.b[len(magic)+1:]
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 1 {
		d.fail("truncated")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("truncated")
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong varint")
		return 0
	}
	if n != len(binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64), v)) {
		d.fail("non-minimal varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong varint")
		return 0
	}
	if n != len(binary.AppendVarint(make([]byte, 0, binary.MaxVarintLen64), v)) {
		d.fail("non-minimal varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) float64() float64 {
	p := d.bytes(8)
	if p == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(p))
}

// params reads and checks alpha and maxBuckets.
func (d *decoder) params() (float64, int) {
	alpha := d.float64()
	maxB := d.uvarint()
	if d.err != nil {
		return 0, 0
	}
	if maxB > MaxMaxBuckets {
		d.fail("maxBuckets %d too large", maxB)
		return 0, 0
	}
	if why := checkParams(alpha, int(maxB)); why != "" {
		d.fail("%s", why)
		return 0, 0
	}
	return alpha, int(maxB)
}

// sum reads a sum body into s.
func (d *decoder) sum(s *Sum) {
	flags := d.byte()
	mag := d.bytes(d.uvarint())
	if d.err != nil {
		return
	}
	switch {
	case flags&^(specialNaN|specialPosInf|specialNegInf|flagNegative) != 0:
		d.fail("unknown sum flags %#x", flags)
		return
	case len(mag) > 0 && mag[0] == 0:
		d.fail("sum magnitude has a leading zero byte")
		return
	case len(mag) == 0 && flags&flagNegative != 0:
		d.fail("negative zero sum")
		return
	case len(mag) > (carryShift+64)/8+1:
		d.fail("sum magnitude too large")
		return
	}
	m := new(big.Int).SetBytes(mag)
	if flags&flagNegative != 0 {
		m.Neg(m)
	}
	if !s.setExact(m) {
		d.fail("sum magnitude too large")
		return
	}
	s.special = flags &^ flagNegative
}

// sketch reads a sketch body into s, whose parameters are set.
func (d *decoder) sketch(s *Sketch) {
	s.count = d.uvarint()
	if s.count > 0 {
		s.min, s.max = d.float64(), d.float64()
	}
	s.zeros = d.uvarint()
	d.sum(&s.sum)
	d.store(&s.neg, s)
	d.store(&s.pos, s)
	if d.err != nil {
		return
	}
	total := s.zeros
	for _, t := range []uint64{s.neg.total, s.pos.total} {
		if total+t < total {
			d.fail("counts overflow")
			return
		}
		total += t
	}
	if total != s.count {
		d.fail("count %d does not match the buckets (%d)", s.count, total)
		return
	}
	if s.sum.special != 0 {
		d.fail("non-finite sum in a sketch")
		return
	}
	if s.count == 0 {
		if len(s.sum.partials) != 0 || s.sum.over != 0 {
			d.fail("empty sketch with a nonzero sum")
		}
		return
	}
	lo, hi := s.min, s.max
	switch {
	case math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0):
		d.fail("non-finite min or max")
	case math.Signbit(lo) && lo == 0, math.Signbit(hi) && hi == 0:
		d.fail("negative zero min or max")
	case lo > hi:
		d.fail("min > max")
	case (s.neg.total > 0) != (lo < 0),
		(s.pos.total > 0) != (hi > 0),
		s.zeros > 0 && !(lo <= 0 && hi >= 0),
		s.zeros == 0 && s.neg.total == 0 && lo == 0,
		s.zeros == 0 && s.pos.total == 0 && hi == 0:
		d.fail("min or max inconsistent with the buckets")
	case !sumWithin(&s.sum, s.count, lo, hi):
		d.fail("sum outside [count·min, count·max]")
	}
}

// sumWithin reports whether count·lo <= total of s <= count·hi, exactly.
func sumWithin(s *Sum, count uint64, lo, hi float64) bool {
	m := s.exact()
	n := new(big.Int).SetUint64(count)
	bound := func(x float64) *big.Int {
		mant, shift := scaledParts(x)
		b := new(big.Int).SetUint64(mant)
		b.Lsh(b, shift)
		if x < 0 {
			b.Neg(b)
		}
		return b.Mul(b, n)
	}
	return bound(lo).Cmp(m) <= 0 && m.Cmp(bound(hi)) <= 0
}

// store reads a store of sketch s.
func (d *decoder) store(st *store, s *Sketch) {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return
	}
	if n > uint64(s.maxBuckets) || n > uint64(len(d.b)) {
		d.fail("store of %d buckets", n)
		return
	}
	lo := d.varint()
	// Every index lies between those of the smallest and largest positive
	// float64 (a collapsed index lies above a real one).
	minIdx, maxIdx := int64(s.index(math.SmallestNonzeroFloat64)), int64(s.index(math.MaxFloat64))
	if d.err != nil {
		return
	}
	if lo < minIdx || lo > maxIdx || lo+int64(n)-1 > maxIdx {
		d.fail("bucket index out of range")
		return
	}
	st.counts = make([]uint8, n)
	st.offset, st.lo, st.hi = int(lo), int(lo), int(lo)+int(n)-1
	for k := range int(n) {
		c := d.uvarint()
		if st.total+c < st.total || c > 1<<32-1 {
			d.fail("counts overflow")
			return
		}
		st.put(k, c)
		st.total += c
	}
	if d.err != nil {
		return
	}
	if st.get(0) == 0 || st.get(int(n)-1) == 0 {
		d.fail("store has a zero bucket at an end")
	}
}
