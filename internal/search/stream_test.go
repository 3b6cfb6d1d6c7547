package search

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestStreamedIsGzipped checks that a file compressed a piece at a time is
// the bytes of the file compressed whole, however it is cut and whatever
// files the compressor made before: the export's positions are compressed
// so, and its output must not depend on it.
func TestStreamedIsGzipped(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var data []byte
	for len(data) < 3*pieceBytes+1234 {
		data = strconv.AppendInt(append(data, ','), int64(rng.IntN(300)), 10)
	}
	for _, level := range []int{packDefault, packBest} {
		want, err := gzipped(data, level)
		if err != nil {
			t.Fatal(err)
		}
		s := newStreamed(level) // one for every file, as the export's
		for _, cut := range []int{1 << 10, pieceBytes, pieceBytes + 7, 5 << 20} {
			b := s.begin()
			for _, c := range data {
				if b = append(b, c); len(b) >= cut {
					b = s.flush(b)
				}
			}
			got, err := s.close(b)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("level %d, cut at %d bytes: %d bytes, want %d", level, cut, len(got), len(want))
			}
		}
	}
}
