package search

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// unpackPostings reads a shard's postings (postingPacker.pack) back as
// the scorer wrote them: [Δdoc, impact, …]. It is what search.js does.
func unpackPostings(raw []byte) ([]int, error) {
	var p [3]json.RawMessage
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	var impacts []int
	var docs, ranks string
	if err := json.Unmarshal(p[0], &impacts); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(p[1], &docs); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(p[2], &ranks); err != nil {
		return nil, err
	}
	ds, rs := readDigits(docs), readDigits(ranks)
	if ds == nil || rs == nil || len(ds) != len(rs) {
		return nil, fmt.Errorf("postings %s: %d Δdocs, %d ranks", raw, len(ds), len(rs))
	}
	out := make([]int, 0, 2*len(ds))
	for i, d := range ds {
		if rs[i] >= len(impacts) {
			return nil, fmt.Errorf("postings %s: rank %d of %d impacts", raw, rs[i], len(impacts))
		}
		out = append(out, d, impacts[rs[i]])
	}
	return out, nil
}

// readDigits reads numbers written with appendDigits; nil when s is not
// such numbers.
func readDigits(s string) []int {
	out, v := []int{}, 0
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(postingDigits[:2*postingBase], s[i])
		if d < 0 {
			return nil
		}
		v = v*postingBase + d%postingBase
		if d < postingBase {
			out, v = append(out, v), 0
		}
	}
	if v != 0 {
		return nil
	}
	return out
}

func TestPostingDigitsNeedNoEscape(t *testing.T) {
	t.Parallel()
	if len(postingDigits) < 2*postingBase || postingBase < 40 {
		t.Fatalf("%d digits, base %d", len(postingDigits), postingBase)
	}
	enc, err := json.Marshal(postingDigits)
	if err != nil {
		t.Fatal(err)
	}
	if string(enc) != `"`+postingDigits+`"` {
		t.Errorf("JSON writes the digits as %s", enc)
	}
	for i := range postingDigits {
		if strings.IndexByte(postingDigits, postingDigits[i]) != i {
			t.Errorf("digit %q twice", postingDigits[i])
		}
	}
}

func TestPackPostingsRoundTrips(t *testing.T) {
	t.Parallel()
	var pp postingPacker
	for _, want := range [][]int{
		{0, 5},
		{3, 70000, 1, 12, 1, 70000, 45, 12, 46, 9, 2115, 70000, 2116, 1, 97335, 5, 97336, 5, 1 << 30, 77},
		{7, 100, 1, 200, 1, 100, 1, 300, 1, 200, 1, 100},
	} {
		var enc strings.Builder
		enc.WriteByte('[')
		for i, v := range want {
			if i > 0 {
				enc.WriteByte(',')
			}
			fmt.Fprint(&enc, v)
		}
		enc.WriteByte(']')
		packed := pp.pack([]byte(enc.String()))
		got, err := unpackPostings(packed)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s packed as %s reads back as %v", enc.String(), packed, got)
		}
	}
	// The most frequent impact is first, its rank the shortest.
	if got := string(pp.pack([]byte("[7,100,1,200,1,100,1,300,1,200,1,100]"))); !strings.HasPrefix(got, "[[100,200,300],") {
		t.Errorf("packed as %s, want the impacts by frequency", got)
	}
}

// BenchmarkPackPostings packs the postings of a term in most documents,
// as a frequent word's are at 10k pages (60,000 postings, 1,400 impacts).
func BenchmarkPackPostings(b *testing.B) {
	enc := []byte{'['}
	for i := range 60000 {
		if i > 0 {
			enc = append(enc, ',')
		}
		enc = fmt.Appendf(enc, "%d,%d", 1+i%3, 60000+(i*7919)%1400)
	}
	enc = append(enc, ']')
	var pp postingPacker
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		pp.pack(enc)
	}
}
