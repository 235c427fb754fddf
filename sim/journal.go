package sim

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tempest-risk/tempest/sim/scenario"
)

// JournalFile is the journal of a batch in progress, in its output
// directory: every completed run, appended and synced as it completes, so
// that an interrupted batch can be resumed (Options.Resume). It is removed
// once the batch's files are in place.
//
// Format: the 8 bytes journalMagic, then frames. A frame is the payload's
// length (uint32, little-endian), its CRC-32C (uint32, little-endian) and
// the payload. The first frame holds the batch's identity as JSON
// (journalHeader); each further frame one RunResult (encodeRecord), in
// completion order, not run order. A frame cut short or failing its
// checksum (a write cut by a kill or a crash) ends the journal: it and
// anything after it are ignored and truncated on resume.
const JournalFile = "runs.journal"

const (
	journalMagic  = "TMPJRNL1"
	journalFormat = 2
	frameHeader   = 8       // length and checksum
	maxFrame      = 1 << 30 // larger lengths are corrupt
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// journalHeader identifies the batch a journal belongs to: a resume must
// agree on all of it but Command.
type journalHeader struct {
	Tool         string `json:"tool"`
	Format       int    `json:"format"`
	Version      string `json:"version"`
	Scenario     string `json:"scenario"`
	ConfigSHA256 string `json:"config_sha256"`
	Seed         uint64 `json:"seed"`
	Runs         int    `json:"runs"`
	Shard        int    `json:"shard"`
	Shards       int    `json:"shards"` // 1 for a whole batch
	First        int    `json:"first"`  // run indices [First, Last)
	Last         int    `json:"last"`
	Summary      int    `json:"summary"` // values per record
	Series       int    `json:"series"`
	Buckets      int    `json:"buckets"`
	Derived      []int  `json:"derived"` // series that successful runs' records leave out (Compiled.derived)
	Command      string `json:"command"` // the command that reproduces the batch
}

func newJournalHeader(c *Compiled, opt Options, first, last int) journalHeader {
	k, n := opt.Shard, opt.Shards
	if n <= 1 {
		k, n = 0, 1
	}
	return journalHeader{
		Tool: "tempest", Format: journalFormat, Version: opt.Version, Scenario: c.S.Name,
		ConfigSHA256: ConfigHash(c), Seed: opt.Seed, Runs: opt.Runs, Shard: k, Shards: n,
		First: first, Last: last, Summary: len(c.summary) + len(c.Assets), Series: len(c.Series()),
		Buckets: c.buckets, Derived: c.derived(), Command: opt.Command,
	}
}

// ResumeError is a refusal to resume a batch, with the reason and a hint.
type ResumeError struct {
	Msg, Hint string
}

func (e *ResumeError) Error() string { return e.Msg }

// InterruptedError reports a batch stopped by its context before it
// completed. The runs it completed are in its journal; RunBatch with
// Options.Resume continues it.
type InterruptedError struct {
	Journal  string // path of the journal
	Recorded int    // runs recorded in it
	Runs     int    // runs of the batch (of the shard for a shard)
	Err      error  // the context's error
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("interrupted: %d of %d runs are recorded in %s", e.Recorded, e.Runs, e.Journal)
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// JournalInfo describes the journal of an interrupted batch.
type JournalInfo struct {
	Path     string
	Scenario string
	Command  string // the command that reproduces the batch
	Seed     uint64
	Runs     int // runs of the batch
	First    int // the shard's run indices [First, Last)
	Last     int
	Recorded int  // complete runs recorded
	Torn     bool // the journal ends in a cut or corrupt record (ignored)
}

// ReadJournal reads the journal in the output directory dir. Without one
// the error satisfies errors.Is(err, fs.ErrNotExist).
func ReadJournal(dir string) (*JournalInfo, error) {
	path := filepath.Join(dir, JournalFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h, start, err := readJournalHeader(f, path)
	if err != nil {
		return nil, err
	}
	idx, end := scanJournal(f, h, start)
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return &JournalInfo{Path: path, Scenario: h.Scenario, Command: h.Command, Seed: h.Seed, Runs: h.Runs,
		First: h.First, Last: h.Last, Recorded: idx.n, Torn: st.Size() > end}, nil
}

// journal is an open journal of a batch in progress.
type journal struct {
	path     string
	f        *os.File
	h        journalHeader
	recorded []int64 // offset of the record of run First+i, -1 if not recorded; fixed once opened, nil for a new journal
	resumed  int     // runs recorded when it was opened

	mu       sync.Mutex // serialises appends
	appended int        // records appended since it was opened
	broken   error      // a failed write or sync: appends fail with it

	kick     chan struct{} // a record awaits a sync
	stop     chan struct{} // closed by close: no more waiting between syncs
	syncDone chan struct{} // the syncer has stopped
}

// createJournal starts the journal of a batch at path, replacing any.
// Written under a temporary name with its header, synced, then renamed, so
// a journal always has a complete header.
func createJournal(path string, h journalHeader) (*journal, error) {
	hb, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	b := append([]byte(journalMagic), make([]byte, frameHeader)...)
	b = append(b, hb...)
	sealFrame(b[len(journalMagic):])
	if _, err = f.Write(b); err == nil {
		if err = f.Sync(); err == nil {
			if err = f.Chmod(0o644); err == nil {
				err = os.Rename(f.Name(), path)
			}
		}
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	syncDir(filepath.Dir(path))
	j := &journal{path: path, f: f, h: h}
	j.startSyncer()
	return j, nil
}

// openJournal opens the journal at path to resume the batch h: it refuses
// a journal of another batch, indexes the recorded runs and truncates a
// torn tail. It returns (nil, nil) when there is no journal.
func openJournal(path string, h journalHeader) (*journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	j, err := resumeJournal(f, path, h)
	if err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

func resumeJournal(f *os.File, path string, h journalHeader) (*journal, error) {
	got, start, err := readJournalHeader(f, path)
	if err != nil {
		return nil, err
	}
	if err := sameBatch(path, got, h); err != nil {
		return nil, err
	}
	idx, end := scanJournal(f, got, start)
	h.Command = got.Command // the batch's own
	// Drop a torn tail before appending.
	if err := f.Truncate(end); err != nil {
		return nil, err
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		return nil, err
	}
	j := &journal{path: path, f: f, h: h, recorded: idx.off, resumed: idx.n}
	j.startSyncer()
	return j, nil
}

// sameBatch refuses to resume the batch want from a journal of got.
func sameBatch(path string, got, want journalHeader) error {
	for _, c := range []struct{ what, a, b string }{
		{"scenario", got.Scenario, want.Scenario},
		{"config hash (scenario file and --set values)", short(got.ConfigSHA256), short(want.ConfigSHA256)},
		{"seed", strconv.FormatUint(got.Seed, 10), strconv.FormatUint(want.Seed, 10)},
		{"run count", strconv.Itoa(got.Runs), strconv.Itoa(want.Runs)},
		{"shard", fmt.Sprintf("%d/%d", got.Shard, got.Shards), fmt.Sprintf("%d/%d", want.Shard, want.Shards)},
		{"tool version", got.Version, want.Version},
	} {
		if c.a != c.b {
			return &ResumeError{
				Msg: fmt.Sprintf("%s: the interrupted batch has %s %s, this one %s", path, c.what, c.a, c.b),
				Hint: "resume with the interrupted batch's scenario, --set values, --seed, --runs, --shard and tool version: " +
					got.Command + " --out " + scenario.ShellQuote(filepath.Dir(path)) + shardArgs(got.Shard, got.Shards) + " --resume; or run without --resume to start over",
			}
		}
	}
	if got.First != want.First || got.Last != want.Last || got.Summary != want.Summary ||
		got.Series != want.Series || got.Buckets != want.Buckets || !slices.Equal(got.Derived, want.Derived) {
		return &ResumeError{Msg: fmt.Sprintf("%s: recorded runs [%d, %d) of %d summaries and %d×%d series values, this batch [%d, %d) of %d and %d×%d",
			path, got.First, got.Last, got.Summary, got.Series, got.Buckets, want.First, want.Last, want.Summary, want.Series, want.Buckets),
			Hint: "run without --resume to start over"}
	}
	return nil
}

// short abbreviates a hash for a message.
func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12] + "…"
	}
	return hash
}

func shardArgs(k, n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" --shard %d/%d", k, n)
}

// readJournalHeader reads the signature and the header frame, and returns
// the header and the offset of the first record.
func readJournalHeader(f *os.File, path string) (journalHeader, int64, error) {
	var h journalHeader
	bad := func(why string) (journalHeader, int64, error) {
		return h, 0, &ResumeError{Msg: fmt.Sprintf("%s: not a tempest journal (%s)", path, why),
			Hint: "remove it, or run without --resume to start the batch over"}
	}
	magic := make([]byte, len(journalMagic))
	if _, err := f.ReadAt(magic, 0); err != nil || string(magic) != journalMagic {
		return bad("no journal signature")
	}
	st, err := f.Stat()
	if err != nil {
		return h, 0, err
	}
	start := int64(len(journalMagic))
	payload, err := readFrame(io.NewSectionReader(f, start, math.MaxInt64-start), nil, st.Size()-start)
	if err != nil {
		return bad("unreadable header")
	}
	if err := json.Unmarshal(payload, &h); err != nil || h.Tool != "tempest" {
		return bad("unreadable header")
	}
	start += frameHeader + int64(len(payload))
	if h.Format != journalFormat {
		return h, 0, &ResumeError{Msg: fmt.Sprintf("%s: journal format %d, this tempest reads format %d", path, h.Format, journalFormat),
			Hint: "resume with the tempest version that wrote it (" + h.Version + "), or run without --resume to start over"}
	}
	if h.First < 0 || h.Last < h.First || h.Summary < 0 || h.Series < 0 || h.Buckets < 0 {
		return bad("inconsistent header")
	}
	return h, start, nil
}

// journalIndex locates the recorded runs of a journal.
type journalIndex struct {
	off []int64 // by run − First: the record's offset, -1 if none
	n   int     // runs recorded
}

// scanJournal reads the records from offset start and returns their index
// and the offset where the valid records end. Reading stops at the first
// frame cut short or failing its checksum, or holding an undecodable or
// unexpected record.
func scanJournal(f *os.File, h journalHeader, start int64) (journalIndex, int64) {
	idx := journalIndex{off: make([]int64, h.Last-h.First)}
	for i := range idx.off {
		idx.off[i] = -1
	}
	end, size := start, int64(math.MaxInt64)
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, start, math.MaxInt64-start), 1<<16)
	var buf []byte
	var res RunResult
	for {
		payload, err := readFrame(r, buf, size-end)
		if err != nil {
			break // the end, or a torn or corrupt frame: ignored
		}
		buf = payload[:0]
		if err := decodeRecord(payload, h, &res); err != nil {
			break
		}
		k := res.Index - h.First
		if k < 0 || k >= len(idx.off) || idx.off[k] >= 0 {
			break // outside the batch, or a duplicate: not written by tempest
		}
		idx.off[k] = end
		idx.n++
		end += frameHeader + int64(len(payload))
	}
	return idx, end
}

