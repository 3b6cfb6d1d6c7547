package build

import (
	"bytes"
	"testing"
)

// TestLabelsOf checks that the labels read of a body in one pass are
// those its heading with the place's id has where "{#id}" is first
// written, as looking each id up in the body finds them.
func TestLabelsOf(t *testing.T) {
	t.Parallel()
	bodies := []string{
		"## Title {#a}\n\nText.\n",
		"Para {#p1} text\n\n### Heading {#h}\n",
		"####### Seven {#x}\n###### Six {#y}\n",
		"See {#a} here.\n\n## Real {#a}\n",
		"## T {#a{#b}\n",
		"## Empty {#}\n#{#c}\n##   {#d}\n",
		"no closing {#e\n",
		"## First {#f}\n## Again {#f}\n",
		"  ## Indented {#g}\n",
	}
	for _, body := range bodies {
		labels := labelsOf([]byte(body))
		for _, id := range []string{"a", "a{#b", "b", "p1", "h", "x", "y", "", "c", "d", "e", "f", "g", "absent"} {
			if got, want := labels[id], lookUpLabel([]byte(body), id); got != want {
				t.Errorf("body %q, id %q: label %q, want %q", body, id, got, want)
			}
		}
	}
	if got := labelsOf([]byte(bodies[0]))["a"]; got != "Title" {
		t.Errorf("label of a heading: %q, want %q", got, "Title")
	}
}

// lookUpLabel is the label of place id by looking it up in body.
func lookUpLabel(body []byte, id string) string {
	if id == "" {
		return ""
	}
	at := bytes.Index(body, []byte("{#"+id+"}"))
	if at < 0 {
		return ""
	}
	return labelAt(body, at)
}
