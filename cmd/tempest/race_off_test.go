//go:build !race

package main

// raceEnabled reports whether the race detector is on: tests that only
// drive separately built processes skip then, since the detector does not
// reach into those.
const raceEnabled = false
