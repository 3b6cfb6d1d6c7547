package sitefs

import (
	"errors"
	"os"
	"path/filepath"
)

// Why a folder holds no site.
var (
	ErrNotDir = errors.New("not a directory")
	ErrNoSite = errors.New("no kb site (no kb.yaml or content/)")
)

// CheckSite reports whether dir holds a kb site: a folder with a kb.yaml
// or a content/ folder. Run from the wrong folder, kb would otherwise
// report an empty site as having "no problems".
func CheckSite(dir string) error {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return ErrNotDir
	}
	_, errConfig := os.Stat(filepath.Join(dir, "kb.yaml"))
	content, errContent := os.Stat(filepath.Join(dir, "content"))
	if errConfig != nil && (errContent != nil || !content.IsDir()) {
		return ErrNoSite
	}
	return nil
}
