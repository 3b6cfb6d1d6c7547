// Package siteflag is the part of the command line kb's site commands
// share: the flags --source, --drafts and --today, and the environment
// variables KB_TODAY and SOURCE_DATE_EPOCH, read into build.Options.
//
// Each command declares the shared flags with one call (Add) and checks
// them with another (Check or Open): --source must hold a site (a folder
// with kb.yaml or content/), and every date must parse. A bad value is an
// error that names where it came from (the flag or the variable), which
// a command reports as a usage error.
package siteflag

import (
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/sitefs"
)

// Takes says which of the shared flags and variables a command reads,
// beside --source, which every site command takes.
type Takes uint8

const (
	Drafts Takes = 1 << iota // --drafts: include draft pages
	Today                    // --today, else KB_TODAY: the day reviews fall due by
	Epoch                    // SOURCE_DATE_EPOCH: the date of files not in git, for a build that publishes
)

// Flags are the shared flags of one command.
type Flags struct {
	opts  *build.Options
	takes Takes
	today string
}

// Add declares --source, and the flags takes names, on fs. Once fs is
// parsed, Check fills opts from them.
func Add(fs *flag.FlagSet, opts *build.Options, takes Takes) *Flags {
	f := &Flags{opts: opts, takes: takes}
	fs.StringVar(&opts.Source, "source", ".", "the site `directory` (kb.yaml, content/, themes/)")
	if takes&Drafts != 0 {
		fs.BoolVar(&opts.Drafts, "drafts", false, "include draft pages")
	}
	if takes&Today != 0 {
		fs.StringVar(&f.today, "today", "", "the `day` (YYYY-MM-DD) reviews fall due by and change notes may not be after (default: KB_TODAY, else the clock's, UTC)")
	}
	return f
}

// Check checks that --source holds a site and fills the options' dates:
// Today from --today, else KB_TODAY; Epoch from SOURCE_DATE_EPOCH.
// getenv reads the environment (os.Getenv). A date not given is zero:
// the clock's day, and files' modification times.
func (f *Flags) Check(getenv func(string) string) error {
	if err := checkSource(f.opts.Source); err != nil {
		return err
	}
	var err error
	if f.takes&Epoch != 0 {
		if f.opts.Epoch, err = sourceDateEpoch(getenv("SOURCE_DATE_EPOCH")); err != nil {
			return err
		}
	}
	if f.takes&Today != 0 {
		f.opts.Today, err = today(f.today, getenv("KB_TODAY"))
	}
	return err
}

// Open is Check, then opens the site through the gate every file read
// goes through (package sitefs). Close releases it.
func (f *Flags) Open(getenv func(string) string) (*sitefs.FS, error) {
	if err := f.Check(getenv); err != nil {
		return nil, err
	}
	return sitefs.Open(f.opts.Source)
}

// checkSource says why dir holds no site, if it does not.
func checkSource(dir string) error {
	switch sitefs.CheckSite(dir) {
	case sitefs.ErrNotDir:
		return fmt.Errorf("--source %s is not a directory", diag.Printable(dir))
	case sitefs.ErrNoSite:
		return fmt.Errorf("no kb site in %s (no kb.yaml or content/); pass --source", diag.Printable(dir))
	}
	return nil
}

// today parses --today's value, else KB_TODAY's; zero when neither is
// set.
func today(flagValue, env string) (time.Time, error) {
	v, from := flagValue, "--today"
	if v == "" {
		v, from = env, "KB_TODAY"
	}
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not a date (YYYY-MM-DD)", from, diag.Printable(v))
	}
	return t, nil
}

// sourceDateEpoch parses SOURCE_DATE_EPOCH (reproducible-builds.org):
// seconds since 1970, the date given to content files not committed to
// git in place of their modification time; zero when unset.
func sourceDateEpoch(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil || sec < 0 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970", diag.Printable(v))
	}
	return time.Unix(sec, 0).UTC(), nil
}
