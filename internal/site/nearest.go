package site

import "strings"

// Nearest returns the option closest to s by edit distance, or "" when none
// is close enough to be a plausible typo. Ties go to the earliest option, so
// callers that pass sorted options get a deterministic answer.
func Nearest(s string, options []string) string {
	best, bestDist := "", -1
	ls := strings.ToLower(s)
	for _, o := range options {
		d := distance(ls, strings.ToLower(o))
		if strings.Contains(strings.ToLower(o), ls) || strings.Contains(ls, strings.ToLower(o)) {
			d = min(d, abs(len(o)-len(s))/2+1)
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = o, d
		}
	}
	if bestDist < 0 || bestDist > max(len(s)/2, 2) {
		return ""
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	if len(a) > 256 || len(b) > 256 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
