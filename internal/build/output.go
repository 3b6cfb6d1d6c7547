package build

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Sink receives the files of a built site, by slash-separated path.
// WriteFile may be called from several goroutines at once.
type Sink interface {
	WriteFile(name string, data []byte) error
}

// MemSink keeps a built site in memory, e.g. for the preview server.
type MemSink struct {
	mu    sync.Mutex
	Files map[string][]byte
}

// NewMemSink returns an empty MemSink.
func NewMemSink() *MemSink { return &MemSink{Files: map[string][]byte{}} }

// WriteFile implements Sink.
func (m *MemSink) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Files[name] = data
	return nil
}

var _ Sink = (*MemSink)(nil)

// stagedDir is an output directory being written beside its final place.
// Commit swaps it in; Abort removes it. Until Commit, the previous output
// is untouched.
type stagedDir struct {
	Final string // where the output goes
	Dir   string // the temp dir written to

	dirs sync.Map // slash dirs under Dir known to exist: each is made once, without a stat per file
}

// Stage creates a temp dir beside final (same file system, so the swap is
// a rename). Its name carries the process id, so that the staging dirs of
// builds killed before they could clean up are recognised and removed here.
func stage(final string) (*stagedDir, error) {
	final = filepath.Clean(final)
	parent, prefix := filepath.Dir(final), "."+filepath.Base(final)+".tmp-"
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	removeAbandoned(parent, prefix)
	dir, err := os.MkdirTemp(parent, prefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, fmt.Errorf("staging output: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	return &stagedDir{Final: final, Dir: dir}, nil
}

// removeAbandoned removes staging dirs left by builds whose process is gone
// (killed by SIGKILL, or a crash). Dirs of running builds are left alone.
func removeAbandoned(parent, prefix string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.IsDir() {
			continue
		}
		pid, err := strconv.Atoi(strings.SplitN(rest, "-", 2)[0])
		if err == nil && pid != os.Getpid() && !processAlive(pid) {
			_ = os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}

// WriteFile implements Sink.
func (s *stagedDir) WriteFile(name string, data []byte) error {
	if err := s.mkdir(path.Dir(name)); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.Dir, filepath.FromSlash(name)), data, 0o644)
}

// Create implements fileCreator: the file is written as it is made.
func (s *stagedDir) Create(name string) (io.WriteCloser, error) {
	if err := s.mkdir(path.Dir(name)); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(s.Dir, filepath.FromSlash(name)), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}

// mkdir makes the slash dir under Dir and its parents, each once.
func (s *stagedDir) mkdir(dir string) error {
	if dir == "." || dir == "/" {
		return nil
	}
	if _, ok := s.dirs.Load(dir); ok {
		return nil
	}
	if err := s.mkdir(path.Dir(dir)); err != nil {
		return err
	}
	// Another goroutine may make it at the same time: that is fine.
	if err := os.Mkdir(filepath.Join(s.Dir, filepath.FromSlash(dir)), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	s.dirs.Store(dir, true)
	return nil
}

var (
	_ Sink        = (*stagedDir)(nil)
	_ fileCreator = (*stagedDir)(nil)
)

// Commit replaces Final with the staged directory, and leaves the previous
// output in Dir for Abort to remove: a build that swaps in a site and its
// index swaps both first, so that a kill between the two is all but
// impossible, and removes the old ones after. Where the system can
// exchange two paths in one step (Linux), readers see the old output or
// the new one, never none; elsewhere the old output is moved aside first.
func (s *stagedDir) Commit() error {
	if err := exchange(s.Dir, s.Final); err == nil {
		return nil // Dir now holds the previous output
	}
	old := s.Dir + ".old"
	hadOld := true
	if err := os.Rename(s.Final, old); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("replacing %s: %w", s.Final, err)
		}
		hadOld = false
	}
	if err := os.Rename(s.Dir, s.Final); err != nil {
		if hadOld {
			_ = os.Rename(old, s.Final) // put the previous output back
		}
		return fmt.Errorf("replacing %s: %w", s.Final, err)
	}
	if hadOld {
		return os.Rename(old, s.Dir)
	}
	return nil
}

// Abort removes Dir: the staged output before Commit, the previous one
// after.
func (s *stagedDir) Abort() error { return os.RemoveAll(s.Dir) }
