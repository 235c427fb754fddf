package sim

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestWorkersByteIdentical: the same master seed gives byte-identical
// runs.csv, quantiles.csv, paths.csv and sketches.bin with 1, 3 and 4
// workers (more workers than cores: completion order varies).
func TestWorkersByteIdentical(t *testing.T) {
	c := loadCompiled(t, "../configs/baseline.toml")
	workers := []int{1, 3, 4}
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	for k, w := range workers {
		if _, err := RunBatch(context.Background(), c, Options{Runs: 12, Seed: 7, Workers: w, Out: dirs[k]}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{RunsFile, QuantilesFile, PathsFile, SketchesFile} {
		a, err := os.ReadFile(filepath.Join(dirs[0], f))
		if err != nil {
			t.Fatal(err)
		}
		for k := 1; k < len(dirs); k++ {
			b, err := os.ReadFile(filepath.Join(dirs[k], f))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs between 1 and %d workers", f, workers[k])
			}
		}
	}
}
