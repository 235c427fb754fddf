package sim

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestWorkersByteIdentical: the same master seed gives byte-identical
// runs.csv, quantiles.csv and paths.csv with 1 and 3 workers.
func TestWorkersByteIdentical(t *testing.T) {
	c := loadCompiled(t, "../configs/baseline.toml")
	dirs := []string{t.TempDir(), t.TempDir()}
	for k, w := range []int{1, 3} {
		if _, err := RunBatch(context.Background(), c, Options{Runs: 12, Seed: 7, Workers: w, Out: dirs[k]}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{RunsFile, QuantilesFile, PathsFile} {
		a, err := os.ReadFile(filepath.Join(dirs[0], f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dirs[1], f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 3 workers", f)
		}
	}
}
