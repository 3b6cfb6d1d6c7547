package dist

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/kb-legal/kb/internal/yamlpos"
)

// root is the repository root, where the distribution files live.
const root = "../.."

func read(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// action is the part of action.yml's schema kb's action uses; yamlpos
// decodes strictly, so a misspelt key fails the test.
type action struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Author      string            `yaml:"author"`
	Branding    map[string]string `yaml:"branding"`
	Inputs      map[string]struct {
		Description string `yaml:"description"`
		Required    bool   `yaml:"required"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			Name  string            `yaml:"name"`
			ID    string            `yaml:"id"`
			If    string            `yaml:"if"`
			Shell string            `yaml:"shell"`
			Env   map[string]string `yaml:"env"`
			Run   string            `yaml:"run"`
			Uses  string            `yaml:"uses"`
			With  map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func loadAction(t *testing.T) action {
	t.Helper()
	var a action
	if _, err := yamlpos.Decode(read(t, "action.yml"), &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

var (
	// expression is one ${{ … }} of GitHub's expression syntax.
	expression = regexp.MustCompile(`\$\{\{(.*?)\}\}`)
	inputRef   = regexp.MustCompile(`\binputs\.([A-Za-z_][A-Za-z0-9_-]*)`)
	stepRef    = regexp.MustCompile(`\bsteps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.([A-Za-z_][A-Za-z0-9_-]*)`)
)

// refs returns the names that re finds in text's expressions (and in
// if: conditions, which are expressions without the ${{ }}), with the
// line of each.
func refs(text string, re *regexp.Regexp) map[string][]int {
	out := map[string][]int{}
	for i, line := range strings.Split(text, "\n") {
		var exprs []string
		for _, m := range expression.FindAllStringSubmatch(line, -1) {
			exprs = append(exprs, m[1])
		}
		if cond, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- ")), "if:"); ok {
			exprs = append(exprs, cond)
		}
		for _, e := range exprs {
			for _, m := range re.FindAllStringSubmatch(e, -1) {
				key := strings.Join(m[1:], ".")
				out[key] = append(out[key], i+1)
			}
		}
	}
	return out
}

func TestActionParses(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	if a.Name == "" || a.Description == "" {
		t.Error("action.yml needs a name and a description (the Marketplace shows them)")
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	if len(a.Runs.Steps) == 0 {
		t.Fatal("action.yml has no steps")
	}
	for i, s := range a.Runs.Steps {
		if (s.Run == "") == (s.Uses == "") {
			t.Errorf("step %d (%s): needs exactly one of run and uses", i, s.Name)
		}
		if s.Run != "" && s.Shell == "" {
			t.Errorf("step %d (%s): a composite action's run step needs a shell", i, s.Name)
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %d (%s): an expression inside run: is pasted into the script; pass it through env:", i, s.Name)
		}
	}
	for name, in := range a.Inputs {
		if in.Description == "" {
			t.Errorf("input %q has no description", name)
		}
	}
}

func TestActionInputsDeclared(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	text := string(read(t, "action.yml"))
	used := refs(text, inputRef)
	if len(used) == 0 {
		t.Fatal("action.yml refers to no input: the pattern or the file is wrong")
	}
	for name, lines := range used {
		if _, ok := a.Inputs[name]; !ok {
			t.Errorf("action.yml:%d: inputs.%s is not declared under inputs:", lines[0], name)
		}
	}
	for name := range a.Inputs {
		if _, ok := used[name]; !ok {
			t.Errorf("input %q is declared but never used", name)
		}
	}
	ids := map[string]bool{}
	for _, s := range a.Runs.Steps {
		if s.ID != "" {
			ids[s.ID] = true
		}
	}
	for ref, lines := range refs(text, stepRef) {
		if step, _, _ := strings.Cut(ref, "."); !ids[step] {
			t.Errorf("action.yml:%d: steps.%s refers to no step with that id", lines[0], ref)
		}
	}
}

func TestRefsFindsEveryReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want []string
	}{
		{desc: "in an expression", give: "x: ${{ inputs.source }}", want: []string{"source"}},
		{desc: "with a dash", give: "x: ${{ inputs.base-url }}/", want: []string{"base-url"}},
		{desc: "two on a line", give: "x: ${{ inputs.a }} ${{ inputs.b }}", want: []string{"a", "b"}},
		{desc: "in an if: condition", give: "  if: inputs.check == 'true'", want: []string{"check"}},
		{desc: "in a list item's if:", give: "- if: inputs.build", want: []string{"build"}},
		{desc: "outside an expression", give: "description: the inputs.nothing field", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var got []string
			for name := range refs(tt.give, inputRef) {
				got = append(got, name)
			}
			sort.Strings(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("refs(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

// decodeLoose parses data as YAML (strictly: duplicate keys, tabs and
// the like fail) into generic values, then fills v's json-tagged fields
// from them, ignoring the fields v does not name.
func decodeLoose(data []byte, v any) error {
	var all map[string]any
	if _, err := yamlpos.Decode(data, &all); err != nil {
		return err
	}
	j, err := json.Marshal(all)
	if err != nil {
		return err
	}
	return json.Unmarshal(j, v)
}

// workflow is what the tests read of a workflow; the rest is decoded
// loosely, as GitHub's schema is large.
type workflow struct {
	Name        string         `json:"name"`
	On          map[string]any `json:"on"`
	Permissions any            `json:"permissions"`
	Concurrency any            `json:"concurrency"`
	Jobs        map[string]struct {
		RunsOn      string         `json:"runs-on"`
		Needs       any            `json:"needs"`
		Permissions any            `json:"permissions"`
		Environment map[string]any `json:"environment"`
		Steps       []struct {
			Name  string            `json:"name"`
			ID    string            `json:"id"`
			If    string            `json:"if"`
			Shell string            `json:"shell"`
			Uses  string            `json:"uses"`
			Run   string            `json:"run"`
			With  map[string]any    `json:"with"`
			Env   map[string]string `json:"env"`
		} `json:"steps"`
	} `json:"jobs"`
}

func TestWorkflows(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	names, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	if err != nil || len(names) < 2 {
		t.Fatalf("workflows: %v %v (want publish.yml and release.yml at least)", names, err)
	}
	usesAction := false
	for _, name := range names {
		rel, _ := filepath.Rel(root, name)
		var w workflow
		if err := decodeLoose(read(t, rel), &w); err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if w.Name == "" || len(w.On) == 0 || len(w.Jobs) == 0 {
			t.Errorf("%s: needs name, on and jobs", rel)
		}
		for job, j := range w.Jobs {
			if j.RunsOn == "" || len(j.Steps) == 0 {
				t.Errorf("%s: job %s needs runs-on and steps", rel, job)
			}
			for _, s := range j.Steps {
				if s.Uses != "./" {
					continue
				}
				// The repository's own action: only its inputs, and the
				// required ones given.
				usesAction = true
				for key := range s.With {
					if _, ok := a.Inputs[key]; !ok {
						t.Errorf("%s: job %s passes %q to ./ (action.yml), which has no such input", rel, job, key)
					}
				}
				for key, in := range a.Inputs {
					if _, ok := s.With[key]; in.Required && !ok {
						t.Errorf("%s: job %s does not pass the required input %q to ./", rel, job, key)
					}
				}
			}
		}
	}
	if !usesAction {
		t.Error("no workflow uses the repository's action (uses: ./)")
	}
}

// linkerVars returns the package-level string variables of cmd/kb's
// version.go: what -X main.NAME may set.
func linkerVars(t *testing.T) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(root, "cmd", "kb", "version.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]bool{}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
			for _, s := range g.Specs {
				v := s.(*ast.ValueSpec)
				if id, ok := v.Type.(*ast.Ident); ok && id.Name == "string" {
					for _, n := range v.Names {
						vars[n.Name] = true
					}
				}
			}
		}
	}
	return vars
}

func TestLinkerFlagsNameVariables(t *testing.T) {
	t.Parallel()
	vars := linkerVars(t)
	x := regexp.MustCompile(`-X main\.([A-Za-z_]\w*)=`)
	for _, name := range []string{".goreleaser.yaml", "Dockerfile"} {
		found := map[string]bool{}
		for _, m := range x.FindAllStringSubmatch(string(read(t, name)), -1) {
			found[m[1]] = true
			if !vars[m[1]] {
				t.Errorf("%s sets main.%s, which cmd/kb/version.go does not declare as a string variable", name, m[1])
			}
		}
		for _, want := range []string{"version", "commit", "date"} {
			if !found[want] {
				t.Errorf("%s does not set main.%s", name, want)
			}
		}
	}
}

// goreleaser is the part of .goreleaser.yaml the release depends on.
type goreleaser struct {
	Version int `json:"version"`
	Builds  []struct {
		Main   string   `json:"main"`
		Env    []string `json:"env"`
		Goos   []string `json:"goos"`
		Goarch []string `json:"goarch"`
		Flags  []string `json:"flags"`
		Mod    string   `json:"mod_timestamp"`
	} `json:"builds"`
	SBOMs []map[string]any `json:"sboms"`
}

func TestGoreleaserConfig(t *testing.T) {
	t.Parallel()
	// Loosely: only the fields above are checked; GoReleaser itself
	// checks the rest (make release-snapshot, in CI).
	var g goreleaser
	if err := decodeLoose(read(t, ".goreleaser.yaml"), &g); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if g.Version != 2 {
		t.Errorf("version: %d, want 2 (GoReleaser v2's schema)", g.Version)
	}
	if len(g.Builds) != 1 {
		t.Fatalf("builds: %d, want 1", len(g.Builds))
	}
	b := g.Builds[0]
	targets := len(b.Goos) * len(b.Goarch)
	for _, os := range []string{"linux", "darwin", "windows"} {
		if !slices.Contains(b.Goos, os) {
			t.Errorf("builds[0].goos lacks %s", os)
		}
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if !slices.Contains(b.Goarch, arch) {
			t.Errorf("builds[0].goarch lacks %s", arch)
		}
	}
	if targets != 6 {
		t.Errorf("%d targets, want 6", targets)
	}
	if b.Main != "./cmd/kb" || !slices.Contains(b.Env, "CGO_ENABLED=0") || !slices.Contains(b.Flags, "-trimpath") || b.Mod == "" {
		t.Errorf("builds[0] = %+v: want main ./cmd/kb, CGO_ENABLED=0, -trimpath and a mod_timestamp (static, reproducible)", b)
	}
	if len(g.SBOMs) == 0 {
		t.Error("no sboms: a release carries an SBOM")
	}
}

func TestDockerfileGoVersion(t *testing.T) {
	t.Parallel()
	goMod := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(read(t, "go.mod"))
	arg := regexp.MustCompile(`(?m)^ARG GO_VERSION=(\S+)$`).FindSubmatch(read(t, "Dockerfile"))
	if goMod == nil || arg == nil {
		t.Fatalf("go.mod's go line %q or the Dockerfile's ARG GO_VERSION %q is missing", goMod, arg)
	}
	if string(goMod[1]) != string(arg[1]) {
		t.Errorf("Dockerfile builds with Go %s, go.mod asks for %s", arg[1], goMod[1])
	}
}

// hook is one entry of .pre-commit-hooks.yaml.
type hook struct {
	ID            string   `yaml:"id"`
	Name          string   `yaml:"name"`
	Description   string   `yaml:"description"`
	Entry         string   `yaml:"entry"`
	Language      string   `yaml:"language"`
	Files         string   `yaml:"files"`
	PassFilenames *bool    `yaml:"pass_filenames"`
	Args          []string `yaml:"args"`
	MinVersion    string   `yaml:"minimum_pre_commit_version"`
}

func TestPreCommitHooks(t *testing.T) {
	t.Parallel()
	// The manifest is a YAML list at the top level, and yamlpos decodes
	// mappings: indented under one key, it is the same list.
	data := read(t, ".pre-commit-hooks.yaml")
	var m struct {
		Hooks []hook `yaml:"hooks"`
	}
	wrapped := "hooks:\n  " + strings.ReplaceAll(strings.TrimRight(string(data), "\n"), "\n", "\n  ") + "\n"
	if _, err := yamlpos.Decode([]byte(wrapped), &m); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	if len(m.Hooks) == 0 {
		t.Fatal(".pre-commit-hooks.yaml has no hooks")
	}
	for _, h := range m.Hooks {
		if h.ID == "" || h.Name == "" || h.Entry == "" {
			t.Errorf("hook %+v needs id, name and entry", h)
		}
		if h.Language != "golang" {
			t.Errorf("hook %s: language %q, want golang (pre-commit builds kb from the module)", h.ID, h.Language)
		}
		if !strings.HasPrefix(h.Entry, "kb ") {
			t.Errorf("hook %s: entry %q does not run kb", h.ID, h.Entry)
		}
		if _, err := regexp.Compile(h.Files); err != nil {
			t.Errorf("hook %s: files %q: %v", h.ID, h.Files, err)
		}
	}
}
