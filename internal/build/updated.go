package build

import (
	"cmp"
	"context"
	"time"

	"github.com/kb-legal/kb/internal/gitlog"
	"github.com/kb-legal/kb/internal/render"
	"github.com/kb-legal/kb/internal/site"
)

// When a page was last updated comes from git: the last commit that
// touched its file, when the file's bytes are the ones committed at HEAD.
// A site outside git, or a file added or edited since the last commit,
// falls back to the file's modification time, and the page says so; so
// does Options.Epoch, when set, in place of file times (SOURCE_DATE_EPOCH).
// A clean checkout of one commit thus gives the same dates, and the same
// output, wherever and whenever it is built.

// Where a last-updated date comes from.
const (
	fromGit      = "git"      // the last commit touching the file
	fromBoundary = "boundary" // a shallow clone's edge: that commit or earlier
	fromFile     = "file"     // the file's time: outside git, or not committed
)

// lastUpdated is when a page's file last changed, and how that is known.
type lastUpdated struct {
	Time time.Time // UTC; zero when unknown
	From string
}

// history reads the site's git history (nil when there is none): once per
// Generate; a Builder reads it again only when HEAD moved.
func (fresh) history(ctx context.Context, dir string) *gitlog.Log {
	if dir == "" {
		return nil
	}
	log, _ := gitlog.Read(ctx, dir, "content")
	return log
}

// history is fresh's, read again only when HEAD moved.
func (c *cache) history(ctx context.Context, dir string) *gitlog.Log {
	if dir == "" {
		return nil
	}
	head, err := gitlog.Head(ctx, dir)
	if err != nil {
		c.hist = nil
		return nil
	}
	if c.hist == nil || c.hist.Head != head {
		c.hist, _ = gitlog.Read(ctx, dir, "content")
	}
	return c.hist
}

// updatedDates works out every content file's last-updated date.
func updatedDates(ctx context.Context, r reuse, srcs []source, log *gitlog.Log, epoch time.Time) (map[string]lastUpdated, error) {
	out := make([]lastUpdated, len(srcs))
	err := parallel(ctx, len(srcs), func(i int) { out[i] = r.updatedOf(srcs[i], log, epoch) })
	m := make(map[string]lastUpdated, len(srcs))
	for i, src := range srcs {
		m[src.File] = out[i]
	}
	return m, err
}

// dateOf is one file's date.
func dateOf(src source, log *gitlog.Log, epoch time.Time) lastUpdated {
	// A file's time counts by the day: saving a file unchanged the same
	// day changes no page.
	u := lastUpdated{Time: day(src.Mod), From: fromFile}
	if !epoch.IsZero() {
		u.Time = day(epoch)
	}
	if src.Mod.IsZero() && epoch.IsZero() {
		u = lastUpdated{}
	}
	if ch, ok := log.Committed("content/"+src.File, src.Data); ok {
		u = lastUpdated{Time: ch.Time, From: fromGit}
		if ch.Boundary {
			u.From = fromBoundary
		}
	}
	return u
}

func (fresh) updatedOf(src source, log *gitlog.Log, epoch time.Time) lastUpdated {
	return dateOf(src, log, epoch)
}

// updatedOf is fresh's; a Builder dates again only bytes it has not seen
// with this history.
func (c *cache) updatedOf(src source, log *gitlog.Log, epoch time.Time) lastUpdated {
	var head string
	if log != nil {
		head = log.Head
	}
	c.mu.Lock()
	e, ok := c.dates[src.File]
	c.mu.Unlock()
	if ok && e.head == head && e.read == src.read && e.mod.Equal(src.Mod) {
		return e.updated
	}
	u := dateOf(src, log, epoch)
	c.mu.Lock()
	c.dates[src.File] = cachedDate{read: src.read, mod: src.Mod, head: head, updated: u}
	c.mu.Unlock()
	return u
}

// day is t's UTC day.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

type cachedDate struct {
	read    uint64 // of the bytes dated (see source)
	mod     time.Time
	head    string
	updated lastUpdated
}

// updatedOf is what page p shows of its last update; nil for pages the
// build makes and files whose date is unknown.
func (g *generation) updatedOf(p *site.Page) *render.Updated {
	u, ok := g.updated[p.File]
	if p.File == "" || !ok || u.Time.IsZero() {
		return nil
	}
	return &render.Updated{Date: u.Time.Format(time.DateOnly), Time: g.lastMod(p),
		OnOrBefore: u.From == fromBoundary, FileTime: u.From == fromFile}
}

// lastMod is page p's last update for the sitemap and the feed: its git
// time (RFC 3339) or its file's day, else its date or as_of (YYYY-MM-DD);
// "" for none.
func (g *generation) lastMod(p *site.Page) string {
	if u, ok := g.updated[p.File]; ok && p.File != "" && !u.Time.IsZero() {
		if u.From == fromFile {
			return u.Time.Format(time.DateOnly)
		}
		return u.Time.Format(time.RFC3339)
	}
	return cmp.Or(p.Date, p.AsOf)
}
