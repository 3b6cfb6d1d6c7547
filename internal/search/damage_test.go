package search

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testSeed is a random test's seed: KB_SEED when set, else the clock; it
// is logged so that a failure can be replayed.
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

// damageDocs is enough text for an index of several segment files.
func damageDocs() []Document {
	var docs []Document
	for i := range 2500 {
		docs = append(docs, Document{ID: fmt.Sprintf("/p%d/", i), URL: fmt.Sprintf("/p%d/", i), Title: fmt.Sprintf("Page %d", i), Kind: "scenario",
			Body: fmt.Sprintf("reverse solicitation number %d by a third-country firm at the client's own exclusive initiative", i)})
	}
	return docs
}

// copyDir copies a folder of regular files.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// mutate damages one file of the index in dir, as a disk or a copy might,
// and says how.
func mutate(t *testing.T, rng *rand.Rand, dir string) string {
	t.Helper()
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	f := files[rng.IntN(len(files))]
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	name, _ := filepath.Rel(dir, f)
	var how string
	switch k := rng.IntN(5); {
	case k == 0 && len(data) > 0:
		i := rng.IntN(len(data))
		data[i] ^= byte(1 + rng.IntN(255))
		how = fmt.Sprintf("flip byte %d of %s", i, name)
	case k == 1 && len(data) > 0:
		n := rng.IntN(len(data)) // never len(data): that would change nothing
		data = data[:n]
		how = fmt.Sprintf("truncate %s to %d bytes", name, n)
	case k == 2:
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
		return "remove " + name
	case k == 3 && len(data) > 0:
		i := rng.IntN(len(data))
		n := min(len(data)-i, 1+rng.IntN(4096))
		was := strings.Trim(string(data[i:i+n]), "\x00") == ""
		clear(data[i : i+n])
		if was {
			data[i] = 0xff // already zeros: damage them all the same
		}
		how = fmt.Sprintf("zero %d bytes at %d of %s", n, i, name)
	default:
		data = append(data, make([]byte, 1+rng.IntN(100))...)
		how = "append to " + name
	}
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return how
}

// TestDamagedIndex: 9 of 150 mutated copies of an index crashed kb search
// (a fault in Bleve's memory-mapped store, or a panic; security review
// F10). Every damaged copy is now ErrDamaged when opened.
func TestDamagedIndex(t *testing.T) {
	t.Parallel()
	good := filepath.Join(t.TempDir(), "index")
	if err := Build(context.Background(), good, damageDocs()); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(testSeed(t), 10))
	for i := range 60 {
		dir := filepath.Join(t.TempDir(), "index")
		copyDir(t, good, dir)
		how := mutate(t, rng, dir)
		idx, err := Open(dir)
		if err == nil {
			idx.Close()
			t.Errorf("mutation %d (%s): Open accepted the damaged index", i, how)
			continue
		}
		if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "index is damaged; run kb build") {
			t.Errorf("mutation %d (%s): Open = %v, want ErrDamaged", i, how, err)
		}
	}
	idx, err := Open(good)
	if err != nil {
		t.Fatalf("the undamaged index: %v", err)
	}
	defer idx.Close()
	if res, err := idx.Search(context.Background(), Request{Query: "solicitation"}); err != nil || res.Total == 0 {
		t.Fatalf("the undamaged index: %v, %v", res.Total, err)
	}
}

// TestDamageBehindChecksums damages index files and then rewrites the
// checksums to match, so that Bleve itself reads the damage: in a child
// process, opening and searching must end in an error or an answer, never
// a crash (the guard of the last resort).
func TestDamageBehindChecksums(t *testing.T) {
	if dir := os.Getenv("KB_DAMAGED_INDEX"); dir != "" {
		idx, err := Open(dir)
		if err == nil {
			_, err = idx.Search(context.Background(), Request{Query: "solicitation firm", Limit: 50})
			idx.Close()
		}
		fmt.Printf("result: %v\n", err)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process per mutation")
	}
	t.Parallel()
	good := filepath.Join(t.TempDir(), "index")
	if err := Build(context.Background(), good, damageDocs()); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(testSeed(t), 11))
	var crashes int
	for i := range 20 {
		dir := filepath.Join(t.TempDir(), "index")
		copyDir(t, good, dir)
		how := mutate(t, rng, dir)
		if err := writeChecksums(dir); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestDamageBehindChecksums$")
		cmd.Env = append(os.Environ(), "KB_DAMAGED_INDEX="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "result: ") {
			crashes++
			t.Errorf("mutation %d (%s) crashed the process: %v\n%.2000s", i, how, err, out)
		}
	}
	t.Logf("20 mutations behind matching checksums: %d crashes", crashes)
}
