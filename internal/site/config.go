package site

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"

	"kb/internal/diag"
	"kb/internal/yamlpos"
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
	Citations CitationRules  `yaml:"citations"`
	Params    map[string]any `yaml:"params"`

	pos yamlpos.Keys // where each key sits in kb.yaml
}

// CitationRules is kb.yaml's citations: setting.
type CitationRules struct {
	// MinPercent is the share of substantive paragraphs that must carry a
	// reference or a source note; below it, kb check fails. 0: no minimum.
	MinPercent float64 `yaml:"min_percent"`
}

// At returns where a top-level key of kb.yaml sits (line 1 if absent).
func (c Config) At(key string) (line, col int) { return c.pos.At(key) }

// DefaultConfig is what a site without kb.yaml gets.
func DefaultConfig() Config {
	return Config{Title: "Knowledge base", BaseURL: "/", Language: "en", Theme: "default"}
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
	keys, err := yamlpos.Decode(data, &cfg)
	if err != nil {
		return DefaultConfig(), diag.List{yamlProblem(ConfigFile, 1, err)}
	}
	cfg.pos = keys
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
func (c *Config) SetBaseURL(u string) error {
	parsed, err := url.Parse(u)
	if err != nil || parsed.RawQuery != "" || parsed.ForceQuery || parsed.Fragment != "" || parsed.Opaque != "" ||
		(parsed.Scheme != "" && parsed.Host == "") ||
		(parsed.Scheme != "" && parsed.Scheme != "http" && parsed.Scheme != "https") ||
		(parsed.Scheme == "" && !strings.HasPrefix(u, "/")) {
		return fmt.Errorf("invalid base_url %q", u)
	}
	if !strings.HasSuffix(parsed.Path, "/") {
		parsed.Path += "/"
	}
	c.BaseURL = parsed.String()
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
