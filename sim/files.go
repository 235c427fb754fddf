package sim

import (
	"bufio"
	"errors"
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

// commit renames every file into place.
func (a *atomicFiles) commit() error {
	for i, t := range a.tmps {
		if err := os.Rename(t, filepath.Join(a.dir, a.names[i])); err != nil {
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
