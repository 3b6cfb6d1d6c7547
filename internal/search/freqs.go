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
	// For a composite, by number: the term's TokenFreq in the one field
	// it is in (nil when in several), and its index among those in several.
	only []*index.TokenFreq
	at   []int32
}

func (s *termScratch) reset() {
	if s.index == nil {
		s.index = map[string]int32{}
	}
	clear(s.index)
	clear(s.only) // no TokenFreq held from field to field
	s.terms, s.counts, s.of, s.only = s.terms[:0], s.counts[:0], s.of[:0], s.only[:0]
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
	if t.Options().IsStored() { // the analysis lowercases the tokens in place
		if a.cached == a.legal {
			value = bytes.Clone(value)
		} else {
			// No term the stem cache returns lies in the text: one
			// buffer serves every field (a copy each was 500 MB of
			// garbage at 50k pages).
			a.text = append(a.text[:0], value...)
			value = a.text
		}
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
//
// A term of one field only (most are) is its TokenFreq in that field,
// shared: the same term, frequency and locations, and nothing changes it
// once analysed (copies were a tenth of the bytes the analysis allocates).
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
				s.only[j] = nil // in more than one field
				continue
			}
			s.index[term] = int32(len(s.terms))
			s.terms = append(s.terms, term) // the field's key: no copy
			s.counts = append(s.counts, int32(len(tf.Locations)))
			s.only = append(s.only, tf)
		}
	}
	a.parts = parts
	// The terms of several fields: each gets a TokenFreq (at[j]) and
	// room for its locations in all of them.
	total, merged := int32(0), int32(0)
	s.at = s.at[:0]
	for j, n := range s.counts {
		s.at = append(s.at, merged)
		if s.only[j] == nil {
			total += n
			merged++
		}
	}
	tfs := make([]index.TokenFreq, merged)
	ptrs := make([]*index.TokenLocation, total)
	off := int32(0)
	for j, n := range s.counts {
		if s.only[j] == nil {
			tfs[s.at[j]].Locations = ptrs[off : off : off+n]
			off += n
		}
	}
	seen := make([]bool, len(tfs))
	for _, f := range parts {
		name := f.Name()
		for term, tf := range f.AnalyzedTokenFrequencies() {
			for _, l := range tf.Locations {
				l.Field = name // as Compose marks them
			}
			j := s.index[term]
			if s.only[j] != nil {
				continue
			}
			k := s.at[j]
			out := &tfs[k]
			if !seen[k] {
				seen[k] = true
				out.Term = tf.Term // the first field's, as Compose keeps
			}
			out.SetFrequency(out.Frequency() + tf.Frequency())
			out.Locations = append(out.Locations, tf.Locations...)
		}
	}
	freqs := make(index.TokenFrequencies, len(s.terms))
	for j, term := range s.terms {
		if tf := s.only[j]; tf != nil {
			freqs[term] = tf
		} else {
			freqs[term] = &tfs[s.at[j]]
		}
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
