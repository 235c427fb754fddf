//go:build ignore

// Cpuscale measures how much throughput a second goroutine adds on this
// machine for pure arithmetic (no memory traffic, nothing shared): the
// ceiling for any 2-worker speed-up measured at the same time. It
// alternates 1 and 2 goroutines, -pairs times, and prints the median
// ratio. Run by scripts/bench-peer.sh:
//
//	go run scripts/cpuscale.go -pairs 5
package main

import (
	"flag"
	"fmt"
	"slices"
	"sync"
	"time"
)

var sink uint64

// spin does n steps of a 64-bit linear congruential generator with an
// xorshift, which the compiler cannot fold away.
func spin(n int) uint64 {
	x := uint64(1)
	for range n {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 13
	}
	return x
}

// timed runs spin(n) on g goroutines at once and returns the wall time.
func timed(g, n int) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := spin(n)
			mu.Lock()
			sink ^= x
			mu.Unlock()
		}()
	}
	wg.Wait()
	return time.Since(start)
}

func main() {
	pairs := flag.Int("pairs", 5, "alternating 1- and 2-goroutine measurements")
	steps := flag.Int("steps", 400_000_000, "loop steps per goroutine")
	flag.Parse()
	var ratios []float64
	for range *pairs {
		one := timed(1, *steps)
		two := timed(2, *steps)
		ratios = append(ratios, 2*one.Seconds()/two.Seconds()) // twice the work in two's time
	}
	slices.Sort(ratios)
	fmt.Printf("machine ceiling: a pure arithmetic loop on 2 goroutines gives %.2fx the throughput of 1 (median of %d pairs; range %.2f-%.2f)\n",
		ratios[len(ratios)/2], len(ratios), ratios[0], ratios[len(ratios)-1])
}
