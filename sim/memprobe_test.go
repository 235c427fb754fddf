package sim

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
)

func TestMemProbe(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PROBE_RUNS"))
	if n == 0 {
		t.Skip()
	}
	c := loadCompiled(t, "../configs/baseline.toml")
	var peak uint64
	done := make(chan bool)
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			default:
			}
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			runtime.Gosched()
		}
	}()
	_, err := RunBatch(context.Background(), c, Options{Runs: n, Seed: 1, Workers: 2, Out: t.TempDir()})
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	t.Logf("runs %d: heap in use after GC %.1f MB, peak heap in use %.1f MB, GC cycles %d", n, float64(m.HeapInuse)/1e6, float64(peak)/1e6, m.NumGC)
}
