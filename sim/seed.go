package sim

import "math/rand/v2"

// splitmix64 is the SplitMix64 finaliser: a bijective mix of a 64-bit word.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// RunSeed derives run i's seed from the master seed:
// splitmix64(master ⊕ splitmix64(i)).
func RunSeed(master uint64, i int) uint64 {
	return splitmix64(master ^ splitmix64(uint64(i)))
}

// Stream labels: each purpose has its own independent stream per run.
const (
	streamMarket     = 1
	streamPopulation = 2
	streamOrder      = 3
	streamAgent      = 1 << 32 // + agent index
)

// stream returns the PCG stream of purpose label in the run with seed.
func stream(seed, label uint64) *rand.Rand {
	return rand.New(rand.NewPCG(splitmix64(seed^splitmix64(label)), splitmix64(seed+label*0x632be59bd9b4e019)))
}
