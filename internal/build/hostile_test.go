package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/kb-legal/kb/internal/diag"
)

// The hostile corpus: each testdata/hostile/*.txtar is a site, with what
// must happen when it is built in the archive's comment, one directive a
// line ("#" lines are notes):
//
//	exit: 0|1          1 when the build must report problems
//	problem: TEXT      a problem, as printed ("file:line:col: message (hint)"), contains TEXT
//	page: PATH         a file the output must hold (exit 0)
//	setup: ACTION ARGS done to the site before building:
//	    big FILE MB        append MB megabytes of text to FILE
//	    nest FILE N        append N-deep lists, quotes, brackets and emphasis
//	    longline FILE MB   append one line of MB megabytes
//	    symlink LINK DEST  make LINK a symbolic link to DEST
//	    fifo FILE          make FILE a named pipe (FIFO)
//	    chmod000 FILE      make FILE unreadable (skipped when running as root)
//
// In file contents {{FF}} and {{NUL}} stand for the bytes 0xff and 0x00.
//
// Every case first builds a good site into the output directory, then the
// hostile one over it: a failing build must leave that output untouched.

// goodSite is built first, so there is previous output to protect.
const goodSite = `
-- kb.yaml --
title: Good
-- content/_index.md --
---
title: Home
---
Welcome. See [[good-a]].
-- content/a.md --
---
id: good-a
title: A good page
kind: provision
cite: "Good Art. 1"
---
{#p1} 1. The first paragraph.
`

type hostileCase struct {
	exit     int
	problems []string
	pages    []string
	setups   [][]string
}

// needsPermissions reports whether the case makes a file unreadable, which
// a build running as root would read all the same.
func (hc hostileCase) needsPermissions() bool {
	for _, s := range hc.setups {
		if len(s) > 0 && s[0] == "chmod000" {
			return true
		}
	}
	return false
}

func parseHostile(t *testing.T, comment []byte) hostileCase {
	t.Helper()
	hc := hostileCase{exit: -1}
	for line := range strings.SplitSeq(string(comment), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		val = strings.TrimSpace(val)
		if !ok {
			t.Fatalf("bad directive %q", line)
		}
		switch key {
		case "exit":
			n, err := strconv.Atoi(val)
			if err != nil {
				t.Fatalf("bad exit %q", val)
			}
			hc.exit = n
		case "problem":
			hc.problems = append(hc.problems, val)
		case "page":
			hc.pages = append(hc.pages, val)
		case "setup":
			hc.setups = append(hc.setups, strings.Fields(val))
		default:
			t.Fatalf("unknown directive %q", key)
		}
	}
	if hc.exit != 0 && hc.exit != 1 {
		t.Fatal("every case needs exit: 0 or exit: 1")
	}
	if hc.exit == 1 && len(hc.problems) == 0 {
		t.Fatal("a failing case needs at least one problem: line")
	}
	return hc
}

