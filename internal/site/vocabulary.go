package site

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kb-legal/kb/internal/diag"
)

// Vocabulary is the site's own words for the structured fields of its
// scenarios: the values each field may take, with the labels and order
// the scenario matrix shows them in. kb.yaml declares it; the defaults are
// those of the first site kb was made for.
type Vocabulary struct {
	// Triggers are what drives a scenario's outcome, in the order the
	// matrix's rows and its filter take them. Empty: any trigger, sorted
	// by name.
	Triggers []Choice `yaml:"triggers"`
	// Outcomes are the outcomes, in the order the matrix's rows take them.
	Outcomes []Choice `yaml:"outcomes"`
	// Risks are the risk levels, highest first.
	Risks []Choice `yaml:"risks"`
}

// Choice is one allowed value and how it reads. In kb.yaml it is either a
// plain value, which is its own label, or {value: …, label: …}.
type Choice struct {
	Value string `yaml:"value"`
	Label string `yaml:"label"`
}

// UnmarshalYAML reads a plain string or a {value, label} mapping.
func (c *Choice) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err == nil {
		*c = Choice{Value: s}
		return nil
	}
	type plain Choice
	var p plain
	if err := unmarshal(&p); err != nil {
		return fmt.Errorf("write a value, or {value: …, label: …}")
	}
	*c = Choice(p)
	return nil
}

// DefaultVocabulary is the vocabulary of a site whose kb.yaml declares
// none.
func DefaultVocabulary() Vocabulary {
	return Vocabulary{
		Outcomes: []Choice{{"exemption-unavailable", "Exemption unavailable"}, {"uncertain", "Uncertain"}, {"exemption-available", "Exemption available"}},
		Risks:    []Choice{{"high", "High"}, {"medium", "Medium"}, {"low", "Low"}},
	}
}

// Matrix returns the vocabulary as the scenario matrix and pages show it:
// the defaults where kb.yaml is silent, and a label for every value.
func (v Vocabulary) Matrix() Vocabulary { return v.withDefaults() }

// withDefaults fills the lists kb.yaml left out, and every label left out
// with its value.
func (v Vocabulary) withDefaults() Vocabulary {
	d := DefaultVocabulary()
	if len(v.Outcomes) == 0 {
		v.Outcomes = d.Outcomes
	}
	if len(v.Risks) == 0 {
		v.Risks = d.Risks
	}
	label := func(list []Choice) []Choice {
		out := slices.Clone(list)
		for i := range out {
			if out[i].Label == "" {
				out[i].Label = out[i].Value
			}
		}
		return out
	}
	v.Triggers, v.Outcomes, v.Risks = label(v.Triggers), label(v.Outcomes), label(v.Risks)
	return v
}

// Values lists the values of choices, in order.
func Values(choices []Choice) []string {
	out := make([]string, len(choices))
	for i, c := range choices {
		out[i] = c.Value
	}
	return out
}

// Label returns how value reads among choices, or value itself.
func Label(choices []Choice, value string) string {
	for _, c := range choices {
		if c.Value == value {
			return c.Label
		}
	}
	return value
}

// check reports an empty or repeated value in kb.yaml's vocabulary.
func (v Vocabulary) check(line, col int) diag.List {
	var probs diag.List
	for name, list := range map[string][]Choice{"triggers": v.Triggers, "outcomes": v.Outcomes, "risks": v.Risks} {
		seen := map[string]bool{}
		for _, c := range list {
			switch {
			case strings.TrimSpace(c.Value) == "":
				probs = append(probs, diag.Problem{File: ConfigFile, Line: line, Col: col, Message: "vocabulary: an empty value among " + name,
					Hint: "each entry is a value, or {value: …, label: …}"})
			case seen[c.Value]:
				probs = append(probs, diag.Problem{File: ConfigFile, Line: line, Col: col, Message: fmt.Sprintf("vocabulary: %s lists %q twice", name, c.Value),
					Hint: "list each value once"})
			}
			seen[c.Value] = true
		}
	}
	return probs.Sort()
}

// checkScenarios reports a scenario field whose value the site's
// vocabulary does not list, with the nearest value that it does.
func (s *Site) checkScenarios() diag.List {
	var probs diag.List
	v := s.Config.Vocabulary.withDefaults()
	for _, p := range s.OfKind("scenario") {
		for _, f := range []struct {
			key, value string
			choices    []Choice
		}{{"outcome", p.Outcome, v.Outcomes}, {"risk", p.Risk, v.Risks}, {"trigger", p.Trigger, v.Triggers}} {
			values := Values(f.choices)
			if f.value == "" || f.key == "trigger" && len(values) == 0 {
				continue // missing: a problem of the page's front matter; any trigger when the site lists none
			}
			if slices.Contains(values, f.value) {
				continue
			}
			msg := fmt.Sprintf("scenario %s %q is not one of the site's %ss", f.key, f.value, f.key)
			hint := "use one of " + strings.Join(quoteAll(values), ", ") + "; kb.yaml's vocabulary: lists them"
			if near := nearestValue(f.value, values); near != "" {
				hint = fmt.Sprintf("did you mean %q? kb.yaml's vocabulary: lists the %ss", near, f.key)
			}
			probs = append(probs, pageProblem(p, f.key, msg, hint))
		}
	}
	return probs
}

// nearestValue is Nearest, or else the one value that contains v or is
// contained in it: "unavailable" for "exemption-unavailable".
func nearestValue(v string, values []string) string {
	if near := Nearest(v, values); near != "" {
		return near
	}
	var found []string
	lv := strings.ToLower(v)
	for _, o := range values {
		lo := strings.ToLower(o)
		if len(lv) >= 3 && strings.Contains(lo, lv) || len(lo) >= 3 && strings.Contains(lv, lo) {
			found = append(found, o)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return ""
}

func quoteAll(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}
