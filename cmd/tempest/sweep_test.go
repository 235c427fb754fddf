package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweepCommand: the shipped sweep and tune files load and expand, and
// mistakes exit 2 naming the file, line and key.
func TestSweepCommand(t *testing.T) {
	out, errs, code := runCLI(t, "sweep", "../../configs/sweeps/haircut.toml", "--dry-run")
	if code != 0 || !strings.Contains(out, "7 points (grid)") || !strings.Contains(out, "profiles.gold.haircut = 0.3") {
		t.Errorf("haircut dry run: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = runCLI(t, "sweep", "../../configs/sweeps/haircut-x-ceiling.toml", "--dry-run")
	if code != 0 || !strings.Contains(out, "12 points (grid)") {
		t.Errorf("haircut-x-ceiling dry run: exit %d\n%s%s", code, out, errs)
	}
	if _, errs, code = runCLI(t, "sweep", "../../configs/tune/gold-haircut.toml"); code != 2 || !strings.Contains(errs, "tempest tune") {
		t.Errorf("sweep of a tune file: exit %d, %s", code, errs)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	src := "base = \"" + mustAbs(t, "../../configs/baseline.toml") + "\"\nbudget = [\"P(peak_deficit > 0) <= 0.01\"]\n" +
		"[[axes]]\nkey = \"profiles.gold.haircut\"\nvalues = [\"0.1\", \"abc\"]\n"
	if err := os.WriteFile(bad, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code = runCLI(t, "sweep", bad, "--out", filepath.Join(dir, "out"))
	if code != 2 || !strings.Contains(errs, bad+":4: ") || !strings.Contains(errs, "abc") {
		t.Errorf("bad value: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("a bad sweep wrote its output directory")
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
