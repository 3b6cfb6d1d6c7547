package search

import (
	"bytes"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// Bleve's TokenFrequency and a composite's Compose make a field's token
// frequencies an object at a time: a term's TokenFreq, its locations'
// slice grown by appends, a map sized for every token, and for _all a
// copy of each of those. They were a third of the bytes a build
// allocates. The analyser makes the same maps (TestAnalyseIsBleve) from
// a few slabs per field.

// analysedText is a field analysed by the analyser: the builder's call to
// Analyze keeps its length and frequencies.
type analysedText struct {
	document.Field
	length int
	freqs  index.TokenFrequencies
}

func (analysedText) Analyze()                                           {}
func (f analysedText) AnalyzedLength() int                              { return f.length }
func (f analysedText) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

// termScratch is a field's distinct terms as the analyser counts them,
// reused from field to field.
type termScratch struct {
	index  map[string]int32 // term → its number, in order of first use
	terms  []string         // by number
	counts []int32          // by number: its locations (or occurrences)
	of     []int32          // per token: its term's number
}

func (s *termScratch) reset() {
	if s.index == nil {
		s.index = map[string]int32{}
	}
	clear(s.index)
	s.terms, s.counts, s.of = s.terms[:0], s.counts[:0], s.of[:0]
}

// number returns term's number, numbering it if it is new.
func (s *termScratch) number(term []byte) int32 {
	if j, ok := s.index[string(term)]; ok {
		return j
	}
	j := int32(len(s.terms))
	k := string(term)
	s.index[k] = j
	s.terms = append(s.terms, k)
	s.counts = append(s.counts, 0)
	return j
}

// analyseText analyses a text field with the analyser's analyzer, as the
// field's Analyze would with it.
func (a *analyser) analyseText(t *document.TextField) analysedText {
	value := t.Value()
	if t.Options().IsStored() {
		value = bytes.Clone(value) // the analysis lowercases the tokens in place
	}
	tokens := a.cached.Analyze(value)
	return analysedText{Field: t, length: len(tokens), freqs: a.tokenFrequencies(tokens, t.ArrayPositions(), t.Options())}
}

// tokenFrequencies are analysis.TokenFrequency's.
func (a *analyser) tokenFrequencies(tokens analysis.TokenStream, arrayPositions []uint64, options index.FieldIndexingOptions) index.TokenFrequencies {
	if !options.IncludeTermVectors() {
		return analysis.TokenFrequency(tokens, arrayPositions, options)
	}
	s := &a.scratch
	s.reset()
	for _, tok := range tokens {
		j := s.number(tok.Term)
		s.counts[j]++
		s.of = append(s.of, j)
	}
	tfs := make([]index.TokenFreq, len(s.terms))
	locs := make([]index.TokenLocation, len(tokens))
	ptrs := make([]*index.TokenLocation, len(tokens))
	off := int32(0)
	for j, n := range s.counts {
		tfs[j].Locations = ptrs[off : off : off+n]
		off += n
	}
	for i, tok := range tokens {
		tf := &tfs[s.of[i]]
		if len(tf.Locations) == 0 {
			tf.Term = tok.Term // the first token's, as TokenFrequency keeps
		}
		locs[i] = index.TokenLocation{ArrayPositions: arrayPositions, Start: tok.Start, End: tok.End, Position: tok.Position}
		tf.Locations = append(tf.Locations, &locs[i])
	}
	out := make(index.TokenFrequencies, len(tfs))
	for j, term := range s.terms {
		if !options.SkipFreqNorm() {
			tfs[j].SetFrequency(int(s.counts[j]))
		}
		out[term] = &tfs[j]
	}
	return out
}

// compose makes the composite c of the analysed fields, as c.Compose of
// each field in turn would: a term's locations are its locations in each
// field of c, field after field, each marked with its field's name.
func (a *analyser) compose(c *document.CompositeField, fields []document.Field) analysedText {
	s := &a.scratch
	s.reset()
	length := 0
	parts := a.parts[:0]
	for _, f := range fields {
		if !f.Options().IsIndexed() || !includes(c, f.Name()) {
			continue
		}
		parts = append(parts, f)
		length += f.AnalyzedLength()
		for term, tf := range f.AnalyzedTokenFrequencies() {
			if j, ok := s.index[term]; ok {
				s.counts[j] += int32(len(tf.Locations))
				continue
			}
			s.index[term] = int32(len(s.terms))
			s.terms = append(s.terms, term) // the field's key: no copy
			s.counts = append(s.counts, int32(len(tf.Locations)))
		}
	}
	a.parts = parts
	total := int32(0)
	for _, n := range s.counts {
		total += n
	}
	tfs := make([]index.TokenFreq, len(s.terms))
	ptrs := make([]*index.TokenLocation, total)
	off := int32(0)
	for j, n := range s.counts {
		tfs[j].Locations = ptrs[off : off : off+n]
		off += n
	}
	seen := make([]bool, len(tfs))
	for _, f := range parts {
		name := f.Name()
		for term, tf := range f.AnalyzedTokenFrequencies() {
			j := s.index[term]
			out := &tfs[j]
			if !seen[j] {
				seen[j] = true
				out.Term = tf.Term // the first field's, as Compose keeps
			}
			out.SetFrequency(out.Frequency() + tf.Frequency())
			for _, l := range tf.Locations {
				l.Field = name // as Compose marks them
				out.Locations = append(out.Locations, l)
			}
		}
	}
	freqs := make(index.TokenFrequencies, len(tfs))
	for j, term := range s.terms {
		freqs[term] = &tfs[j]
	}
	return analysedText{Field: c, length: length, freqs: freqs}
}

// includes reports whether the composite c is made of the field name,
// asking c itself: Compose counts a field's length only if it is.
func includes(c *document.CompositeField, name string) bool {
	before := c.AnalyzedLength()
	c.Compose(name, 1, nil)
	return c.AnalyzedLength() > before
}

var _ index.Field = analysedText{}
