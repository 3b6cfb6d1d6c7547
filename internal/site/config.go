package site

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"strings"
	"unicode"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/yamlpos"
)

// ConfigFile is the name of a site's configuration file.
const ConfigFile = "kb.yaml"

// Config is a site's kb.yaml.
type Config struct {
	Title    string `yaml:"title"`
	BaseURL  string `yaml:"base_url"`
	Language string `yaml:"language"`
	Theme    string `yaml:"theme"`
	// Description is used for the home page's meta description and the feed.
	Description string `yaml:"description"`
	// RawHTML lets raw HTML in Markdown through; off by default, because
	// content is published as-is and must not run as script.
	RawHTML bool `yaml:"raw_html"`
	// Notice is shown at the foot of every page (e.g. "not legal advice").
	Notice string `yaml:"notice"`
	// Menu is the main navigation: references (page ids or site paths) in
	// order. Empty means the home page's sections, then the glossary and
	// the scenario matrix where they exist.
	Menu []string `yaml:"menu"`
	// About is the id of the page about the site, linked from every footer
	// (default "about", if such a page exists).
	About string `yaml:"about"`
	// Citations sets the citation coverage kb check requires.
	Citations CitationRules `yaml:"citations"`
	// Vocabulary is the values scenario fields may take (see Vocabulary).
	Vocabulary Vocabulary     `yaml:"vocabulary"`
	Params     map[string]any `yaml:"params"`
	// Review is how long a page's as_of may age before it is due for
	// review: every: for all kinds, or a kind's own (see review.go).
	Review map[string]string `yaml:"review"`

	pos     yamlpos.Keys        // where each key sits in kb.yaml
	reviews map[string]Interval // Review, parsed
}

// CitationRules is kb.yaml's citations: setting.
type CitationRules struct {
	// MinPercent is the share of substantive paragraphs that must carry a
	// reference or a source note; below it, kb check fails. 0: no minimum.
	MinPercent float64 `yaml:"min_percent"`
}

// At returns where a top-level key of kb.yaml sits (line 1 if absent).
func (c Config) At(key string) (line, col int) { return c.pos.At(key) }

// configFieldNames lists kb.yaml's fields, for "did you mean".
func configFieldNames() []string {
	return []string{"title", "base_url", "language", "theme", "description", "raw_html", "notice", "menu",
		"about", "citations", "params", "vocabulary", "review"}
}

// DefaultConfig is what a site without kb.yaml gets.
func DefaultConfig() Config {
	return Config{Title: "Knowledge base", BaseURL: "/", Language: "en", Theme: "default", Vocabulary: DefaultVocabulary()}
}

// LoadConfig reads kb.yaml from fsys; a missing file means defaults.
func LoadConfig(fsys fs.FS) (Config, diag.List) {
	cfg := DefaultConfig()
	data, err := fs.ReadFile(fsys, ConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return cfg, diag.List{{File: ConfigFile, Line: 1, Col: 1, Message: err.Error()}}
	}
	return ParseConfig(data)
}

// ParseConfig decodes and checks the text of a kb.yaml.
func ParseConfig(data []byte) (Config, diag.List) {
	cfg := DefaultConfig()
	cfg.Vocabulary = Vocabulary{} // kb.yaml's lists replace the defaults, not add to them
	keys, err := yamlpos.Decode(data, &cfg)
	if err != nil {
		return DefaultConfig(), diag.List{yamlProblem(ConfigFile, 1, err, parentKey(data, err))}
	}
	cfg.pos = keys
	cfg.Vocabulary = cfg.Vocabulary.withDefaults()
	if probs := cfg.Vocabulary.check(keys.At("vocabulary")); len(probs) > 0 {
		return cfg, probs
	}
	if probs := cfg.checkReview(); len(probs) > 0 {
		return cfg, probs
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "/"
	}
	if m := cfg.Citations.MinPercent; m < 0 || m > 100 {
		line, col := keys.At("citations")
		return cfg, diag.List{{File: ConfigFile, Line: line, Col: col, Message: fmt.Sprintf("citations: min_percent %g is not between 0 and 100", m),
			Hint: "e.g. citations: {min_percent: 95}"}}
	}
	if err := cfg.SetBaseURL(cfg.BaseURL); err != nil {
		line, col := keys.At("base_url")
		return cfg, diag.List{{File: ConfigFile, Line: line, Col: col, Message: err.Error(),
			Hint: "use an absolute URL such as https://org.example/kb/ or a path such as /kb/"}}
	}
	if cfg.Theme == "" {
		cfg.Theme = "default"
	}
	if cfg.Language == "" {
		cfg.Language = "en"
	}
	return cfg, nil
}

