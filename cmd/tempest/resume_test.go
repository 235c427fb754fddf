package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tempest-risk/tempest/sim"
)

// resumeRuns is the batch size of the resume tests: a couple of seconds of
// the baseline over 10 days on two workers, so a batch is caught mid-way.
const resumeRuns = 200

// batchArgs are the arguments of the resume tests' batch into out.
func batchArgs(out string, more ...string) []string {
	return append([]string{"run", "../../configs/baseline.toml", "--runs", fmt.Sprint(resumeRuns), "--seed", "9",
		"--set", "horizon=10d", "--out", out, "--quiet"}, more...)
}

// startBatch starts `tempest run` on the baseline into out and waits until
// its journal holds at least 10 runs.
func startBatch(t *testing.T, bin, out string, stderr *bytes.Buffer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, batchArgs(out, "--workers", "2")...)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if info, err := sim.ReadJournal(out); err == nil && info.Recorded >= 10 {
			return cmd
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("no runs recorded in %s after 60 s; stderr:\n%s", out, stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// interruptedJournal checks that out holds the journal of a batch stopped
// mid-way and none of the batch's files, and returns the runs recorded.
func interruptedJournal(t *testing.T, out string) int {
	t.Helper()
	info, err := sim.ReadJournal(out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Recorded >= resumeRuns {
		t.Fatalf("the batch completed its %d runs before it was stopped: raise resumeRuns", info.Recorded)
	}
	for _, f := range []string{"runs.csv", "quantiles.csv", "paths.csv", "sketches.bin", "manifest.json", "report.md"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("the stopped batch left %s", f)
		}
	}
	t.Logf("stopped with %d of %d runs recorded", info.Recorded, resumeRuns)
	return info.Recorded
}

// resume runs `tempest run --resume` into out and checks that it took the
// recorded runs from the journal and left no journal or temporary file.
func resume(t *testing.T, bin, out string, recorded int) {
	t.Helper()
	cmd := exec.Command(bin, batchArgs(out, "--workers", "3", "--resume")...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("resume: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if want := fmt.Sprintf("%d runs (0 failed)", resumeRuns); !strings.Contains(stdout.String(), want) {
		t.Errorf("resume stdout lacks %q:\n%s", want, stdout.String())
	}
	if want := fmt.Sprintf(", %d of them recorded by the interrupted batch", recorded); !strings.Contains(stdout.String(), want) {
		t.Errorf("resume stdout lacks %q:\n%s", want, stdout.String())
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() == sim.JournalFile || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("%s left after the batch completed", e.Name())
		}
	}
}

// sameBatch compares the files of two batches, the manifest apart from
// its timing.
func sameBatch(t *testing.T, want, got string) {
	t.Helper()
	for _, f := range []string{"runs.csv", "quantiles.csv", "paths.csv", "sketches.bin", "report.md", "report.html", "risk_figures.csv"} {
		a, _ := os.ReadFile(filepath.Join(want, f))
		b, _ := os.ReadFile(filepath.Join(got, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: the resumed batch differs from the batch run at once (%d vs %d bytes)", f, len(b), len(a))
		}
	}
	a, _ := json.Marshal(manifestWithoutTiming(t, want))
	b, _ := json.Marshal(manifestWithoutTiming(t, got))
	if !bytes.Equal(a, b) {
		t.Errorf("manifests differ apart from timing:\n%s\n%s", a, b)
	}
}

// TestResumeInterruptedBatch stops a batch with SIGKILL, then another with
// SIGINT, and resumes each with another worker count: the files are
// byte for byte those of the batch run at once. A resume with another
// seed, run count or scenario is refused.
func TestResumeInterruptedBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs batches in separate processes")
	}
	if raceEnabled {
		t.Skip("drives separately built processes, which the race detector does not reach")
	}
	bin := buildTempest(t)
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref")
	if out, err := exec.Command(bin, batchArgs(ref, "--workers", "2")...).CombinedOutput(); err != nil {
		t.Fatalf("reference batch: %v\n%s", err, out)
	}

	t.Run("SIGKILL", func(t *testing.T) {
		out := filepath.Join(dir, "killed")
		var stderr bytes.Buffer
		cmd := startBatch(t, bin, out, &stderr)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		recorded := interruptedJournal(t, out)
		// The kill may cut a record short; make sure of one.
		f, err := os.OpenFile(filepath.Join(out, sim.JournalFile), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		torn := binary.LittleEndian.AppendUint32(nil, 40000)
		if _, err := f.Write(append(torn, "a record cut short"...)); err != nil {
			t.Fatal(err)
		}
		f.Close()
		resume(t, bin, out, recorded)
		sameBatch(t, ref, out)
	})

	t.Run("SIGINT", func(t *testing.T) {
		out := filepath.Join(dir, "interrupted")
		var stderr bytes.Buffer
		cmd := startBatch(t, bin, out, &stderr)
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 130 {
			t.Errorf("exit status %d after an interrupt, want 130; stderr:\n%s", code, stderr.String())
		}
		want := fmt.Sprintf("tempest run ../../configs/baseline.toml --runs %d --seed 9 --set horizon=10d --out %s --resume", resumeRuns, out)
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not say how to resume (%q):\n%s", want, stderr.String())
		}
		recorded := interruptedJournal(t, out)
		if !strings.Contains(stderr.String(), fmt.Sprintf("interrupted: %d of %d runs are recorded", recorded, resumeRuns)) {
			t.Errorf("stderr does not count the %d runs recorded:\n%s", recorded, stderr.String())
		}
		ents, _ := os.ReadDir(out)
		if len(ents) != 1 {
			t.Errorf("the interrupted batch left %v, want only %s", ents, sim.JournalFile)
		}

		// Another batch's command is refused, and the journal kept.
		for _, tt := range []struct {
			args []string
			want string
		}{
			{[]string{"--seed", "10"}, "seed 9, this one 10"},
			{[]string{"--runs", "201"}, fmt.Sprintf("run count %d, this one 201", resumeRuns)},
			{[]string{"--set", "backstop.reserve=2000000"}, "config hash"},
		} {
			c := exec.Command(bin, batchArgs(out, append(tt.args, "--resume")...)...) // later flags win
			var se bytes.Buffer
			c.Stderr = &se
			c.Run()
			if code := c.ProcessState.ExitCode(); code != 2 || !strings.Contains(se.String(), tt.want) ||
				!strings.Contains(se.String(), filepath.Join(out, sim.JournalFile)) || !strings.Contains(se.String(), "hint: ") {
				t.Errorf("resume with %v: exit %d, stderr:\n%s\nwant exit 2 naming the journal and %q, with a hint", tt.args, code, se.String(), tt.want)
			}
		}
		resume(t, bin, out, recorded)
		sameBatch(t, ref, out)
	})
}
