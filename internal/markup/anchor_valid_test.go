package markup

import "testing"

func TestValidAnchor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give string
		want bool
	}{
		{"p2", true},
		{"p1-sub2", true},
		{"art.61:2_b", true},
		{"", false},
		{"-p2", false},
		{"p 2", false},
		{"p2}", false},
		{"p2} x", false},
		{"kb-cites", false},
		{"KBx", false},
	}
	for _, tt := range tests {
		if got := ValidAnchor(tt.give); got != tt.want {
			t.Errorf("ValidAnchor(%q) = %v, want %v", tt.give, got, tt.want)
		}
	}
}