// writeSite writes an archive's files under dir.
func writeSite(t *testing.T, dir string, files []txtar.File) {
	t.Helper()
	for _, f := range files {
		data := bytes.ReplaceAll(f.Data, []byte("{{FF}}"), []byte{0xff})
		data = bytes.ReplaceAll(data, []byte("{{NUL}}"), []byte{0})
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func appendFile(t *testing.T, name string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func applySetup(t *testing.T, dir string, s []string) {
	t.Helper()
	arg := func(i int) string {
		if len(s) <= i {
			t.Fatalf("setup %v: missing argument %d", s, i)
		}
		return s[i]
	}
	num := func(i int) int {
		n, err := strconv.Atoi(arg(i))
		if err != nil {
			t.Fatalf("setup %v: %v", s, err)
		}
		return n
	}
	file := func(i int) string { return filepath.Join(dir, filepath.FromSlash(arg(i))) }
	switch arg(0) {
	case "big":
		line := []byte(strings.Repeat("All work and no play makes a lawyer a dull writer. ", 19) + "\n") // ~1 KB
		appendFile(t, file(1), bytes.Repeat(line, num(2)<<20/len(line)+1))
	case "nest":
		n := num(2)
		var b bytes.Buffer
		b.WriteString("\n")
		b.WriteString(strings.Repeat("- ", n) + "deep item\n")
		b.WriteString("\n" + strings.Repeat("1. ", n) + "deep ordered item\n")
		b.WriteString("\n" + strings.Repeat("> ", n) + "deep quote\n")
		b.WriteString("\n" + strings.Repeat("> - ", n) + "quote in list in quote\n")
		b.WriteString("\n" + strings.Repeat("[", n) + "deep" + strings.Repeat("]", n) + "\n")
		b.WriteString("\n" + strings.Repeat("*", n) + "stars" + strings.Repeat("*", n) + "\n")
		appendFile(t, file(1), b.Bytes())
	case "longline":
		appendFile(t, file(1), append(bytes.Repeat([]byte("word [[x "), num(2)<<20/9), '\n'))
	case "symlink":
		if err := os.Symlink(arg(2), file(1)); err != nil {
			t.Fatal(err)
		}
	case "fifo":
		if err := syscall.Mkfifo(file(1), 0o644); err != nil {
			t.Skipf("no FIFO here: %v", err)
		}
	case "chmod000": // as root, the build runs as nobody (see TestHostile)
		if err := os.Chmod(file(1), 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(file(1), 0o644) })
	default:
		t.Fatalf("unknown setup %v", s)
	}
}

// tree is a directory's files by slash path, each as a content hash.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[filepath.ToSlash(rel)+"/"] = "dir"
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// runGuarded builds src into out and index in a child process (this test
// binary, running TestHostileChild), the whole indexing build: a panic in
// any goroutine fails the case with its stack instead of the test binary,
// and the build is held to a budget of CPU time (RLIMIT_CPU), not of wall
// clock, so that a loaded machine or -race does not fail it. A hang that
// burns no CPU still ends at hostileHang. As root, asRoot false runs the
// child as nobody, so that file permissions apply.
func runGuarded(t *testing.T, src, out, index string, asNobody bool) (*Result, error) {
	t.Helper()
	resultFile := filepath.Join(filepath.Dir(out), "result-"+filepath.Base(src)+".json")
	ctx, cancel := context.WithTimeout(context.Background(), hostileHang)
	defer cancel()
	bin := os.Args[0]
	if asNobody {
		bin = nobodyBinary(t, filepath.Dir(out))
	}
	var cmd *exec.Cmd
	var output []byte
	var err error
	// A copy of the binary just written can be busy for a moment (ETXTBSY)
	// while a parallel test's fork still holds it open for writing (Go
	// issue 22315): starting again shortly after is the cure.
	for try := 0; ; try++ {
		cmd = exec.CommandContext(ctx, bin, "-test.run=^TestHostileChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "KB_HOSTILE_SOURCE="+src, "KB_HOSTILE_OUT="+out, "KB_HOSTILE_INDEX="+index, "KB_HOSTILE_RESULT="+resultFile)
		if asNobody {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		}
		output, err = cmd.CombinedOutput()
		if cmd.ProcessState != nil {
			break
		}
		if !errors.Is(err, syscall.ETXTBSY) || try == 20 {
			t.Fatalf("starting the build: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	t.Logf("build of %s: %v CPU", filepath.Base(src), cpu.Round(time.Millisecond))
	if ctx.Err() != nil {
		t.Fatalf("build still running after %v with %v of CPU: a hang\n%s", hostileHang, cpu, output)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGXCPU {
		t.Fatalf("build over its CPU budget of %v", hostileCPU*raceSlowdown)
	}
	if err != nil {
		t.Fatalf("build crashed (%v):\n%s", err, output)
	}
	data, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatalf("the child left no result: %v\n%s", err, output)
	}
	var r struct {
		Problems diag.List
		Err      string
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if r.Err != "" {
		return &Result{Problems: r.Problems}, errors.New(r.Err)
	}
	return &Result{Problems: r.Problems}, nil
}

// hostileCPU is one hostile build's CPU budget (times raceSlowdown);
// hostileHang ends a build that waits without using CPU.
const (
	hostileCPU  = 30 * time.Second
	hostileHang = 10 * time.Minute
)

// TestHostileChild is runGuarded's child: it builds the site it is given
// and writes the outcome as JSON.
func TestHostileChild(t *testing.T) {
	src := os.Getenv("KB_HOSTILE_SOURCE")
	if src == "" {
		t.Skip("TestHostile runs it in a child process")
	}
	budget := uint64((hostileCPU * raceSlowdown).Seconds())
	if err := syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: budget, Max: budget + 10}); err != nil {
		t.Fatalf("setting the CPU budget: %v", err)
	}
	res, err := RunWithIndex(context.Background(), Options{Source: src}, os.Getenv("KB_HOSTILE_OUT"), os.Getenv("KB_HOSTILE_INDEX"))
	var r struct {
		Problems diag.List
		Err      string
	}
	if res != nil {
		r.Problems = res.Problems
	}
	if err != nil {
		r.Err = err.Error()
	}
	data, _ := json.Marshal(r)
	if err := os.WriteFile(os.Getenv("KB_HOSTILE_RESULT"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// nobody is the user a root test runs a build as, so that permissions apply.
const nobody = 65534

// nobodyBinary copies this test binary where nobody can run it.
func nobodyBinary(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "build.test")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

// openToNobody makes root and everything under it readable by nobody,
// and root writable, as the site and output of a build run as nobody.
func openToNobody(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(p, 0o755)
		}
		if d.Type().IsRegular() {
			return os.Chmod(p, 0o644)
		}
		return nil
	})
	if err == nil {
		err = os.Chmod(root, 0o777)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestHostile(t *testing.T) {
	t.Parallel()
	names, err := filepath.Glob(filepath.Join("testdata", "hostile", "*.txtar"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no hostile cases: %v", err)
	}
	for _, name := range names {
		t.Run(strings.TrimSuffix(filepath.Base(name), ".txtar"), func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(name)
			if err != nil {
				t.Fatal(err)
			}
			hc := parseHostile(t, ar.Comment)
			root := t.TempDir()
			asNobody := os.Geteuid() == 0 && hc.needsPermissions()
			if asNobody {
				// /tmp, not the test's own 0700 temp folder, so that nobody
				// can reach the site.
				var err error
				if root, err = os.MkdirTemp("", "kb-hostile-*"); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.RemoveAll(root) })
			}
			good, bad, out, index := filepath.Join(root, "good"), filepath.Join(root, "bad"), filepath.Join(root, "public"), filepath.Join(root, "index")
			writeSite(t, good, txtar.Parse([]byte(goodSite)).Files)
			if res, err := runGuarded(t, good, out, index, false); err != nil || len(res.Problems) > 0 {
				t.Fatalf("good site: %v %v", err, res.Problems)
			}
			before := tree(t, out)

			writeSite(t, bad, ar.Files)
			if asNobody {
				openToNobody(t, root)
			}
			for _, s := range hc.setups {
				applySetup(t, bad, s)
			}
			res, err := runGuarded(t, bad, out, index, asNobody)
			if err != nil {
				t.Fatalf("build failed without problems: %v", err)
			}
			printed := res.Problems.Error()
			exit := 0
			if len(res.Problems) > 0 {
				exit = 1
			}
			if exit != hc.exit {
				t.Fatalf("exit %d, want %d; problems:\n%s", exit, hc.exit, printed)
			}
			for _, want := range hc.problems {
				if !strings.Contains(printed, want) {
					t.Errorf("no problem contains %q; got:\n%s", want, printed)
				}
			}
			for _, p := range res.Problems {
				if p.File == "" || p.Message == "" {
					t.Errorf("problem without a file or message: %+v", p)
				}
			}
			after := tree(t, out)
			if exit == 1 && !sameTree(before, after) {
				t.Errorf("a failed build changed the previous output")
			}
			if exit == 0 && sameTree(before, after) {
				t.Errorf("a good build left the previous output in place")
			}
			for _, p := range hc.pages {
				if _, ok := after[p]; !ok {
					t.Errorf("output has no %s", p)
				}
			}
			leftovers, _ := filepath.Glob(filepath.Join(root, ".*.tmp-*"))
			if len(leftovers) > 0 {
				t.Errorf("staging left behind: %v", leftovers)
			}
		})
	}
}
