package sim

import (
	"context"
	"os"
	"strconv"
	"testing"
)

func TestZZProfBatch(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	c := loadCompiled(t, "../configs/bench/cdp-gbm.toml")
	w, _ := strconv.Atoi(os.Getenv("ZZW"))
	_, err := RunBatch(context.Background(), c, Options{Runs: 2000, Seed: 1, Workers: w, Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
}
