// Command tempest runs Monte Carlo stress tests of DeFi stablecoin and
// lending protocols from TOML scenarios. See `tempest --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
)

func main() {
	// TEMPEST_CPUPROFILE=file writes a CPU profile of the whole command
	// (go tool pprof tempest file).
	if path := os.Getenv("TEMPEST_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	pprof.StopCPUProfile()
	os.Exit(exitCode(err))
}