// readFrame reads one frame's payload into buf (grown as needed) and checks
// its checksum. avail is the number of bytes r holds at most: a frame
// claiming more is cut short, and nothing is allocated for it.
func readFrame(r io.Reader, buf []byte, avail int64) ([]byte, error) {
	var hdr [frameHeader]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint32(hdr[:4])
	if n > maxFrame || int64(n) > avail-frameHeader {
		return nil, errors.New("frame cut short or too long")
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	if crc32.Checksum(buf, castagnoli) != binary.LittleEndian.Uint32(hdr[4:]) {
		return nil, errors.New("checksum mismatch")
	}
	return buf, nil
}

// sealFrame fills the length and checksum of the frame b, whose payload
// follows its frameHeader bytes.
func sealFrame(b []byte) {
	p := b[frameHeader:]
	if len(p) > maxFrame {
		panic(fmt.Sprintf("sim: journal record of %d bytes", len(p)))
	}
	binary.LittleEndian.PutUint32(b[:4], uint32(len(p)))
	binary.LittleEndian.PutUint32(b[4:8], crc32.Checksum(p, castagnoli))
}

// Record flags.
const (
	recFailed    = 1 << iota
	recHasSeries // Series is not nil
	recDerived   // the header's Derived series are left out
)

// encodeRecord appends the frame of res to b, leaving out the series whose
// index is in derived (sorted) when the run succeeded: its market paths
// determine them, and a resume rebuilds them (Compiled.rebuildDerived).
// Floats keep their exact
// bits; each series is stored as the XOR of each value's bits with the
// previous value's, as a uvarint, except that a run of values equal to the
// previous one (an XOR of zero) is stored as a 0 and the run's length less
// one: most series are constant for long stretches (format 2; format 1 had
// no runs).
func encodeRecord(b []byte, res *RunResult, derived []int) []byte {
	start := len(b)
	b = append(b, make([]byte, frameHeader)...)
	b = binary.AppendUvarint(b, uint64(res.Index))
	b = binary.LittleEndian.AppendUint64(b, res.Seed)
	var flags byte
	if res.Failed {
		flags |= recFailed
	}
	if res.Series != nil {
		flags |= recHasSeries
	}
	if res.Failed || res.Series == nil {
		derived = nil // a failed run's series stop where it failed: keep them all
	}
	if len(derived) > 0 {
		flags |= recDerived
	}
	b = append(b, flags)
	b = binary.AppendVarint(b, int64(res.FailStep))
	b = binary.AppendUvarint(b, uint64(len(res.Err)))
	b = append(b, res.Err...)
	b = binary.AppendUvarint(b, uint64(len(res.Summary)))
	for _, x := range res.Summary {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	if res.Series != nil {
		b = binary.AppendUvarint(b, uint64(len(res.Series)))
		for k, ser := range res.Series {
			if len(derived) > 0 && derived[0] == k {
				derived = derived[1:]
				continue
			}
			b = binary.AppendUvarint(b, uint64(len(ser)))
			var prev uint64
			for t := 0; t < len(ser); {
				v := math.Float64bits(ser[t])
				if v != prev {
					b = binary.AppendUvarint(b, v^prev)
					prev = v
					t++
					continue
				}
				n := 1 // a run of repeats: 0, then the run's length less one
				for t+n < len(ser) && math.Float64bits(ser[t+n]) == prev {
					n++
				}
				b = append(b, 0)
				b = binary.AppendUvarint(b, uint64(n-1))
				t += n
			}
		}
	}
	sealFrame(b[start:])
	return b
}

var errRecord = errors.New("malformed record")

// decodeRecord decodes the payload p of a run record into res, checking
// its shape against the header. Summary and Series are newly allocated;
// the series the record leaves out (the header's Derived) are nil, for the
// caller to rebuild.
func decodeRecord(p []byte, h journalHeader, res *RunResult) error {
	d := decoder{p: p}
	idx := d.uvarint()
	seed := d.uint64()
	flags := d.byte()
	failStep := d.varint()
	errLen := d.uvarint()
	errStr := string(d.bytes(errLen))
	ns := d.uvarint()
	if d.bad || ns != uint64(h.Summary) || idx > math.MaxInt32 || flags&^(recFailed|recHasSeries|recDerived) != 0 ||
		(flags&recDerived != 0 && (flags&recHasSeries == 0 || flags&recFailed != 0 || len(h.Derived) == 0)) {
		return errRecord
	}
	*res = RunResult{Index: int(idx), Seed: seed, Failed: flags&recFailed != 0, Err: errStr, FailStep: int(failStep),
		Summary: make([]float64, ns)}
	for k := range res.Summary {
		res.Summary[k] = math.Float64frombits(d.uint64())
	}
	if flags&recHasSeries != 0 {
		if d.uvarint() != uint64(h.Series) || d.bad {
			return errRecord
		}
		res.Series = make([][]float64, h.Series)
		derived := h.Derived
		if flags&recDerived == 0 {
			derived = nil
		}
		for k := range res.Series {
			if len(derived) > 0 && derived[0] == k {
				derived = derived[1:]
				continue // left nil: the caller rebuilds it
			}
			n := d.uvarint()
			if d.bad || n > uint64(h.Buckets) {
				return errRecord
			}
			ser := make([]float64, n)
			var prev uint64
			for t := 0; t < len(ser) && !d.bad; {
				x := d.uvarint()
				if x != 0 {
					prev ^= x
					ser[t] = math.Float64frombits(prev)
					t++
					continue
				}
				run := d.uvarint()
				if run >= uint64(len(ser)-t) {
					return errRecord
				}
				for end := t + int(run) + 1; t < end; t++ {
					ser[t] = math.Float64frombits(prev)
				}
			}
			res.Series[k] = ser
		}
	}
	if d.bad || len(d.p) != 0 {
		return errRecord
	}
	return nil
}

// decoder reads a record's fields; bad records any overrun.
type decoder struct {
	p   []byte
	bad bool
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.p)
	if n <= 0 {
		d.bad, d.p = true, nil
		return 0
	}
	d.p = d.p[n:]
	return v
}

// varint reads a zigzag varint (binary.AppendVarint's encoding).
func (d *decoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) uint64() uint64 {
	if len(d.p) < 8 {
		d.bad, d.p = true, nil
		return 0
	}
	v := binary.LittleEndian.Uint64(d.p)
	d.p = d.p[8:]
	return v
}

func (d *decoder) byte() byte {
	if len(d.p) < 1 {
		d.bad = true
		return 0
	}
	v := d.p[0]
	d.p = d.p[1:]
	return v
}

func (d *decoder) bytes(n uint64) []byte {
	if uint64(len(d.p)) < n {
		d.bad, d.p = true, nil
		return nil
	}
	v := d.p[:n]
	d.p = d.p[n:]
	return v
}

// has reports whether run i was recorded when the journal was opened.
func (j *journal) has(i int) bool { return j.recorded != nil && j.recorded[i-j.h.First] >= 0 }

// read returns the recorded result of run i, reading its frame into buf.
func (j *journal) read(i int, buf *[]byte) (*RunResult, error) {
	off := j.recorded[i-j.h.First]
	payload, err := readFrame(io.NewSectionReader(j.f, off, math.MaxInt64-off), *buf, math.MaxInt64)
	if err != nil {
		return nil, fmt.Errorf("%s: run %d: %v", j.path, i, err)
	}
	*buf = payload[:0]
	res := new(RunResult)
	if err := decodeRecord(payload, j.h, res); err != nil || res.Index != i {
		return nil, fmt.Errorf("%s: run %d: malformed record", j.path, i)
	}
	return res, nil
}

// journalSyncEvery spaces the journal's syncs. Every record is written to
// the file when its run completes, so a killed process loses none; a
// power failure loses at most the records of the last interval, which a
// resume runs again.
const journalSyncEvery = 250 * time.Millisecond

// startSyncer starts the goroutine that syncs the journal after appends:
// one sync covers every record written before it, so syncs never hold up
// the runs.
func (j *journal) startSyncer() {
	j.kick = make(chan struct{}, 1)
	j.stop = make(chan struct{})
	j.syncDone = make(chan struct{})
	f := j.f
	go func() {
		defer close(j.syncDone)
		for range j.kick {
			if err := f.Sync(); err != nil {
				j.mu.Lock()
				if j.broken == nil {
					j.broken = fmt.Errorf("%s: %w", j.path, err)
				}
				j.mu.Unlock()
			}
			// At most one sync per journalSyncEvery: short runs would
			// otherwise keep the disk syncing back to back.
			select {
			case <-time.After(journalSyncEvery):
			case <-j.stop:
			}
		}
	}()
}

// append records a completed run; a sync follows shortly. buf is the
// caller's reusable encoding buffer.
func (j *journal) append(res *RunResult, buf *[]byte) error {
	*buf = encodeRecord((*buf)[:0], res, j.h.Derived)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.broken != nil {
		return j.broken
	}
	if _, err := j.f.Write(*buf); err != nil {
		j.broken = fmt.Errorf("%s: %w", j.path, err) // the file may end in a partial record
		return j.broken
	}
	j.appended++
	select {
	case j.kick <- struct{}{}:
	default: // a sync is already due
	}
	return nil
}

// count returns the runs recorded, with no append in progress.
func (j *journal) count() int { return j.resumed + j.appended }

// close syncs and closes the journal and keeps it, for a resume. No
// append may be in progress or follow.
func (j *journal) close() error {
	if j == nil || j.f == nil {
		return nil
	}
	close(j.stop)
	close(j.kick)
	<-j.syncDone
	err := j.f.Sync()
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	j.f = nil
	if err == nil {
		err = j.broken
	}
	return err
}

// remove closes and deletes the journal of a completed batch. It neither
// syncs what is about to be deleted nor waits for a sync in progress: the
// syncer ends on its own, and the descriptor closes when its sync returns.
func (j *journal) remove() error {
	if j != nil && j.f != nil {
		close(j.stop)
		close(j.kick)
		j.f.Close()
		j.f = nil
	}
	if err := os.Remove(j.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// removeStaleTemps deletes the temporary files that an interrupted batch
// may leave in dir: those of the batch's own files, named "."+name+".*".
func removeStaleTemps(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		for _, name := range []string{ManifestFile, RunsFile, QuantilesFile, PathsFile, SketchesFile, JournalFile} {
			if strings.HasPrefix(e.Name(), "."+name+".") && e.Type().IsRegular() {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
}

// syncDir syncs a directory so that a rename in it is durable; best effort
// (not every system can sync a directory).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
