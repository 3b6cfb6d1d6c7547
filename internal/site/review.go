package site

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/diag"
)

// kb.yaml's review: says how long a page's as_of may age before the page
// is due for review, for every kind or per kind:
//
//	review: {every: 180d, provision: 365d, term: never}
//
// An interval is a number of days (d), weeks (w), months (m) or years
// (y), or "never". kb check --stale lists the pages due; the preview
// shows them a banner.

// Interval is a review interval; zero is never.
type Interval struct {
	N    int
	Unit byte // 'd', 'w', 'm' or 'y'
}

// ParseInterval reads "180d", "26w", "6m", "1y" or "never".
func ParseInterval(s string) (Interval, error) {
	s = strings.TrimSpace(s)
	if s == "never" {
		return Interval{}, nil
	}
	if len(s) < 2 {
		return Interval{}, fmt.Errorf("%q is not an interval", s)
	}
	unit := s[len(s)-1]
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || n > 100000 || !strings.ContainsRune("dwmy", rune(unit)) {
		return Interval{}, fmt.Errorf("%q is not an interval", s)
	}
	return Interval{N: n, Unit: unit}, nil
}

func (iv Interval) String() string {
	if iv.N == 0 {
		return "never"
	}
	return strconv.Itoa(iv.N) + string(iv.Unit)
}

// After returns the day iv after t; ok is false for never.
func (iv Interval) After(t time.Time) (time.Time, bool) {
	switch iv.Unit {
	case 'd':
		return t.AddDate(0, 0, iv.N), true
	case 'w':
		return t.AddDate(0, 0, 7*iv.N), true
	case 'm':
		return t.AddDate(0, iv.N, 0), true
	case 'y':
		return t.AddDate(iv.N, 0, 0), true
	}
	return time.Time{}, false
}

// ReviewFor is the review interval of pages of a kind: the kind's own, or
// every:; ok is false when none is set or it is never.
func (c Config) ReviewFor(kind string) (Interval, bool) {
	iv, ok := c.reviews[kind]
	if !ok {
		iv, ok = c.reviews["every"]
	}
	return iv, ok && iv.N > 0
}

// checkReview parses kb.yaml's review: intervals.
func (c *Config) checkReview() diag.List {
	if len(c.Review) == 0 {
		return nil
	}
	line, col := c.At("review")
	c.reviews = map[string]Interval{}
	var probs diag.List
	keys := append([]string{"every"}, kinds...)
	for _, k := range slices.Sorted(maps.Keys(c.Review)) {
		if !slices.Contains(keys, k) {
			probs = append(probs, diag.Problem{File: ConfigFile, Line: line, Col: col, Message: fmt.Sprintf("review: unknown key %q", k),
				Hint: strings.TrimPrefix(suggest(k, keys)+" ", "use one of "+strings.Join(keys, ", ")+" ") + "review: takes every: and the kinds (" + strings.Join(kinds, ", ") + "), e.g. review: {every: 180d, provision: 1y}"})
			continue
		}
		iv, err := ParseInterval(c.Review[k])
		if err != nil {
			probs = append(probs, diag.Problem{File: ConfigFile, Line: line, Col: col, Message: "review: " + k + ": " + err.Error(),
				Hint: "write a number of days, weeks, months or years, e.g. 180d, 26w, 6m, 1y, or never"})
			continue
		}
		c.reviews[k] = iv
	}
	return probs
}
