package workspace

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kb-legal/kb/internal/sitefs"
)

// overlayFS is the site as the builder reads it: the source folder, with
// the files that have an overlay (an editor's unsaved buffer) replaced by
// it. An overlaid file that is not on disk exists all the same, when its
// folder does.
type overlayFS struct {
	base fs.FS

	mu    sync.RWMutex
	files map[string]overlay // by slash path relative to the site folder
	edits int64              // overlays set so far: each gets its own modification time
}

type overlay struct {
	data []byte
	mod  time.Time
}

var (
	_ fs.ReadFileFS = (*overlayFS)(nil)
	_ fs.ReadDirFS  = (*overlayFS)(nil)
	_ fs.StatFS     = (*overlayFS)(nil)
)

func newOverlayFS(base fs.FS) *overlayFS {
	return &overlayFS{base: base, files: map[string]overlay{}}
}

// set makes data name's contents until clear.
func (o *overlayFS) set(name string, data []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.edits++
	// A modification time of its own, so that the builder, which keeps a
	// file whose size and time did not change, reads every new version.
	o.files[name] = overlay{data: bytes.Clone(data), mod: time.Unix(0, o.edits).UTC()}
}

// clear drops name's overlay; it reports whether there was one.
func (o *overlayFS) clear(name string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, had := o.files[name]
	delete(o.files, name)
	return had
}

func (o *overlayFS) lookup(name string) (overlay, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	f, ok := o.files[name]
	return f, ok
}

// Open opens name, its overlay when it has one.
func (o *overlayFS) Open(name string) (fs.File, error) {
	if f, ok := o.lookup(name); ok {
		return &openOverlay{Reader: bytes.NewReader(f.data), info: overlayInfo{name: path.Base(name), f: f}}, nil
	}
	file, err := o.base.Open(name)
	if err != nil {
		return nil, err
	}
	if d, ok := file.(fs.ReadDirFile); ok {
		return &openDir{ReadDirFile: d, fsys: o, name: name}, nil
	}
	return file, nil
}

// ReadFile reads name, its overlay when it has one.
func (o *overlayFS) ReadFile(name string) ([]byte, error) {
	if f, ok := o.lookup(name); ok {
		if int64(len(f.data)) > sitefs.Limit(name) {
			return nil, &fs.PathError{Op: "read", Path: name, Err: sitefs.ErrTooLarge}
		}
		return bytes.Clone(f.data), nil
	}
	return fs.ReadFile(o.base, name)
}

// Stat describes name, its overlay when it has one.
func (o *overlayFS) Stat(name string) (fs.FileInfo, error) {
	if f, ok := o.lookup(name); ok {
		return overlayInfo{name: path.Base(name), f: f}, nil
	}
	return fs.Stat(o.base, name)
}

// ReadDir lists a folder, with the overlaid files that are not on disk,
// sorted by name.
func (o *overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(o.base, name)
	if err != nil {
		return entries, err
	}
	return o.merge(name, entries), nil
}

// merge adds to a folder's entries the overlaid files in it that are not
// on disk, and describes those that are as their overlay does.
func (o *overlayFS) merge(dir string, entries []fs.DirEntry) []fs.DirEntry {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if len(o.files) == 0 {
		return entries
	}
	prefix := dir + "/"
	if dir == "." {
		prefix = ""
	}
	added := false
	for name, f := range o.files {
		base, ok := strings.CutPrefix(name, prefix)
		if !ok || strings.Contains(base, "/") {
			continue
		}
		entry := fs.FileInfoToDirEntry(overlayInfo{name: base, f: f})
		i, found := slices.BinarySearchFunc(entries, base, func(e fs.DirEntry, name string) int { return strings.Compare(e.Name(), name) })
		if found {
			entries[i] = entry
		} else {
			entries = append(entries, entry)
			added = true
		}
	}
	if added {
		slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	}
	return entries
}

// openDir is an open folder of the overlaid site.
type openDir struct {
	fs.ReadDirFile
	fsys    *overlayFS
	name    string
	entries []fs.DirEntry // nil until first listed
	off     int
}

// ReadDir lists the folder, merged with its overlays, as fs.ReadDirFile
// says: n > 0 entries at a time, or all that are left.
func (d *openDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.entries == nil {
		entries, err := d.ReadDirFile.ReadDir(-1)
		if err != nil {
			return entries, err
		}
		slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
		d.entries = d.fsys.merge(d.name, entries)
		if d.entries == nil {
			d.entries = []fs.DirEntry{} // listed, and empty
		}
	}
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	k := min(n, len(rest))
	d.off += k
	return rest[:k], nil
}

// openOverlay is an overlaid file opened for reading.
type openOverlay struct {
	*bytes.Reader
	info overlayInfo
}

func (f *openOverlay) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *openOverlay) Close() error               { return nil }

// overlayInfo describes an overlaid file.
type overlayInfo struct {
	name string
	f    overlay
}

func (i overlayInfo) Name() string       { return i.name }
func (i overlayInfo) Size() int64        { return int64(len(i.f.data)) }
func (i overlayInfo) Mode() fs.FileMode  { return 0o644 }
func (i overlayInfo) ModTime() time.Time { return i.f.mod }
func (i overlayInfo) IsDir() bool        { return false }
func (i overlayInfo) Sys() any           { return nil }

// errInvalidPath is SetOverlay's error for a name that is no slash path
// inside the site folder.
var errInvalidPath = errors.New("not a slash-separated path inside the site folder")
