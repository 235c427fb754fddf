package rwausd

import (
	"reflect"
	"testing"

	"github.com/tempest-risk/tempest/protocol/backstop"
)

// TestCloneInto: copying a template into the storage of a System a run has
// used (with an auction running, a journal frame left open, more accounts
// and a token more than the template) gives the System Clone gives, and
// the copy shares nothing with the template.
func TestCloneInto(t *testing.T) {
	f := newClipFix(t, nil)
	tmpl := f.s.Clone()
	want := tmpl.Clone()

	used := f.s
	f.bark(t)
	if used.Vow.N == 0 {
		t.Fatal("the bark queued no debt: the test needs a used debt queue")
	}
	queue := &used.Vow.Queue[:1][0]
	used.AddAccount("late")
	used.AddToken("XTRA", 6)
	used.L.J.Begin() // a run that panicked inside a transaction
	must(t, used.L.Mint(f.gld, f.me, ether("1")))

	got := tmpl.CloneInto(used)
	if got != used {
		t.Fatal("CloneInto did not reuse dst")
	}
	if got.L.J.Open() || got.L.J.Len() != 0 {
		t.Fatal("the copy's journal is not empty")
	}
	if !reflect.DeepEqual(got.Clone(), want) {
		t.Fatal("CloneInto onto a used System differs from Clone")
	}
	// The debt queue is copied into the used one's storage, whose entries
	// past the live ones are empty, as a fresh allocation's would be.
	q := got.Vow.Queue[:cap(got.Vow.Queue)]
	if len(q) == 0 || &q[0] != queue {
		t.Fatal("CloneInto did not reuse the debt queue's storage")
	}
	for i := got.Vow.N; i < int64(len(q)); i++ {
		if q[i] != (backstop.Era{}) {
			t.Fatalf("debt queue entry %d past the live ones holds %+v", i, q[i])
		}
	}
	if got := tmpl.CloneInto(nil); !reflect.DeepEqual(got.Clone(), want) {
		t.Fatal("CloneInto(nil) differs from Clone")
	}

	// Acting on the copy leaves the template alone.
	var r BarkResult
	must(t, got.Bark(f.ali, f.urn, &r))
	if err := got.CheckInvariants(true); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tmpl.Clone(), want) {
		t.Fatal("the template changed when its copy was used")
	}
}
