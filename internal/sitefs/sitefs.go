// Package sitefs is the one gate through which kb reads a site's files:
// content, themes, static files and kb.yaml. It is an fs.FS rooted at the
// source folder (an os.Root), so a path, or a symbolic link, that leads
// outside the folder is refused; it opens regular files only (never a
// device, a FIFO or a socket, which could hang or never end); and it reads
// no file past the size cap for its kind (see Limit).
//
// Refusals are errors wrapping ErrOutside, ErrNotRegular or ErrTooLarge
// inside an *fs.PathError, so callers can report them at the file.
package sitefs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// Why a file was refused.
var (
	ErrOutside    = errors.New("a symbolic link to outside the source folder")
	ErrNotRegular = errors.New("not a regular file (a device, FIFO or socket)")
	ErrTooLarge   = errors.New("file is too large")
)

// Size caps by kind of file, in bytes. The README states them.
const (
	ContentLimit = 8 << 20  // content/**: a Markdown page
	ConfigLimit  = 32 << 10 // kb.yaml (its YAML is parsed within a budget)
	LayoutLimit  = 1 << 20  // themes/*/layouts/**: a template
	AssetLimit   = 16 << 20 // themes/*/assets/**: CSS, scripts, fonts, images
	StaticLimit  = 64 << 20 // static/**: files published as they are
	OtherLimit   = 8 << 20  // anything else kb reads
)

// Limit is the size cap of the file at name, a slash-separated path
// relative to the source folder.
func Limit(name string) int64 {
	parts := strings.Split(name, "/")
	switch {
	case name == "kb.yaml":
		return ConfigLimit
	case parts[0] == "content":
		return ContentLimit
	case parts[0] == "static":
		return StaticLimit
	case parts[0] == "themes" && len(parts) > 2 && parts[2] == "layouts":
		return LayoutLimit
	case parts[0] == "themes" && len(parts) > 2 && parts[2] == "assets":
		return AssetLimit
	}
	return OtherLimit
}

// FS reads a source folder. It is safe for concurrent use.
type FS struct {
	root *os.Root
}

var (
	_ fs.ReadFileFS = (*FS)(nil)
	_ fs.ReadDirFS  = (*FS)(nil)
	_ fs.StatFS     = (*FS)(nil)
)

// Open opens the source folder dir. Close releases it.
func Open(dir string) (*FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &FS{root: root}, nil
}

// Close releases the folder.
func (f *FS) Close() error { return f.root.Close() }

// Open opens a folder, or a regular file within its size cap.
func (f *FS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	// Non-blocking, so that opening a FIFO returns at once instead of
	// waiting for a writer; the file is refused just below.
	file, err := f.root.OpenFile(name, os.O_RDONLY|openFlags, 0)
	if err != nil {
		if info, serr := f.root.Stat(name); serr == nil && !info.Mode().IsRegular() && !info.IsDir() {
			err = ErrNotRegular // a socket cannot even be opened
		}
		return nil, refusal("open", name, err)
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if info.IsDir() {
		return dir{file}, nil
	}
	if !info.Mode().IsRegular() {
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	limit := Limit(name)
	if info.Size() > limit {
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: tooLarge(info.Size(), limit)}
	}
	return &capped{file: file, name: name, left: limit, limit: limit}, nil
}

// ReadFile reads a regular file within its size cap.
func (f *FS) ReadFile(name string) ([]byte, error) {
	file, err := f.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	c, ok := file.(*capped)
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	info, err := c.file.Stat()
	if err != nil {
		return nil, err
	}
	data := make([]byte, 0, info.Size()+1)
	for {
		n, err := c.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = slices.Grow(data, 4096)
		}
	}
}

// ReadDir lists a folder, sorted by name.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	file, err := f.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	d, ok := file.(dir)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	entries, err := d.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

// Stat describes the file at name, following symbolic links inside the
// folder. It reports what is there, regular or not; Open refuses.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	info, err := f.root.Stat(name)
	if err != nil {
		return nil, refusal("stat", name, err)
	}
	return info, nil
}

// refusal names why os.Root refused name: a link out of the folder is
// ErrOutside (os.Root's own error for it is not exported).
func refusal(op, name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Err.Error() == "path escapes from parent" {
		return &fs.PathError{Op: op, Path: name, Err: ErrOutside}
	}
	if errors.As(err, &pe) {
		return &fs.PathError{Op: op, Path: name, Err: pe.Err}
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func tooLarge(size, limit int64) error {
	return fmt.Errorf("%w (%s; the limit is %s)", ErrTooLarge, bytesText(size), bytesText(limit))
}

// bytesText writes a size the way the README states the caps.
func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", (n+(1<<20)-1)>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+(1<<10)-1)>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// dir is an open folder.
type dir struct{ *os.File }

func (d dir) ReadDir(n int) ([]fs.DirEntry, error) { return d.File.ReadDir(n) }

// capped is an open regular file that fails rather than read past its cap
// (it may have grown since it was opened).
type capped struct {
	file        *os.File
	name        string
	left, limit int64
}

func (c *capped) Stat() (fs.FileInfo, error) { return c.file.Stat() }
func (c *capped) Close() error               { return c.file.Close() }

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One more byte tells a file of exactly the cap from a longer one.
		var one [1]byte
		if n, _ := c.file.Read(one[:]); n > 0 {
			return 0, &fs.PathError{Op: "read", Path: c.name, Err: tooLarge(c.limit+1, c.limit)}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.file.Read(p)
	c.left -= int64(n)
	return n, err
}
