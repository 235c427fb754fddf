package sim

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// atomicFiles writes a set of files into dir under temporary names and
// renames them into place only when all are complete, so an interrupted
// command never leaves a half-written file.
type atomicFiles struct {
	dir   string
	names []string
	tmps  []string
}

// write writes name through a temporary file, synced and closed.
func (a *atomicFiles) write(name string, f func(*bufio.Writer) error) error {
	return a.writeAll([]string{name}, []func(*bufio.Writer) error{f})
}

// writeAll writes the files concurrently (each through its own temporary
// file, synced and closed) and adds them to the set in the given order.
func (a *atomicFiles) writeAll(names []string, fs []func(*bufio.Writer) error) error {
	tmps := make([]string, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tmps[i], errs[i] = writeTemp(a.dir, names[i], fs[i])
		}()
	}
	wg.Wait()
	for i := range names {
		if tmps[i] != "" {
			a.tmps = append(a.tmps, tmps[i])
			a.names = append(a.names, names[i])
		}
	}
	return errors.Join(errs...)
}

// writeTemp writes a temporary file for name in dir and returns its path
// ("" if it could not be created).
func writeTemp(dir, name string, f func(*bufio.Writer) error) (string, error) {
	tmp, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return "", err
	}
	w := bufio.NewWriterSize(tmp, 1<<16)
	if err := f(w); err != nil {
		tmp.Close()
		return tmp.Name(), err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return tmp.Name(), err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return tmp.Name(), err
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes 0600
		tmp.Close()
		return tmp.Name(), err
	}
	return tmp.Name(), tmp.Close()
}

// adopt adds a temporary file written elsewhere, to be renamed to name.
func (a *atomicFiles) adopt(tmp, name string) {
	a.tmps = append(a.tmps, tmp)
	a.names = append(a.names, name)
}

// ErrPartialCommit is wrapped by a commit that removed the old manifest
// and then failed to rename its files into place: the directory then holds
// no manifest, so it is not taken for a batch, and its other files may be
// a mix of two batches.
var ErrPartialCommit = errors.New("the output directory holds no manifest")

// commit renames every file into place. When the set holds a manifest, the
// old one goes first and the new one comes last: a directory whose renames
// stop part way has none, and is not read as a batch whose files are
// partly another's.
func (a *atomicFiles) commit() error {
	order := make([]int, 0, len(a.tmps))
	last := -1
	for i, n := range a.names {
		if n == ManifestFile {
			last = i
			continue
		}
		order = append(order, i)
	}
	if last >= 0 {
		order = append(order, last)
		if err := os.Remove(filepath.Join(a.dir, ManifestFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err // nothing renamed yet
		}
	}
	for k, i := range order {
		if err := os.Rename(a.tmps[i], filepath.Join(a.dir, a.names[i])); err != nil {
			switch {
			case k > 0:
				return fmt.Errorf("%w and part of the new files: %w", ErrPartialCommit, err)
			case last >= 0:
				return fmt.Errorf("%w (the old one is removed) and none of the new files: %w", ErrPartialCommit, err)
			}
			return err
		}
	}
	a.tmps = nil
	return nil
}

// abort removes the temporary files of an unfinished set.
func (a *atomicFiles) abort() {
	for _, t := range a.tmps {
		os.Remove(t)
	}
}
