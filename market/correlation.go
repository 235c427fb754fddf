package market

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Tolerances for correlation matrices. A matrix counts as positive
// semi-definite if its smallest eigenvalue is at least −psdTol; singular
// matrices (perfectly correlated or linearly dependent assets) are factored
// after adding a jitter of at most jitterMax to the diagonal, and the rows of
// the factor are rescaled to unit length so every asset keeps unit variance.
const (
	symTol    = 1e-12
	psdTol    = 1e-10
	jitterMax = 1e-8
)

// Correlation is the lower-triangular Cholesky factor L of an asset
// correlation matrix C = L·Lᵀ. Applying it to independent standard normals
// e gives standard normals z = L·e with correlation C. Because L is lower
// triangular, asset j's normals depend only on the independent normals of
// assets 0..j. The zero value is not usable; build one with
// [NewCorrelation].
type Correlation struct {
	k int
	l []float64 // row-major k×k, upper triangle zero
}

// NewCorrelation validates the correlation matrix c and factors it.
//
// c must be square, symmetric (within 1e-12), with unit diagonal, entries in
// [−1, 1] and positive semi-definite. A positive definite matrix is factored
// by gonum's mat.Cholesky; a singular but positive semi-definite one (for
// example two assets with correlation 1) is factored after a diagonal jitter
// of at most 1e-8, which changes correlations by about that much. A matrix
// that is not positive semi-definite (smallest eigenvalue below −1e-10) is a
// configuration error wrapping [ErrNotPSD] that reports the eigenvalue.
// Errors are [*FieldError]s with fields such as "correlation[0][1]".
func NewCorrelation(c [][]float64) (Correlation, error) {
	var ch checker
	k := len(c)
	if k == 0 {
		return Correlation{}, fieldErr("correlation", nil, ErrRequired)
	}
	for i, row := range c {
		if len(row) != k {
			ch.add(fmt.Sprintf("correlation[%d]", i), len(row), fmt.Errorf("%w: need %d columns", ErrShape, k))
		}
	}
	if err := ch.err(); err != nil {
		return Correlation{}, err
	}
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			f := fmt.Sprintf("correlation[%d][%d]", i, j)
			v := c[i][j]
			switch {
			case !finite(v):
				ch.add(f, v, ErrNotFinite)
			case i == j && v != 1:
				ch.add(f, v, fmt.Errorf("%w: the diagonal must be 1", ErrOutOfRange))
			case v < -1 || v > 1:
				ch.add(f, v, fmt.Errorf("%w: a correlation must be in [-1,1]", ErrOutOfRange))
			case j > i && math.Abs(v-c[j][i]) > symTol:
				ch.add(f, v, fmt.Errorf("%w: correlation[%d][%d] = %v", ErrNotSymmetric, j, i, c[j][i]))
			}
		}
	}
	if err := ch.err(); err != nil {
		return Correlation{}, err
	}
	sym := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			sym.SetSym(i, j, c[i][j])
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(sym) {
		var eig mat.EigenSym
		if !eig.Factorize(sym, false) {
			return Correlation{}, fieldErr("correlation", nil, fmt.Errorf("%w: eigenvalue decomposition failed", ErrNotPSD))
		}
		minEig := math.Inf(1)
		for _, v := range eig.Values(nil) {
			minEig = math.Min(minEig, v)
		}
		if minEig < -psdTol {
			return Correlation{}, fieldErr("correlation", nil, fmt.Errorf("%w: smallest eigenvalue %.3g", ErrNotPSD, minEig))
		}
		ok := false
		for jitter := 1e-12; jitter <= jitterMax; jitter *= 10 {
			for i := 0; i < k; i++ {
				sym.SetSym(i, i, 1+jitter)
			}
			if chol.Factorize(sym) {
				ok = true
				break
			}
		}
		if !ok {
			return Correlation{}, fieldErr("correlation", nil, fmt.Errorf("%w: singular matrix could not be factored", ErrNotPSD))
		}
	}
	var lt mat.TriDense
	chol.LTo(&lt)
	out := Correlation{k: k, l: make([]float64, k*k)}
	for i := 0; i < k; i++ {
		norm := 0.0
		for j := 0; j <= i; j++ {
			v := lt.At(i, j)
			out.l[i*k+j] = v
			norm += v * v
		}
		norm = math.Sqrt(norm)
		for j := 0; j <= i; j++ {
			out.l[i*k+j] /= norm
		}
	}
	return out, nil
}

// Dim returns the number of assets.
func (c Correlation) Dim() int { return c.k }

// At returns L[i][j].
func (c Correlation) At(i, j int) float64 { return c.l[i*c.k+j] }

// Apply turns independent standard normals into correlated ones in place:
// for every step i, the vector (e[0][i], …, e[k−1][i]) becomes L times
// itself. It allocates nothing. It panics if len(e) != Dim() or the rows of
// e differ in length.
func (c Correlation) Apply(e [][]float64) {
	if len(e) != c.k {
		panic("market: correlation dimension mismatch")
	}
	if c.k == 0 {
		return
	}
	n := len(e[0])
	for _, row := range e {
		if len(row) != n {
			panic("market: correlated rows differ in length")
		}
	}
	for i := 0; i < n; i++ {
		// Row j of L·e uses e[0..j]; going from the last asset down leaves
		// every e[m] with m < j unchanged until row m is computed.
		for j := c.k - 1; j >= 0; j-- {
			lj := c.l[j*c.k : j*c.k+j+1]
			s := 0.0
			for m, v := range lj {
				s += v * e[m][i]
			}
			e[j][i] = s
		}
	}
}