// SetBaseURL validates and normalises u so that it ends with a slash.
//
// The base URL is in every page's script and stylesheet addresses, so it
// must not be able to name another host: it is an absolute http(s) URL
// with a host, or a path that begins with a single "/"; its path has no
// empty segment ("//", which browsers read as a host), no backslash, no
// dot segment, no query or fragment, not even percent-encoded, and only
// letters, digits and "-._~" in its segments.
func (c *Config) SetBaseURL(u string) error {
	bad := func(why string) error { return fmt.Errorf("invalid base_url %q: %s", u, why) }
	if strings.ContainsAny(u, "\\") || strings.ContainsFunc(u, unicode.IsControl) {
		return bad("a backslash or a control character")
	}
	parsed, err := url.Parse(u)
	switch {
	case err != nil:
		return bad("not a URL")
	case parsed.RawQuery != "" || parsed.ForceQuery || parsed.Fragment != "" || strings.ContainsAny(u, "?#"):
		return bad("a query or fragment")
	case parsed.Opaque != "":
		return bad("not a URL")
	case parsed.Scheme == "" && (parsed.Host != "" || parsed.User != nil || !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//")):
		return bad("neither an http(s) URL nor a path beginning with a single /")
	case parsed.Scheme != "" && parsed.Scheme != "http" && parsed.Scheme != "https":
		return bad("only http and https URLs")
	case parsed.Scheme != "" && (parsed.Host == "" || parsed.Hostname() == "" || parsed.User != nil):
		return bad("an http(s) URL needs a host and no user name")
	case parsed.Scheme != "" && !validHost(parsed.Hostname(), parsed.Port()):
		return bad("not a host name")
	}
	if parsed.Path == "" {
		parsed.Path = "/"
	}
	if err := checkBasePath(parsed.Path); err != nil {
		return bad(err.Error())
	}
	if !strings.HasSuffix(parsed.Path, "/") {
		parsed.Path += "/"
	}
	parsed.RawPath = ""
	c.BaseURL = parsed.String()
	return nil
}

// validHost reports whether host and port are an IP address or a name of
// letters, digits, "-" and ".", and digits.
func validHost(host, port string) bool {
	for _, r := range port {
		if r < '0' || r > '9' {
			return false
		}
	}
	if net.ParseIP(host) != nil {
		return true
	}
	for _, r := range host {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '.' {
			return false
		}
	}
	return true
}

// checkBasePath checks the decoded path of a base URL.
func checkBasePath(p string) error {
	if !strings.HasPrefix(p, "/") {
		return errors.New("the path must begin with /")
	}
	segs := strings.Split(strings.TrimSuffix(p[1:], "/"), "/")
	if p == "/" {
		return nil
	}
	for _, seg := range segs {
		switch {
		case seg == "":
			return errors.New(`an empty path segment ("//")`)
		case seg == "." || seg == "..":
			return errors.New("a dot segment")
		}
		for _, r := range seg {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("-._~", r) {
				return fmt.Errorf("%q in the path (letters, digits and -._~ only)", r)
			}
		}
	}
	return nil
}

// BasePath is the path part of the base URL, e.g. "/kb/": every site URL is
// written under it, so the output works when served from a sub-path.
func (c Config) BasePath() string {
	parsed, err := url.Parse(c.BaseURL)
	if err != nil || parsed.Path == "" {
		return "/"
	}
	return parsed.Path
}

// Absolute returns the absolute URL of a site path such as "/a/b/", for
// canonical links and feeds; without a host in base_url it is a path.
func (c Config) Absolute(path string) string {
	return strings.TrimSuffix(c.BaseURL, "/") + path
}
