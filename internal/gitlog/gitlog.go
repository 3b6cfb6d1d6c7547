// Package gitlog reads from git when each file of a folder last changed:
// one "git log" over the folder per read, parsed here, not one process per
// file. It is the only package that runs git.
//
// A file's last change is the first commit touching it on the first-parent
// line from HEAD (the main line a site is published from: a merged branch
// counts from its merge), dated by the commit's committer time. The log
// also gives the file's blob id at HEAD, so a caller holding the file's
// bytes can tell whether they are the committed ones (see Log.Committed)
// without asking git again: an edit not yet committed is not dated by the
// commit before it.
package gitlog

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Change is the last commit that touched a file.
type Change struct {
	Commit string
	Time   time.Time // the committer time, in UTC
	// Blob is the file's blob id after the commit: its id at HEAD; ""
	// when the commit deleted the file.
	Blob string
	// Boundary: the commit is the edge of a shallow clone, which shows
	// every file it holds as added there; the file last changed then or
	// earlier.
	Boundary bool
}

// Log is what git says of the files under one folder.
type Log struct {
	Head    string            // the commit read
	Shallow bool              // a shallow clone: some dates are its boundary's
	Files   map[string]Change // by slash path relative to the folder read from
}

// Head returns the commit HEAD names in dir, the cheap test of whether a
// Log read earlier is still current.
func Head(ctx context.Context, dir string) (string, error) {
	out, err := git(ctx, dir, "rev-parse", "--verify", "-q", "HEAD")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// Read reads the history of the files under sub, a slash path relative to
// dir (which may be anywhere inside a work tree). It fails when git is
// missing, dir is in no repository or the repository has no commit yet.
func Read(ctx context.Context, dir, sub string) (*Log, error) {
	out, err := git(ctx, dir, "rev-parse", "--is-shallow-repository", "--verify", "-q", "HEAD")
	if err != nil {
		return nil, err
	}
	lines := strings.Fields(string(out))
	if len(lines) != 2 {
		return nil, fmt.Errorf("git rev-parse: unexpected output %q", out)
	}
	l := &Log{Shallow: lines[0] == "true", Head: lines[1]}
	// Every option that shapes the output is spelt out, so that a user's
	// configuration (renames, signatures, colour) cannot change it.
	out, err = git(ctx, dir, "log", "-z", "--relative", "--first-parent", "-m", "--raw", "--no-abbrev",
		"--no-renames", "--no-color", "--no-show-signature", "--format=%H %ct %P", "HEAD", "--", sub)
	if err != nil {
		return nil, err
	}
	if l.Files, err = Parse(out, l.Shallow); err != nil {
		return nil, err
	}
	return l, nil
}

// git runs git in dir with the arguments and returns its output.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "core.quotePath=false", "-c", "log.showSignature=false"}, args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out, nil
}

// Parse reads the output of "git log -z --raw --no-abbrev --no-renames
// --format='%H %ct %P'": per commit, a header and one raw entry per file
// changed (":modes blobs status", NUL, path, NUL). Each path gets the first
// commit that names it. shallow says the parentless commits are a shallow
// clone's boundary rather than true roots.
func Parse(data []byte, shallow bool) (map[string]Change, error) {
	files := map[string]Change{}
	var cur *Change // the commit whose entries follow
	fields := bytes.Split(data, []byte{0})
	for i := 0; i < len(fields); i++ {
		tok := string(bytes.TrimLeft(fields[i], "\n"))
		switch {
		case tok == "":
			continue
		case tok[0] == ':':
			if cur == nil {
				return nil, fmt.Errorf("git log: a file entry before any commit: %q", clip(tok))
			}
			blob, err := rawEntry(tok)
			if err != nil {
				return nil, err
			}
			if i+1 >= len(fields) || len(fields[i+1]) == 0 {
				return nil, fmt.Errorf("git log: no path after %q", clip(tok))
			}
			i++
			name := string(fields[i])
			if _, seen := files[name]; !seen {
				c := *cur
				c.Blob = blob
				files[name] = c
			}
		default:
			c, err := header(tok, shallow)
			if err != nil {
				return nil, err
			}
			cur = &c
		}
	}
	return files, nil
}

// header parses "<commit> <unix time> <parents…>".
func header(tok string, shallow bool) (Change, error) {
	f := strings.Fields(tok)
	if len(f) < 2 || !isHex(f[0]) {
		return Change{}, fmt.Errorf("git log: not a commit header: %q", clip(tok))
	}
	sec, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return Change{}, fmt.Errorf("git log: bad commit time in %q", clip(tok))
	}
	return Change{Commit: f[0], Time: time.Unix(sec, 0).UTC(), Boundary: shallow && len(f) == 2}, nil
}

// rawEntry parses ":100644 100644 <old> <new> M" and returns the new blob
// id, "" for a deletion.
func rawEntry(tok string) (string, error) {
	f := strings.Fields(tok[1:])
	if len(f) != 5 || !isHex(f[2]) || !isHex(f[3]) || len(f[2]) != len(f[3]) || f[4] == "" {
		return "", fmt.Errorf("git log: not a raw diff entry: %q", clip(tok))
	}
	if f[4][0] == 'D' || strings.Trim(f[3], "0") == "" {
		return "", nil
	}
	return f[3], nil
}

func isHex(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// Committed returns the last change of the file at path (relative to the
// folder read) when data, its bytes, are those committed at HEAD: a file
// not in the log, deleted, or edited since gives false. A checkout that
// turned line endings into CRLF (core.autocrlf) still matches.
func (l *Log) Committed(path string, data []byte) (Change, bool) {
	if l == nil {
		return Change{}, false
	}
	c, ok := l.Files[path]
	if !ok || c.Blob == "" {
		return Change{}, false
	}
	if BlobID(data, len(c.Blob)) == c.Blob {
		return c, true
	}
	if bytes.Contains(data, []byte("\r\n")) && BlobID(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), len(c.Blob)) == c.Blob {
		return c, true
	}
	return Change{}, false
}

// BlobID is git's id of a file with these bytes: hexLen 40 for SHA-1
// repositories, 64 for SHA-256 ones.
func BlobID(data []byte, hexLen int) string {
	var h hash.Hash
	switch hexLen {
	case 40:
		h = sha1.New()
	case 64:
		h = sha256.New()
	default:
		return ""
	}
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}
