// Command tempest runs Monte Carlo stress tests of DeFi stablecoin and
// lending protocols from TOML scenarios. See `tempest --help`.
package main

import (
	"context"
	"errors"
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
	go func() {
		<-ctx.Done()
		stop() // a second interrupt ends the process at once
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	pprof.StopCPUProfile()
	// TEMPEST_MEMPROFILE=file writes the heap profile at the end of the
	// command (go tool pprof -sample_index=inuse_space tempest file).
	if path := os.Getenv("TEMPEST_MEMPROFILE"); path != "" {
		if f, ferr := os.Create(path); ferr == nil {
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	os.Exit(exitStatus(err))
}

// errInterrupted marks a command stopped by an interrupt (Ctrl-C).
var errInterrupted = errors.New("interrupted")

// exitStatus is the process's exit status for the error of run: 130 for
// an interrupt, as a shell reports a process ended by SIGINT, else
// exitCode's.
func exitStatus(err error) int {
	if errors.Is(err, errInterrupted) {
		return 130
	}
	return exitCode(err)
}
