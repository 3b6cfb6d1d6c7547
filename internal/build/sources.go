package build

import (
	"context"
	"io/fs"
	"path"
	"strings"
	"time"
)

// BuildChanged is Build for a caller that knows which files changed since
// the last Build (slash paths relative to the site directory, files or
// folders, as package watch reports them): other content files are not
// read again unless their size or modification time changed. Build reads
// every file.
func (b *Builder) BuildChanged(ctx context.Context, paths []string) (*Rebuild, error) {
	fresh := make(map[string]bool, len(paths))
	for _, p := range paths {
		fresh[path.Clean(p)] = true
	}
	return b.build(ctx, fresh)
}

// cachedSource is a content file as an earlier build read it.
type cachedSource struct {
	size int64
	mod  time.Time
	data []byte
}

// source returns the bytes an earlier build read from the content file
// name, if it is not among the changed paths (nor under one) and its size
// and modification time are those it had then.
func (c *cache) source(name string, info fs.FileInfo) ([]byte, bool) {
	if c == nil || c.fresh == nil {
		return nil, false
	}
	for p := name; p != "." && p != "/"; p = path.Dir(p) {
		if c.fresh[p] {
			return nil, false
		}
	}
	c.mu.Lock()
	e, ok := c.sources[strings.TrimPrefix(name, "content/")]
	c.mu.Unlock()
	if !ok || e.size != info.Size() || !e.mod.Equal(info.ModTime()) {
		return nil, false
	}
	return e.data, true
}

// keepSource remembers the bytes read from the content file name.
func (c *cache) keepSource(name string, info fs.FileInfo, data []byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.sources[strings.TrimPrefix(name, "content/")] = cachedSource{size: info.Size(), mod: info.ModTime(), data: data}
	c.mu.Unlock()
}
