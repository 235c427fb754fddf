// Package sweep runs parameter sweeps and tunes a parameter against a risk
// budget.
//
// A sweep runs the base scenario at every point of a grid, a zip or a Latin
// hypercube over scenario keys (dotted paths, validated against the schema
// before anything runs). Every point runs the same run indices with the
// same seeds, so run i sees the same market path at every point (common
// random numbers) and differences between points are paired: their
// intervals are much narrower than those of two independent batches.
//
// A tune searches one parameter, assumed monotone in risk, for the value
// nearest the risky end that still meets a risk budget with 95%
// confidence: every constraint's interval must lie on the right side of its
// threshold. Bisection adds runs at a point whose interval straddles a
// threshold before deciding. As a probe may be judged after each doubling
// of its runs, each look is judged at 1 − 0.05/L for L looks
// (Bonferroni), so that its verdict holds at 95% whichever look it stops
// at.
package sweep
