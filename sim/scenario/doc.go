// Package scenario is the schema of a Tempest scenario file (TOML), its
// strict decoding and its validation.
//
// Decoding is strict: a syntax error reports file:line:col with the source
// line; a key the schema does not know fails naming it; validation returns
// every bad field at once, each with its dotted path (profiles.gold.haircut),
// the file line where the key is written, the reason and a hint. Fixed-point
// protocol values (Decimal) are converted exactly: a quoted decimal string
// as written, and an unquoted number if it has at most 15 significant
// digits, which a float64 keeps; durations are strings with a unit ("10m",
// "30d").
package scenario
