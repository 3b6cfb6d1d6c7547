package search

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want []Clause
	}{
		{"empty", "", nil},
		{"spaces", "  \t ", nil},
		{"one word", "influencer", []Clause{{Text: "influencer", Col: 1}}},
		{"two words", "close  links", []Clause{{Text: "close", Col: 1}, {Text: "links", Col: 8}}},
		{"must and must not", "+webinar -geo-blocking", []Clause{
			{Occur: Must, Text: "webinar", Col: 1}, {Occur: MustNot, Text: "geo-blocking", Col: 10}}},
		{"phrase", `"own exclusive initiative" firm`, []Clause{
			{Text: "own exclusive initiative", Phrase: true, Col: 1}, {Text: "firm", Col: 28}}},
		{"required phrase", `+"same type"`, []Clause{{Occur: Must, Text: "same type", Phrase: true, Col: 1}}},
		{"field", "kind:scenario sponsorship", []Clause{
			{Field: "kind", Text: "scenario", Col: 1}, {Text: "sponsorship", Col: 15}}},
		{"excluded field phrase", `-title:"close links"`, []Clause{
			{Occur: MustNot, Field: "title", Text: "close links", Phrase: true, Col: 1}}},
		{"unknown field is a word", "art:61", []Clause{{Text: "art:61", Col: 1}}},
		{"escaped quote", `\"quoted`, []Clause{{Text: `"quoted`, Col: 1}}},
		{"escaped space", `geo\ blocking`, []Clause{{Text: "geo blocking", Col: 1}}},
		{"escape in phrase", `"say \"hi\""`, []Clause{{Text: `say "hi"`, Phrase: true, Col: 1}}},
		{"OR joins words", "close OR links", []Clause{{Text: "close", Col: 1}, {Text: "links", Or: true, Col: 10}}},
		{"OR after a required word is a word", "+close OR links", []Clause{{Occur: Must, Text: "close", Col: 1}, {Text: "links", Col: 11}}},
		{"or in lower case is a word", "close or links", []Clause{{Text: "close", Col: 1}, {Text: "or", Col: 7}, {Text: "links", Col: 10}}},
		{"quoted OR is a phrase", `a "OR" b`, []Clause{{Text: "a", Col: 1}, {Text: "OR", Phrase: true, Col: 3}, {Text: "b", Col: 8}}},
		{"lone operators", "+ - \"\" kind:", nil},
		{"hyphen inside a word", "non-EU", []Clause{{Text: "non-EU", Col: 1}}},
		{"unicode", "émission  ’s", []Clause{{Text: "émission", Col: 1}, {Text: "’s", Col: 12}}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, err := ParseQuery(tt.give)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.give, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseQuery(%q)\n got %+v\nwant %+v", tt.give, got, tt.want)
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc    string
		give    string
		wantCol int
	}{
		{"unterminated phrase", `close "links`, 7},
		{"unterminated after field", `title:"x`, 7},
		{"unterminated escape", `"x\"`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			_, err := ParseQuery(tt.give)
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("ParseQuery(%q) = %v, want a *QueryError", tt.give, err)
			}
			if qe.Col != tt.wantCol || qe.Hint == "" {
				t.Errorf("ParseQuery(%q): col %d hint %q, want col %d and a hint", tt.give, qe.Col, qe.Hint, tt.wantCol)
			}
			if !strings.HasPrefix(err.Error(), "query:1:") {
				t.Errorf("error %q does not start with query:1:col", err)
			}
		})
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"influencer", `+"same type" -kind:term`, `title:"a \" b"`, `\`, `"`, "+-+", "kind:", "é\"x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		cs, err := ParseQuery(q)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Col < 1 || qe.Col > len(q) {
				t.Fatalf("ParseQuery(%q): bad error %v", q, err)
			}
			return
		}
		last := 0
		for _, c := range cs {
			if c.Col <= last || c.Col > len(q) {
				t.Fatalf("ParseQuery(%q): column %d out of order or range", q, c.Col)
			}
			last = c.Col
			if strings.TrimSpace(c.Text) == "" {
				t.Fatalf("ParseQuery(%q): empty clause %+v", q, c)
			}
			if utf8.ValidString(q) && !utf8.ValidString(c.Text) {
				t.Fatalf("ParseQuery(%q): clause %q is not valid UTF-8", q, c.Text)
			}
			if c.Field != "" && !isTextField(c.Field) && !isKeywordField(c.Field) {
				t.Fatalf("ParseQuery(%q): unknown field %q", q, c.Field)
			}
		}
	})
}
