package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

const rev = "98f0074c1d2e3f4a5b6c7d8e9f00112233445566"

// settings is a checkout build's vcs.* and platform settings.
func settings(modified string) []debug.BuildSetting {
	return []debug.BuildSetting{
		{Key: "-trimpath", Value: "true"},
		{Key: "GOARCH", Value: "arm64"},
		{Key: "GOOS", Value: "darwin"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: rev},
		{Key: "vcs.time", Value: "2026-11-30T08:12:00Z"},
		{Key: "vcs.modified", Value: modified},
	}
}

func TestOf(t *testing.T) {
	t.Parallel()
	here := runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		desc string
		info *debug.BuildInfo
		link Linked
		want Version
	}{
		{
			desc: "no build information (a stripped test binary)",
			want: Version{Version: "(devel)", Go: runtime.Version(), Platform: here},
		},
		{
			desc: "go install of a tagged module: no vcs settings",
			info: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/kb-legal/kb", Version: "v1.2.3"},
				Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "amd64"}}},
			want: Version{Version: "v1.2.3", Go: "go1.26.8", Platform: "linux/amd64"},
		},
		{
			desc: "go build in a clean checkout",
			info: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261130081200-98f0074c1d2e"}, Settings: settings("false")},
			want: Version{Version: "v0.0.0-20261130081200-98f0074c1d2e", Commit: rev, Date: "2026-11-30T08:12:00Z", Go: "go1.26.8", Platform: "darwin/arm64"},
		},
		{
			desc: "go build in a checkout with changes",
			info: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261130081200-98f0074c1d2e+dirty"}, Settings: settings("true")},
			want: Version{Version: "v0.0.0-20261130081200-98f0074c1d2e+dirty", Commit: rev, Date: "2026-11-30T08:12:00Z", Modified: true, Go: "go1.26.8", Platform: "darwin/arm64"},
		},
		{
			desc: "go run: (devel) with vcs settings",
			info: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: settings("false")},
			want: Version{Version: "(devel)", Commit: rev, Date: "2026-11-30T08:12:00Z", Go: "go1.26.8", Platform: "darwin/arm64"},
		},
		{
			desc: "release build: the linker flags win",
			info: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: settings("false")},
			link: Linked{Version: "v1.4.0", Commit: "abcdef0123456789abcdef0123456789abcdef01", Date: "2026-12-01T10:00:00Z"},
			want: Version{Version: "v1.4.0", Commit: "abcdef0123456789abcdef0123456789abcdef01", Date: "2026-12-01T10:00:00Z", Go: "go1.26.8", Platform: "darwin/arm64"},
		},
		{
			desc: "a linker flag left empty keeps the build information",
			info: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: settings("false")},
			link: Linked{Version: "v1.4.0"},
			want: Version{Version: "v1.4.0", Commit: rev, Date: "2026-11-30T08:12:00Z", Go: "go1.26.8", Platform: "darwin/arm64"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := Of(tt.info, tt.link); got != tt.want {
				t.Errorf("Of:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestShort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give Version
		want string
	}{
		{desc: "release", give: Version{Version: "v1.2.3", Commit: rev}, want: "v1.2.3"},
		{desc: "release without a commit", give: Version{Version: "v1.2.3"}, want: "v1.2.3"},
		{desc: "pseudo-version names its commit", give: Version{Version: "v0.0.0-20261130081200-98f0074c1d2e", Commit: rev}, want: "v0.0.0-20261130081200-98f0074c1d2e"},
		{desc: "go's own +dirty is kept once", give: Version{Version: "v0.0.0-20261130081200-98f0074c1d2e+dirty", Commit: rev, Modified: true}, want: "v0.0.0-20261130081200-98f0074c1d2e+dirty"},
		{desc: "devel gets the commit", give: Version{Version: "(devel)", Commit: rev}, want: "(devel)-98f0074c1d2e"},
		{desc: "devel with changes", give: Version{Version: "(devel)", Commit: rev, Modified: true}, want: "(devel)-98f0074c1d2e+dirty"},
		{desc: "devel without vcs", give: Version{Version: "(devel)"}, want: "(devel)"},
		{desc: "snapshot names no commit", give: Version{Version: "v0.1.1-next", Commit: rev}, want: "v0.1.1-next-98f0074c1d2e"},
		{desc: "snapshot with the short commit", give: Version{Version: "v0.1.1-SNAPSHOT-98f0074", Commit: rev}, want: "v0.1.1-SNAPSHOT-98f0074"},
		{desc: "release candidate is not a release", give: Version{Version: "v1.0.0-rc.1", Commit: rev}, want: "v1.0.0-rc.1-98f0074c1d2e"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := tt.give.Short(); got != tt.want {
				t.Errorf("Short() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give Version
		want string
	}{
		{
			desc: "everything known",
			give: Version{Version: "v1.2.3", Commit: rev, Date: "2026-11-30T08:12:00Z", Go: "go1.26.8", Platform: "linux/amd64"},
			want: "kb v1.2.3\ncommit:   " + rev + "\ndate:     2026-11-30T08:12:00Z\ngo:       go1.26.8 linux/amd64\n",
		},
		{
			desc: "modified tree",
			give: Version{Version: "(devel)", Commit: rev, Date: "2026-11-30T08:12:00Z", Modified: true, Go: "go1.26.8", Platform: "linux/amd64"},
			want: "kb (devel)\ncommit:   " + rev + "\ndate:     2026-11-30T08:12:00Z\nmodified: true (built with uncommitted changes)\ngo:       go1.26.8 linux/amd64\n",
		},
		{
			desc: "module download: no commit or date",
			give: Version{Version: "v1.2.3", Go: "go1.26.8", Platform: "windows/arm64"},
			want: "kb v1.2.3\ngo:       go1.26.8 windows/arm64\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := tt.give.String(); got != tt.want {
				t.Errorf("String():\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
