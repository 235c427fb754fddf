package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holiman/uint256"
)

func TestDecimal(t *testing.T) {
	for _, tt := range []struct {
		in   string
		ok   bool
		wad  string
		text string
	}{
		{"0.05", true, "50000000000000000", "0.05"},
		{"1_000", true, "1000000000000000000000", "1000"},
		{"1e18", false, "", ""},
		{"NaN", false, "", ""},
		{"", false, "", ""},
		{"0.1.2", false, "", ""},
	} {
		var d Decimal
		err := d.UnmarshalText([]byte(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("%q: err %v", tt.in, err)
			continue
		}
		if tt.ok {
			w := d.Wad()
			if w.Dec() != tt.wad || d.String() != tt.text {
				t.Errorf("%q: wad %s text %s", tt.in, w.Dec(), d.String())
			}
		} else if !errors.Is(err, ErrNotDecimal) {
			t.Errorf("%q: %v is not ErrNotDecimal", tt.in, err)
		}
	}
	if D("-1").Uint(new(uint256.Int), 18) == nil {
		t.Error("negative decimal converted to uint")
	}
	if D("0.123").Uint(new(uint256.Int), 2) == nil {
		t.Error("three decimals fitted into two")
	}
}

// TestUnquotedDecimal: a fixed-point value written as a TOML number is
// taken exactly as written (the decoder's own text conversion keeps six
// decimals, which turned fee = 0.00000049 into 0), and one with more
// digits than a float64 keeps, or of another kind, is refused at its line
// with a hint.
func TestUnquotedDecimal(t *testing.T) {
	for _, tt := range []struct{ key, written, want string }{
		{"haircut", "0.00000049", "0.00000049"},
		{"haircut", "1.1e-9", "0.0000000011"},
		{"haircut", "0.1", "0.1"},
		{"haircut", "0.05", "0.05"},
		{"haircut", `"0.12345678901234567890"`, "0.12345678901234567890"},
		{"safety_factor", "1.33333333333333", "1.33333333333333"}, // 15 digits: "1.333333" before
		{"debt_ceiling", "6e8", "600000000"},
		{"debt_ceiling", "600_000_000", "600000000"},
	} {
		line := tt.key + " = " + tt.written
		src := regexp.MustCompile(`(?m)^`+tt.key+` = .*$`).ReplaceAllLiteralString(minimal, line)
		s, err := Parse("m.toml", []byte(src))
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		p := s.Profiles["gold"]
		got := map[string]Decimal{"haircut": p.Haircut, "safety_factor": p.SafetyFactor, "debt_ceiling": p.DebtCeiling}[tt.key]
		if got.String() != tt.want {
			t.Errorf("%s: read as %q, want %q", line, got, tt.want)
		}
	}
	for _, tt := range []struct{ written, msg, hint string }{
		{"0.12345678901234567", "more significant digits than a TOML float keeps exactly (it reads as 0.12345678901234566)",
			`quote it to keep every digit as written: haircut = "0.12345678901234567"`},
		{"true", "a boolean where a decimal number is expected", `haircut takes a decimal number written as a quoted string, for example haircut = "0.05"`},
		{"[0.1]", "an array where a decimal number is expected", "haircut takes a decimal number"},
		{"nan", "not a decimal number", ""},
	} {
		src := strings.Replace(minimal, `haircut = "0.1"`, "haircut = "+tt.written, 1)
		_, err := Parse("m.toml", []byte(src))
		var es Errors
		if !errors.As(err, &es) || len(es) != 1 {
			t.Errorf("haircut = %s: err %v", tt.written, err)
			continue
		}
		e := es[0]
		if e.Line != 5 || e.Key != "profiles.gold.haircut" || !strings.Contains(e.Msg, tt.msg) || !strings.HasPrefix(e.Hint, tt.hint) {
			t.Errorf("haircut = %s: line %d key %q msg %q hint %q", tt.written, e.Line, e.Key, e.Msg, e.Hint)
		}
	}
	src := strings.Replace(minimal, `name = "m"`, "name = \"m\"\nhorizon = 2.5", 1)
	if _, err := Parse("m.toml", []byte(src)); err == nil || !strings.Contains(err.Error(), "horizon: 2.5: a duration needs a unit") {
		t.Errorf("horizon = 2.5: %v", err)
	}
}

// TestSyntaxErrorAtLineEnd: a table header missing its "]" or a key
// missing its value is reported at its own line, quoted with the caret
// after it; the decoder counts the newline and names the next line. The
// broken header is not put under the key before it, of another table.
func TestSyntaxErrorAtLineEnd(t *testing.T) {
	for _, tt := range []struct{ src, source, key string }{
		{"name = \"m\"\n[profiles.gold\ntoken = \"X\"\n", "[profiles.gold", ""},
		{"name = \"m\"\n[profiles.usdc]\ntoken = \"U\"\n[profiles.gold\ntoken = \"X\"\n", "[profiles.gold", ""},
		{"name = \"m\"\nruns =\nseed = 1\n", "runs =", "runs"},
	} {
		_, err := Parse("m.toml", []byte(tt.src))
		var es Errors
		if !errors.As(err, &es) || len(es) != 1 {
			t.Fatalf("%q: %v", tt.src, err)
		}
		line := strings.Count(tt.src[:strings.Index(tt.src, tt.source)], "\n") + 1
		if e := es[0]; e.Line != line || e.Source != tt.source || e.Col != len(tt.source)+1 || e.Key != tt.key {
			t.Errorf("%q: line %d col %d source %q key %q, want line %d col %d source %q key %q",
				tt.src, e.Line, e.Col, e.Source, e.Key, line, len(tt.source)+1, tt.source, tt.key)
		}
	}
}

// TestPercentNotes: a fee, safety factor or penalty written like a whole
// percentage gets a note (the scenario stays valid) at its line or naming
// its override, with the fraction a percentage would be as hint; ordinary
// values and defaults get none.
func TestPercentNotes(t *testing.T) {
	src := strings.Replace(minimal, `debt_ceiling = "1000000"`, "debt_ceiling = \"1000000\"\nfee_rate = \"4\"\n[auction.gold]\nchop = 13", 1)
	s, err := Parse("m.toml", []byte(src), Override{Key: "profiles.gold.safety_factor", Value: "150"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range s.Notes() {
		got = append(got, fmt.Sprintf("%d %s: %s | %s", e.Line, e.Key, e.Msg, e.Hint))
	}
	want := []string{
		`0 profiles.gold.safety_factor: safety_factor 150 requires collateral worth 150 times the liability | if a minimum coverage of 150% is meant, write --set profiles.gold.safety_factor=1.5`,
		`8 profiles.gold.fee_rate: fee_rate 4 is 400% a year | if 4% a year is meant, write fee_rate = "0.04"`,
		`10 auction.gold.chop: chop 13 multiplies the debt of a liquidated vault: it adds 1200% | if a 13% penalty is meant, write chop = "1.13"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("notes:\n got %q\nwant %q", got, want)
	}
	if c := s.Cautions(); len(c) != 3 || c["profiles.gold.fee_rate"] != "fee_rate 4 is 400% a year" {
		t.Errorf("cautions for the report: %q", c)
	}
	s, err = Parse("m.toml", []byte(strings.Replace(minimal, `debt_ceiling = "1000000"`, "debt_ceiling = \"1000000\"\nfee_rate = \"0.99\"\n[auction.gold]\nchop = \"1.99\"", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if n := s.Notes(); len(n) != 0 || s.Cautions() != nil {
		t.Errorf("notes for ordinary values: %v", n)
	}
}

func TestDuration(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		err  error
	}{
		{"10m", 10 * time.Minute, nil},
		{"30d", 30 * 24 * time.Hour, nil},
		{"1d12h", 36 * time.Hour, nil},
		{"90s", 90 * time.Second, nil},
		{"30", 0, ErrDurationUnit},
		{"", 0, ErrDurationUnit},
		{"5 parsecs", 0, nil},
	} {
		var d Duration
		err := d.UnmarshalText([]byte(tt.in))
		switch {
		case tt.want != 0 && (err != nil || d.D() != tt.want):
			t.Errorf("%q: %v, %v", tt.in, d.D(), err)
		case tt.want == 0 && err == nil:
			t.Errorf("%q accepted", tt.in)
		case tt.err != nil && !errors.Is(err, tt.err):
			t.Errorf("%q: %v is not %v", tt.in, err, tt.err)
		}
	}
}

func TestScanKeys(t *testing.T) {
	src := `# top comment
name = "x"  # the name

[profiles.gold]
# calibrated from gold_monthly
sigma = "0.16"
size = { dist = "lognormal", median = 1.0 } # sizes

[[agents.borrowers]]
count = 3
[[agents.borrowers]]
count = 4
matrix = [[1, 0],
          [0, 1]]
after = 1
`
	k := scanKeys(src)
	for key, want := range map[string]KeyPos{
		"name":                      {2, "the name"},
		"profiles.gold.sigma":       {6, "calibrated from gold_monthly"},
		"profiles.gold.size.dist":   {7, "sizes"},
		"agents.borrowers[0].count": {10, ""},
		"agents.borrowers[1].count": {12, ""},
		"agents.borrowers[1].after": {15, ""},
	} {
		if got := k[key]; got != want {
			t.Errorf("%s: %+v, want %+v", key, got, want)
		}
	}
}

const minimal = `name = "m"
[profiles.gold]
token = "XAUT"
asset = "gold"
haircut = "0.1"
safety_factor = "1.25"
debt_ceiling = "1000000"
[market.assets.gold]
process = "gbm"
initial = 100.0
sigma = 0.2
`

func TestDefaults(t *testing.T) {
	s, err := Parse("m.toml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if s.Runs != 1000 || s.Step.String() != "10m" || s.Horizon.String() != "30d" || s.Seed != 1 {
		t.Errorf("top-level defaults: runs %d step %s horizon %s seed %d", s.Runs, s.Step, s.Horizon, s.Seed)
	}
	a := s.Auction["gold"]
	if a == nil || a.Chop.String() != "1.13" || a.Curve != "stairstep" || a.Hole.String() != "1000000" {
		t.Fatalf("auction defaults: %+v", a)
	}
	if s.Profiles["gold"].Decimals != 18 {
		t.Errorf("decimals default %d", s.Profiles["gold"].Decimals)
	}
	if s.System.DebtCeiling.String() != "1000000" {
		t.Errorf("global ceiling %s", s.System.DebtCeiling)
	}
	if s.Steps() != 4320 || s.Buckets() != 720 {
		t.Errorf("steps %d buckets %d", s.Steps(), s.Buckets())
	}
	if r := s.Resolved(); r["profiles"].(map[string]any)["gold"].(map[string]any)["haircut"] != "0.1" {
		t.Errorf("resolved: %v", r["profiles"])
	}
}

// TestValidationCollectsAll: validation reports every bad field, each with
// its line and key, sorted by line.
func TestValidationCollectsAll(t *testing.T) {
	bad := strings.Replace(minimal, `haircut = "0.1"`, `haircut = "1.5"`, 1)
	bad = strings.Replace(bad, `safety_factor = "1.25"`, `safety_factor = "0.5"`, 1)
	bad = strings.Replace(bad, `sigma = 0.2`, `sigma = -0.2`, 1)
	bad += "[auction.silver]\nbuf = \"1.1\"\n"
	_, err := Parse("bad.toml", []byte(bad))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("err %v", err)
	}
	want := []string{
		"bad.toml:5: profiles.gold.haircut",
		"bad.toml:6: profiles.gold.safety_factor",
		"bad.toml:11: market.assets.gold.sigma",
		"bad.toml:12: auction.silver",
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
	for i := 1; i < len(es); i++ {
		if es[i].Line < es[i-1].Line {
			t.Errorf("not sorted by line:\n%s", got)
		}
	}
}

func TestSuggest(t *testing.T) {
	if h := suggest("profiles.gold.hairkut"); !strings.Contains(h, `"haircut"`) {
		t.Errorf("suggest: %s", h)
	}
	if h := suggest("nonsense_key_entirely"); !strings.Contains(h, "known keys") {
		t.Errorf("suggest: %s", h)
	}
}

// TestTypeMismatch: a value of the wrong type is reported at its file:line
// with its key (indexed inside an array of tables) and a hint naming the
// type the key takes.
func TestTypeMismatch(t *testing.T) {
	for _, tt := range []struct {
		replace, with string
		where, key    string
		hint          string
	}{
		{`name = "m"`, "name = \"m\"\nruns = \"1000\"", "m.toml:2: runs: a string where an integer is expected", "runs", "runs takes an integer, for example runs = 1000"},
		{`sigma = 0.2`, "sigma = \"0.2\"", "m.toml:11: market.assets.gold.sigma: a string where a number is expected", "market.assets.gold.sigma", "sigma takes a number"},
		{`sigma = 0.2`, "sigma = 0.2\n[[agents.borrowers]]\nprofile = \"gold\"\n[[agents.borrowers]]\nprofile = \"gold\"\ncount = \"3\"", "m.toml:16: agents.borrowers[1].count", "agents.borrowers[1].count", "count takes an integer"},
		{`sigma = 0.2`, "sigma = 0.2\n[[agents.borrowers]]\nprofile = \"gold\"\nsize = 5", "m.toml:14: agents.borrowers[0].size: an integer where a table is expected", "agents.borrowers[0].size", "size takes a table"},
		{`name = "m"`, "name = \"m\"\nfixed_population = \"yes\"", "m.toml:2: fixed_population", "fixed_population", "takes true or false"},
		// The wrong value in the first of three tables: the decoder names the
		// last table's line; the report names the first's.
		{`sigma = 0.2`, "sigma = 0.2\n[[agents.borrowers]]\nprofile = \"gold\"\ncount = 150.5\n[[agents.borrowers]]\nprofile = \"gold\"\ncount = 100\n[[agents.borrowers]]\nprofile = \"gold\"\ncount = 100",
			"m.toml:14: agents.borrowers[0].count: a float where an integer is expected", "agents.borrowers[0].count", "count takes an integer"},
		// The same inside an inline table, and for a date-time.
		{`sigma = 0.2`, "sigma = 0.2\n[[agents.borrowers]]\nprofile = \"gold\"\nsize = { dist = \"const\", value = \"5\" }\n[[agents.borrowers]]\nprofile = \"gold\"\nsize = { dist = \"const\", value = 5.0 }",
			"m.toml:14: agents.borrowers[0].size.value: a string where a number is expected", "agents.borrowers[0].size.value", "value takes a number"},
		{`sigma = 0.2`, "sigma = 0.2\n[[agents.borrowers]]\nprofile = \"gold\"\ncount = 2026-12-01\n[[agents.borrowers]]\nprofile = \"gold\"\ncount = 100",
			"m.toml:14: agents.borrowers[0].count: a date-time where an integer is expected", "agents.borrowers[0].count", "count takes an integer"},
	} {
		src := strings.Replace(minimal, tt.replace, tt.with, 1)
		_, err := Parse("m.toml", []byte(src))
		var es Errors
		if !errors.As(err, &es) || len(es) != 1 {
			t.Fatalf("%s: err %v", tt.with, err)
		}
		e := es[0]
		if !strings.HasPrefix(e.Error(), tt.where) || e.Key != tt.key || !strings.Contains(e.Hint, tt.hint) || e.Source == "" {
			t.Errorf("%s: got %q key %q hint %q source %q", tt.with, e.Error(), e.Key, e.Hint, e.Source)
		}
	}
}

// TestOverrideHints: a bad --set value is hinted with the form the key
// takes; only an unknown key gets a "did you mean".
func TestOverrideHints(t *testing.T) {
	for _, tt := range []struct {
		key, value, hint string
	}{
		{"profiles.gold.haircut", "abc", "profiles.gold.haircut takes a decimal number, for example --set profiles.gold.haircut=0.05"},
		{"horizon", "30", "horizon takes a duration with a unit (s, m, h or d), for example --set horizon=30d"},
		{"runs", "abc", "runs takes an integer, for example --set runs=1000"},
		{"profiles.gold.decimals", "300", "profiles.gold.decimals takes an integer from 0 to 255"},
		{"profiles.gold.hairkut", "0.1", `did you mean "haircut"?`},
		{"profile.gold.haircut", "0.1", `did you mean "profiles"?`},
		{"profiles.silver.haircut", "0.1", "the file defines profiles: gold"},
		{"market.assets", "1", "set one of its keys"},
	} {
		_, err := Parse("m.toml", []byte(minimal), Override{Key: tt.key, Value: tt.value})
		var es Errors
		if !errors.As(err, &es) || len(es) != 1 {
			t.Fatalf("%s=%s: err %v", tt.key, tt.value, err)
		}
		if es[0].Hint != tt.hint && !strings.HasPrefix(es[0].Hint, tt.hint) {
			t.Errorf("%s=%s: hint %q, want %q", tt.key, tt.value, es[0].Hint, tt.hint)
		}
		if strings.Contains(tt.hint, "did you mean") != strings.Contains(es[0].Hint, "did you mean") {
			t.Errorf("%s=%s: hint %q", tt.key, tt.value, es[0].Hint)
		}
	}
}

// TestIntRangeHint: an integer out of its type's range is hinted with the
// range, not with the advice for fixed-point values.
func TestIntRangeHint(t *testing.T) {
	src := strings.Replace(minimal, `asset = "gold"`, "asset = \"gold\"\ndecimals = 600", 1)
	_, err := Parse("m.toml", []byte(src))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 {
		t.Fatalf("err %v", err)
	}
	if e := es[0]; e.Key != "profiles.gold.decimals" || e.Hint != "decimals takes an integer from 0 to 255, for example decimals = 18" {
		t.Errorf("key %q hint %q", e.Key, e.Hint)
	}
}

// TestUnreadAndNotes: every key of a market asset is read by its process or
// listed as unread, every such key is some process's parameter, and a key
// the file or a --set sets that its asset's process does not read gets a
// note at its line (or naming the override) with a hint that names the
// processes that read it. The scenario stays valid.
func TestUnreadAndNotes(t *testing.T) {
	at := reflect.TypeFor[Asset]()
	for i := range at.NumField() {
		k := tomlName(at.Field(i))
		read := slices.Contains(assetCommon, k)
		for _, p := range Processes {
			r, ok := processReads[p]
			if !ok {
				t.Fatalf("process %s: no entry in processReads", p)
			}
			read = read || slices.Contains(r, k)
		}
		if !read {
			t.Errorf("asset key %s is read by no process", k)
		}
	}

	s, err := Parse("m.toml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	unread := s.Unread()
	for _, k := range []string{"lambda", "theta", "file", "omega", "regime_mu"} {
		if unread["market.assets.gold."+k] != "not read by the gbm process" {
			t.Errorf("gbm asset: %s is not listed as unread (%q)", k, unread["market.assets.gold."+k])
		}
	}
	for _, k := range []string{"mu", "sigma", "initial", "process", "liquidity"} {
		if _, ok := unread["market.assets.gold."+k]; ok {
			t.Errorf("gbm asset: %s, which gbm reads, is listed as unread", k)
		}
	}
	if n := s.Notes(); len(n) != 0 {
		t.Errorf("notes for a file that sets only keys its model reads: %v", n)
	}

	src := strings.Replace(minimal, "sigma = 0.2\n", "sigma = 0.2\nlambda = 4\n", 1)
	s, err = Parse("m.toml", []byte(src), Override{Key: "market.assets.gold.theta", Value: "2"})
	if err != nil {
		t.Fatalf("a key the model does not read made the scenario invalid: %v", err)
	}
	n := s.Notes()
	if len(n) != 2 {
		t.Fatalf("%d notes, want 2: %v", len(n), n)
	}
	// The override has no line, so it sorts first.
	if got := n[0].Error(); got != "m.toml: market.assets.gold.theta: not read by the gbm process, which reads process, initial, liquidity, mu and sigma (set with --set market.assets.gold.theta=2)" {
		t.Errorf("note 0: %s", got)
	}
	if h := n[0].Hint; h != "theta is read with process set to one of nav and peg: set one of them, or remove the key" {
		t.Errorf("hint 0: %s", h)
	}
	if got := n[1].Error(); got != "m.toml:12: market.assets.gold.lambda: not read by the gbm process, which reads process, initial, liquidity, mu and sigma" {
		t.Errorf("note 1: %s", got)
	}
	if h := n[1].Hint; h != `lambda is read with process = "merton": set that, or remove the key` {
		t.Errorf("hint 1: %s", h)
	}

	// An auction reads the keys of its own price curve only.
	src = minimal + "[auction.gold]\ncurve = \"linear\"\ntau = \"2h\"\ncut = \"0.99\"\n"
	if s, err = Parse("m.toml", []byte(src)); err != nil {
		t.Fatal(err)
	}
	unread = s.Unread()
	if unread["auction.gold.cut"] != "not read with the linear curve" || unread["auction.gold.step"] == "" || unread["auction.gold.tau"] != "" {
		t.Errorf("linear auction: cut %q, step %q, tau %q", unread["auction.gold.cut"], unread["auction.gold.step"], unread["auction.gold.tau"])
	}
	n = s.Notes()
	if len(n) != 1 || n[0].Error() != "m.toml:15: auction.gold.cut: not read with the linear curve, which reads tau of step, cut and tau" ||
		n[0].Hint != "cut is read with curve set to one of stairstep and exponential: set one of them, or remove the key" {
		t.Errorf("linear auction with a cut: notes %v", n)
	}

	// A borrower group reads only what its kind uses: a book group not
	// what draws the group, a passive one none of the behaviour, one
	// without leverage seekers not their band or sales.
	src = minimal + "[[agents.borrowers]]\nprofile = \"gold\"\nbook = \"b.csv\"\npassive = true\nattention = { dist = \"const\", value = 6.0 }\n" +
		"[[agents.borrowers]]\nprofile = \"gold\"\ncount = 2\nsize = { dist = \"const\", value = 1000.0 }\n" +
		"target_cr = { dist = \"const\", value = 1.6 }\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "b.csv"), []byte("collateral,debt\n10,500\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "m.toml")
	if s, err = Parse(file, []byte(src)); err != nil {
		t.Fatal(err)
	}
	unread = s.Unread()
	for k, want := range map[string]string{
		"agents.borrowers[0].size":          "not read with a book",
		"agents.borrowers[0].target_cr":     "not read with a book",
		"agents.borrowers[0].attention":     "not read for passive borrowers",
		"agents.borrowers[0].leverage_band": "not read for passive borrowers",
		"agents.borrowers[1].leverage_band": "not read without leverage seekers",
		"agents.borrowers[1].sell_share":    "not read without leverage seekers",
		"agents.borrowers[1].size":          "",
		"agents.borrowers[1].attention":     "",
		"agents.borrowers[0].passive":       "",
	} {
		if unread[k] != want {
			t.Errorf("%s: unread %q, want %q", k, unread[k], want)
		}
	}
	n = s.Notes()
	if len(n) != 1 || !strings.HasSuffix(n[0].Error(), ":16: agents.borrowers[0].attention: not read for passive borrowers, who never act") ||
		n[0].Hint != "remove the key, or set passive = false" {
		t.Errorf("a passive group with an attention: notes %v", n)
	}
}

// TestDocs: every key the schema holds a value at (not a table) has a
// comment in types.go, which Doc returns whatever the map keys and list
// indices of the path; Docs covers the resolved scenario's keys.
func TestDocs(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(rt reflect.Type, at string)
	walk = func(rt reflect.Type, at string) {
		rt = deref(rt)
		if rt.Kind() == reflect.Map {
			rt = deref(rt.Elem())
		}
		if rt.Kind() != reflect.Struct || seen[rt] {
			return
		}
		seen[rt] = true
		for i := range rt.NumField() {
			f := rt.Field(i)
			n := tomlName(f)
			if n == "" {
				continue
			}
			ft := deref(f.Type)
			table := ft.Kind() == reflect.Map || (ft.Kind() == reflect.Struct && !reflect.PointerTo(ft).Implements(textUnmarshaler))
			if !table && fieldDocs()[rt.Name()+"."+n] == "" {
				t.Errorf("%s (%s.%s) has no comment in types.go", at+n, rt.Name(), f.Name)
			}
			walk(f.Type, at+n+".")
		}
	}
	walk(reflect.TypeFor[Scenario](), "")

	for key, want := range map[string]string{
		"agents.keepers.priority":    "priority fee [gwei]",
		"profiles.gold.haircut":      "h: discount on the oracle price, 0 ≤ h < 1",
		"profiles.anything.haircut":  "h: discount on the oracle price, 0 ≤ h < 1",
		"agents.borrowers[3].book":   "book, if set, is a CSV (relative to the scenario) with columns collateral (token units) and debt (rwaUSD): one borrower per row, opened exactly so, its target ratio the one it opens at; count, size, target_cr, target_over_min and reserve are then ignored.",
		"agents.borrowers[0].size":   "collateral value at open [USD]",
		"market.assets.gold.lambda":  "merton: jumps per year",
		"market.assets.gold.nothing": "",
		"nonsense":                   "",
		"profiles":                   "",
	} {
		if got := Doc(key); got != want {
			t.Errorf("Doc(%q) = %q, want %q", key, got, want)
		}
	}
	for key, want := range map[string]string{
		"backstop.reserve":           "rwaUSD",
		"backstop.bump":              "rwaUSD", // the unit before the rest of the doc
		"profiles.gold.debt_ceiling": "rwaUSD",
		"agents.keepers.priority":    "gwei",
		"profiles.gold.haircut":      "", // a fraction: no unit
		"nonsense":                   "",
	} {
		if got := Unit(key); got != want {
			t.Errorf("Unit(%q) = %q, want %q", key, got, want)
		}
	}
	s, err := Parse("m.toml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	d := s.Docs()
	if d["market.assets.gold.sigma"] != "volatility per √year" || d["profiles.gold.debt_ceiling"] != "most debt the profile may carry (Vat ilk line) [rwaUSD]" || d["step"] == "" {
		t.Errorf("Docs: sigma %q, debt_ceiling %q, step %q", d["market.assets.gold.sigma"], d["profiles.gold.debt_ceiling"], d["step"])
	}
}

// TestDistDefaults: a borrower distribution the file leaves out takes its
// default; one given only a value (as --set k.value=x writes it) is that
// constant, not the default; one with other keys but no dist is an error
// that names the missing dist.
func TestDistDefaults(t *testing.T) {
	group := minimal + "[[agents.borrowers]]\nprofile = \"gold\"\ncount = 3\nsize = { dist = \"const\", value = 1000.0 }\n" +
		"target_cr = { dist = \"const\", value = 1.6 }\nleverage_share = 0.5\n"
	s, err := Parse("m.toml", []byte(group))
	if err != nil {
		t.Fatal(err)
	}
	b := s.Agents.Borrowers[0]
	if want := (Dist{Dist: "const", Value: 0.25}); b.LeverageBand != want {
		t.Errorf("leverage_band default %+v, want %+v", b.LeverageBand, want)
	}
	if want := (Dist{Dist: "const", Value: 24}); b.Attention != want {
		t.Errorf("attention default %+v, want %+v", b.Attention, want)
	}

	s, err = Parse("m.toml", []byte(group), Override{Key: "agents.borrowers[0].leverage_band.value", Value: "0.05"},
		Override{Key: "agents.borrowers[0].attention.value", Value: "6"})
	if err != nil {
		t.Fatal(err)
	}
	b = s.Agents.Borrowers[0]
	if want := (Dist{Dist: "const", Value: 0.05}); b.LeverageBand != want {
		t.Errorf("leverage_band.value = 0.05 gives %+v, want %+v", b.LeverageBand, want)
	}
	if want := (Dist{Dist: "const", Value: 6}); b.Attention != want {
		t.Errorf("attention.value = 6 gives %+v, want %+v", b.Attention, want)
	}

	_, err = Parse("m.toml", []byte(group+"leverage_band = { min = 0.02, max = 0.1 }\n"))
	if err == nil || !strings.Contains(err.Error(), "agents.borrowers[0].leverage_band.dist") {
		t.Errorf("a band with bounds but no dist: got %v, want an error at agents.borrowers[0].leverage_band.dist", err)
	}
	_, err = Parse("m.toml", []byte(group+"leverage_band = { dist = \"const\", value = 0.0 }\n"))
	if err == nil || !strings.Contains(err.Error(), "agents.borrowers[0].leverage_band.value") {
		t.Errorf("a zero band: got %v, want an error at agents.borrowers[0].leverage_band.value", err)
	}
}

// TestOutOfBounds: values that would crash a run, exhaust memory or write
// outside out/ are refused with their key, never reached by the model: a
// step under a second (blocks are whole seconds apart; a zero step would
// divide by zero building the market), negative or overlong durations, a
// name that is not a plain directory name, agent counts past MaxAgents.
func TestOutOfBounds(t *testing.T) {
	src := minimal + "[backstop]\nreserve = \"1000\"\n[[agents.borrowers]]\nprofile = \"gold\"\ncount = 10\n" +
		"size = { dist = \"const\", value = 1000.0 }\ntarget_cr = { dist = \"const\", value = 2.0 }\n"
	for _, tt := range []struct {
		key, value, want string
	}{
		{"step", "0s", "must be at least 1s"},
		{"step", "500ms", "must be at least 1s"},
		{"step", "-10m", "must not be negative"},
		{"backstop.wait", "-1h", "must not be negative"},
		{"backstop.recap_delay", "-3d", "must not be negative"},
		{"horizon", "99999999d", "longer than the longest duration"},
		{"horizon", "106000d2562047h", "longer than the longest duration"},
		{"horizon", "5d-3h", "a sign only at the front"},
		{"horizon", "0d-3h", "a sign only at the front"},
		{"horizon", "6945d", "must be at most 1000000 steps"},
		{"name", "../../etc", "must not contain a slash"},
		{"name", "a/b", "must not contain a slash"},
		{"name", ".hidden", "start with a dot"},
		{"agents.borrowers[0].count", "99999999999", "must be in [0, 1,000,000]"},
		{"agents.borrowers[0].count", "-1", "must be in [0, 1,000,000]"},
	} {
		_, err := Parse("m.toml", []byte(src), Override{Key: tt.key, Value: tt.value})
		var es Errors
		if !errors.As(err, &es) || len(es) != 1 {
			t.Errorf("%s=%s: err %v, want one error", tt.key, tt.value, err)
			continue
		}
		if es[0].Key != tt.key || !strings.Contains(es[0].Error(), tt.want) || es[0].Hint == "" {
			t.Errorf("%s=%s: key %q, error %q, hint %q; want key %s, %q and a hint", tt.key, tt.value, es[0].Key, es[0].Error(), es[0].Hint, tt.key, tt.want)
		}
	}
	if _, err := Parse("m.toml", []byte(src), Override{Key: "name", Value: "gold crash-2"}); err != nil {
		t.Errorf("a plain name with a space: %v", err)
	}
}

// TestDottedIndexHint: an array indexed with a dot, or not at all, is
// hinted with the bracketed key the user meant.
func TestDottedIndexHint(t *testing.T) {
	src := minimal + "[[agents.borrowers]]\nprofile = \"gold\"\ncount = 10\n" +
		"size = { dist = \"const\", value = 1000.0 }\ntarget_cr = { dist = \"const\", value = 2.0 }\n"
	for _, key := range []string{"agents.borrowers.0.count", "agents.borrowers.count"} {
		_, err := Parse("m.toml", []byte(src), Override{Key: key, Value: "5"})
		var es Errors
		if !errors.As(err, &es) || len(es) != 1 || es[0].Hint != "for example --set agents.borrowers[0].count=..." {
			t.Errorf("%s: %v, want the hint for agents.borrowers[0].count", key, err)
		}
	}
}

// TestRepeatedOverride: a key set twice with --set takes the last value,
// and an error names that override once.
func TestRepeatedOverride(t *testing.T) {
	_, err := Parse("m.toml", []byte(minimal),
		Override{Key: "profiles.gold.haircut", Value: "1.2"}, Override{Key: "profiles.gold.haircut", Value: "1.5"})
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 {
		t.Fatalf("err %v, want one error", err)
	}
	if got := es[0].Error(); strings.Count(got, "--set") != 1 || !strings.HasSuffix(got, "(set with --set profiles.gold.haircut=1.5)") {
		t.Errorf("error %q: want the last override named once", got)
	}
}

// TestAllProblemsAtOnce: an unknown key does not hide the values'
// problems, which come in file order; a misspelt key does not also report
// the key it meant as missing.
func TestAllProblemsAtOnce(t *testing.T) {
	src := strings.Replace(minimal, `haircut = "0.1"`, `haircut = "1.5"`, 1)
	src = strings.Replace(src, `debt_ceiling = "1000000"`, `debt_celing = "1000000"`, 1)
	src = strings.Replace(src, "sigma = 0.2", "sigma = 0.2\nhmup = 3", 1)
	_, err := Parse("m.toml", []byte(src))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("err %v", err)
	}
	var got []string
	for _, e := range es {
		got = append(got, fmt.Sprintf("%d %s %s", e.Line, e.Key, e.Msg))
	}
	want := []string{
		"5 profiles.gold.haircut must be in [0, 1), got 1.5",
		"7 profiles.gold.debt_celing unknown key",
		"12 market.assets.gold.hmup unknown key",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A stray misspelling beside the key it resembles: that key's own
	// problem is still reported.
	src = strings.Replace(minimal, `haircut = "0.1"`, "haircut = \"1.5\"\nhairkut = \"0.1\"", 1)
	_, err = Parse("m.toml", []byte(src))
	if !errors.As(err, &es) || len(es) != 2 || es[0].Key != "profiles.gold.haircut" || es[1].Key != "profiles.gold.hairkut" {
		t.Errorf("haircut 1.5 beside hairkut: %v", err)
	}
	// A misspelt table: its keys are unknown, and the errors of the values
	// that needed the table it meant would bury them.
	src = strings.Replace(minimal, "[market.assets.gold]", "[market.asset.gold]", 1)
	_, err = Parse("m.toml", []byte(src))
	if !errors.As(err, &es) {
		t.Fatalf("a misspelt table: %v", err)
	}
	for _, e := range es {
		if e.Msg != "unknown key" || !strings.HasPrefix(e.Key, "market.asset.gold") {
			t.Errorf("a misspelt table: %v", e)
		}
	}
}
