package reports

import (
	"bytes"
	"context"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chromiumFlags keep headless Chromium offline and free of first-run
// work; --user-data-dir is added per call.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"}

func chromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args = append(append(cloneStrings(chromiumFlags), "--user-data-dir="+t.TempDir()), args...)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

func cloneStrings(s []string) []string { return append([]string(nil), s...) }

var checkMeta = regexp.MustCompile(`<meta name="tempest-check" content="([^"]*)">`)

// TestBrowser loads report.html in headless Chromium. The page's own
// check script (see checkScript) records on load whether every figure and
// image has a size and whether any error was raised; the test reads that
// record from the dumped DOM. A copy with one figure's image broken must
// fail the same check, so the check is known to bite. It also saves a
// screenshot, to TEMPEST_SCREENSHOT if set, for a person to look at.
//
// It runs only with TEMPEST_BROWSER=1 (make test-browser) and skips when
// chromium is not installed.
func TestBrowser(t *testing.T) {
	if os.Getenv("TEMPEST_BROWSER") == "" {
		t.Skip("set TEMPEST_BROWSER=1 to run (make test-browser)")
	}
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed")
	}
	out := t.TempDir()
	b := loadFixture(t)
	r, err := Build(b, fixture, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Write(out); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(out, HTMLFile)
	pageURL := (&url.URL{Scheme: "file", Path: page}).String()

	dom := chromium(t, bin, "--virtual-time-budget=5000", "--dump-dom", pageURL)
	m := checkMeta.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("no tempest-check marker in the DOM: the check script did not run\n%.2000s", dom)
	}
	images := 0
	for _, c := range r.Charts {
		if c.Plot != nil {
			images++
		}
	}
	want := "ok " + strconv.Itoa(len(r.Charts)) + " figures, " + strconv.Itoa(images) + " images"
	if got := string(m[1]); got != want {
		t.Errorf("check: %q, want %q", got, want)
	}

	// Negative control: break the first image.
	broken := bytes.Replace(r.HTML, []byte("data:image/svg+xml;base64,"), []byte("data:image/svg+xml;base64,AAAA"), 1)
	bad := filepath.Join(out, "broken.html")
	if err := os.WriteFile(bad, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	dom = chromium(t, bin, "--virtual-time-budget=5000", "--dump-dom", (&url.URL{Scheme: "file", Path: bad}).String())
	if m := checkMeta.FindSubmatch(dom); m == nil || !strings.HasPrefix(string(m[1]), "fail:") {
		t.Errorf("broken image not detected: %q", m)
	}

	shot := os.Getenv("TEMPEST_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(out, "report.png")
	} else if shot, err = filepath.Abs(shot); err != nil {
		t.Fatal(err)
	}
	chromium(t, bin, "--screenshot="+shot, "--window-size=1280,4000", pageURL)
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if s := img.Bounds().Size(); s.X != 1280 || s.Y != 4000 {
		t.Errorf("screenshot is %v", s)
	}
	t.Logf("screenshot: %s", shot)
}
