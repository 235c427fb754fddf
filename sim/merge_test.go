package sim

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestMergeRefusesOwnInput: Merge refuses an output directory that is one
// of its inputs, however it is spelled, before reading anything.
func TestMergeRefusesOwnInput(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(wd, b)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Merge([]string{a, rel}, b+"/./")
	var me *MergeError
	if !errors.As(err, &me) || me.Hint == "" {
		t.Fatalf("err %v, want a MergeError with a hint", err)
	}
}

// TestMergeNotABatch: a directory without a manifest is refused with a
// hint, not reported as an I/O failure.
func TestMergeNotABatch(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Join(dir, "missing")} {
		_, err := Merge([]string{d}, filepath.Join(dir, "all"))
		var me *MergeError
		if !errors.As(err, &me) || me.Hint == "" {
			t.Errorf("%s: err %v, want a MergeError with a hint", d, err)
		}
	}
}
