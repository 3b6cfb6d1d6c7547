package site

import (
	"slices"
	"testing"
)

// TestSchemaMatchesDecoding: the schema has exactly the fields front
// matter decodes (the names "did you mean" offers), each described, and
// the site's vocabulary as enums.
func TestSchemaMatchesDecoding(t *testing.T) {
	t.Parallel()
	v := Vocabulary{Triggers: []Choice{{Value: "Sponsorship"}}}
	s := Schema(v)
	props := s["properties"].(map[string]any)
	var names []string
	for name, p := range props {
		names = append(names, name)
		if p.(map[string]any)["description"] == nil {
			t.Errorf("field %s has no description", name)
		}
	}
	slices.Sort(names)
	want := slices.Sorted(slices.Values(fieldNames()))
	if !slices.Equal(names, want) {
		t.Errorf("schema fields %v\nwant %v", names, want)
	}
	if got := props["trigger"].(map[string]any)["enum"]; !slices.Equal(got.([]string), []string{"Sponsorship"}) {
		t.Errorf("trigger enum %v", got)
	}
	if got := props["kind"].(map[string]any)["enum"]; !slices.Equal(got.([]string), kinds) {
		t.Errorf("kind enum %v", got)
	}
}
