package sim

import (
	"bufio"
	"os"
	"path/filepath"
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
	tmp, err := os.CreateTemp(a.dir, "."+name+".*")
	if err != nil {
		return err
	}
	a.tmps = append(a.tmps, tmp.Name())
	a.names = append(a.names, name)
	w := bufio.NewWriterSize(tmp, 1<<16)
	if err := f(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes 0600
		tmp.Close()
		return err
	}
	return tmp.Close()
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
