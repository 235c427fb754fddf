package market

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestWorldGolden pins the first points and the last point of every path
// of testConfig for the seed (1, 1), so that a change to any process, to
// the stream derivation or to the order of draws is caught.
//
// Do NOT update the golden file to make this test pass unless the change of
// every run's market path is intended (it breaks the reproduction of
// earlier results by seed); say so in the change. Values are printed
// exactly (strconv 'g', -1); platforms that fuse multiply-adds (arm64,
// ppc64le, s390x) may differ in the last bits.
func TestWorldGolden(t *testing.T) {
	w := mustWorld(t, testConfig())
	w.Generate(rand.New(rand.NewPCG(1, 1)))
	var b bytes.Buffer
	line := func(name string, path []float64) {
		for _, i := range []int{0, 1, 2, 3, len(path) - 1} {
			fmt.Fprintf(&b, "%s %d %s\n", name, i, strconv.FormatFloat(path[i], 'g', -1, 64))
		}
	}
	for j := 0; j < w.NumFeeds(); j++ {
		line(w.FeedName(j), w.Path(j))
	}
	line("gas", w.GasPath())
	path := filepath.Join("testdata", "world_golden.txt")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("paths differ from %s:\n got:\n%s\nwant:\n%s", path, b.Bytes(), want)
	}
}
