package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"github.com/kb-legal/kb/internal/cli"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kb-legal/kb/internal/bench/corpus"
)

// snapshot is a directory's files by slash path, each as a content hash
// ("" for a missing directory).
type snapshot map[string]string

func snap(t *testing.T, dir string) snapshot {
	t.Helper()
	out := snapshot{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(data))
		return nil
	})
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (s snapshot) equal(o snapshot) bool {
	if len(s) != len(o) || s == nil != (o == nil) {
		return false
	}
	for k, v := range s {
		if o[k] != v {
			return false
		}
	}
	return true
}

// sameNames compares file lists only: a Bleve index holds the same files
// for the same input, but not the same bytes.
func (s snapshot) sameNames(o snapshot) bool {
	if len(s) != len(o) || s == nil || o == nil {
		return false
	}
	for k := range s {
		if _, ok := o[k]; !ok {
			return false
		}
	}
	return true
}

// output is what a build left: the site and the index.
type output struct{ public, index snapshot }

func readOutput(t *testing.T, dir string) output {
	return output{snap(t, filepath.Join(dir, "public")), snap(t, filepath.Join(dir, "index"))}
}

// leftovers lists the staging directories beside the outputs.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			names = append(names, e.Name())
		}
	}
	return names
}

func buildKB(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kb")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func kbBuild(bin, site, out string) *exec.Cmd {
	return exec.Command(bin, "build", "--source", site,
		"--out", filepath.Join(out, "public"), "--index", filepath.Join(out, "index"))
}

// TestInterruptedBuildStress kills kb build at random points, with SIGINT
// and SIGKILL, while it replaces one site's output with another's. After
// every kill public/ and index/ must each be the complete previous build or
// the complete new one, and both from the same build; the build after the
// last kill must succeed. ("Stress" in the name: make stress runs its long
// variant.)
func TestInterruptedBuildStress(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the kb binary and several sites")
	}
	pages, kills := 200, 6
	if os.Getenv("KB_STRESS") != "" {
		pages, kills = 3000, 24
	}
	bin := buildKB(t)
	root := t.TempDir()
	sites := [2]string{filepath.Join(root, "a"), filepath.Join(root, "b")}
	refs := [2]output{}
	var slowest time.Duration
	for i, dir := range sites {
		if err := corpus.Write(dir, corpus.Options{Pages: pages, Seed: uint64(i + 1)}); err != nil {
			t.Fatal(err)
		}
		ref := filepath.Join(root, fmt.Sprintf("ref-%d", i))
		start := time.Now()
		if out, err := kbBuild(bin, dir, ref).CombinedOutput(); err != nil {
			t.Fatalf("reference build: %v\n%s", err, out)
		}
		slowest = max(slowest, time.Since(start))
		refs[i] = readOutput(t, ref)
	}
	if refs[0].public.equal(refs[1].public) {
		t.Fatal("the two sites build the same output")
	}

	out := filepath.Join(root, "out")
	if msg, err := kbBuild(bin, sites[0], out).CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, msg)
	}
	current := 0 // which site out holds
	rng := rand.New(rand.NewPCG(testSeed(t), 1))
	var interrupted, finished int
	for k := range kills {
		next := 1 - current
		before := readOutput(t, out)
		staleBefore := len(leftovers(t, out))
		sig := syscall.SIGINT
		if k%2 == 1 {
			sig = syscall.SIGKILL
		}
		cmd := kbBuild(bin, sites[next], out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(int64(slowest)))
		time.Sleep(delay)
		_ = cmd.Process.Signal(sig)
		err := cmd.Wait()

		after := readOutput(t, out)
		oldPublic := after.public.equal(before.public)
		newPublic := after.public.equal(refs[next].public)
		oldIndex := after.index.equal(before.index)
		newIndex := !oldIndex && after.index.sameNames(refs[next].index)
		switch {
		case !oldPublic && !newPublic:
			t.Errorf("kill %d (%v after %v): public/ is neither the previous nor the new build (%d files)", k, sig, delay, len(after.public))
		case !oldIndex && !newIndex:
			t.Errorf("kill %d (%v after %v): index/ is neither the previous nor the new build (%d files)", k, sig, delay, len(after.index))
		case oldPublic != oldIndex:
			t.Errorf("kill %d (%v after %v): public/ and index/ come from different builds (old public %v, old index %v)", k, sig, delay, oldPublic, oldIndex)
		}
		if newPublic {
			current = next
			finished++
		} else {
			interrupted++
		}
		if sig == syscall.SIGINT && err != nil {
			// Interrupted in time: exit 1, and its staging removed on the way out.
			if code := cmd.ProcessState.ExitCode(); code != cli.Problems && cmd.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGINT {
				t.Errorf("kill %d: SIGINT after %v gave exit %d:\n%s", k, delay, code, stderr.Bytes())
			}
			if stale := leftovers(t, out); len(stale) > staleBefore {
				t.Errorf("kill %d: SIGINT after %v left staging behind: %v", k, delay, stale)
			}
		}
	}
	stale := leftovers(t, out)
	t.Logf("%d kills of a %d-page build (slowest %v): %d interrupted, %d had finished; staging dirs left by SIGKILL: %d",
		kills, pages, slowest.Round(time.Millisecond), interrupted, finished, len(stale))

	// The next build must succeed whatever the kills left behind.
	next := 1 - current
	if msg, err := kbBuild(bin, sites[next], out).CombinedOutput(); err != nil {
		t.Fatalf("build after the kills: %v\n%s", err, msg)
	}
	final := readOutput(t, out)
	if !final.public.equal(refs[next].public) || !final.index.sameNames(refs[next].index) {
		t.Error("the build after the kills does not equal a clean build")
	}
	after := leftovers(t, out)
	for _, name := range after {
		if !slices.Contains(stale, name) {
			t.Errorf("the last, uninterrupted build left %s", name)
		}
	}
	if len(after) > 0 {
		t.Logf("stale staging dirs are ignored, not removed: %v", after)
	}
}

// testSeed is a random test's seed: KB_SEED when set, else the clock. It
// is logged, so that a failure can be replayed.
func testSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("KB_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("KB_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("seed %d (KB_SEED=%d replays it)", seed, seed)
	return seed
}
