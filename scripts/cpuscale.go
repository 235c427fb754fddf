//go:build ignore

// Cpuscale measures how much throughput a second goroutine adds on this
// machine, the ceiling for any 2-worker speed-up measured at the same time,
// for three kinds of work that share nothing between goroutines: pure
// arithmetic (a dependency chain in registers, no memory traffic),
// arithmetic that fills the core's units (independent chains) and
// memory-bound work (random reads and writes in a private 8 MiB array per
// goroutine, which the two cores' shared cache and memory bandwidth can
// slow, as they can a simulation's). It alternates 1 and 2 goroutines,
// -pairs times, and prints the median ratios. Run by scripts/bench-peer.sh:
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

// wide does n steps of eight independent generators: work that fills the
// core's arithmetic units rather than waiting on one result, as the
// simulation's 256-bit arithmetic does, so it slows when another thread
// shares the core's units (a hypervisor placing another guest's thread on
// the core's sibling), which spin, a chain of dependent steps, barely
// notices.
func wide(n int) uint64 {
	var a, b, c, d, e, f, g, h uint64 = 1, 2, 3, 4, 5, 6, 7, 8
	for range n {
		a = a*6364136223846793005 + 1
		b = b*6364136223846793005 + 3
		c = c*6364136223846793005 + 5
		d = d*6364136223846793005 + 7
		e = e*6364136223846793005 + 9
		f = f*6364136223846793005 + 11
		g = g*6364136223846793005 + 13
		h = h*6364136223846793005 + 15
	}
	return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h
}

// walk does n random read-modify-writes in its own array of 1<<20 words
// (8 MiB), at indices drawn from the same generator.
func walk(n int) uint64 {
	a := make([]uint64, 1<<20)
	x := uint64(1)
	for range n {
		x = x*6364136223846793005 + 1442695040888963407
		i := (x >> 33) & (1<<20 - 1)
		a[i] += x
		x ^= a[(i*7)&(1<<20-1)] >> 13
	}
	return x
}

// timed runs f(n) on g goroutines at once and returns the wall time.
func timed(f func(int) uint64, g, n int) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := f(n)
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
	steps := flag.Int("steps", 400_000_000, "arithmetic loop steps per goroutine")
	msteps := flag.Int("memsteps", 40_000_000, "memory loop steps per goroutine")
	flag.Parse()
	for _, w := range []struct {
		what string
		f    func(int) uint64
		n    int
	}{{"a pure arithmetic loop", spin, *steps}, {"a throughput-bound arithmetic loop (8 independent chains)", wide, *steps / 4},
		{"a memory-bound loop (8 MiB each)", walk, *msteps}} {
		var ratios []float64
		for range *pairs {
			one := timed(w.f, 1, w.n)
			two := timed(w.f, 2, w.n)
			ratios = append(ratios, 2*one.Seconds()/two.Seconds()) // twice the work in two's time
		}
		slices.Sort(ratios)
		fmt.Printf("machine ceiling: %s on 2 goroutines gives %.2fx the throughput of 1 (median of %d pairs; range %.2f-%.2f)\n",
			w.what, ratios[len(ratios)/2], len(ratios), ratios[0], ratios[len(ratios)-1])
	}
}
