package yamlpos

import "testing"

// TestFirstUnknownField: of several unknown fields, the first written is
// the one reported, every time (go-yaml meets them in map order).
func TestFirstUnknownField(t *testing.T) {
	t.Parallel()
	type fields struct {
		Title    string `yaml:"title"`
		Question string `yaml:"question"`
		Nested   struct {
			Source string `yaml:"source"`
		} `yaml:"nested"`
	}
	data := []byte("title: T\nfact0: a\nquestion: q\ncome: b\nzz: c\nyy: d\n")
	for range 50 {
		var v fields
		_, err := Decode(data, &v)
		e, ok := err.(*Error)
		if !ok || e.Unknown != "fact0" || e.Message != `unknown field "fact0"` || e.Line != 2 || e.Col != 1 {
			t.Fatalf("Decode = %#v, want unknown field fact0 at 2:1", err)
		}
	}
	var v fields
	if _, err := Decode([]byte("title: T\nnested:\n  sauce: x\n"), &v); err == nil || err.(*Error).Unknown != "sauce" {
		t.Errorf("nested unknown field: %v, want sauce", err)
	}
}
